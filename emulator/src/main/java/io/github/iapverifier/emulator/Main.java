package io.github.iapverifier.emulator;

import io.github.iapverifier.IapProxy;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The command line: {@code java -jar iap-verifier-emulator.jar --upstream http://localhost:8081},
 * or {@code ... inspect TOKEN} ({@link Inspect}). Run with {@code --help} for the flags. Exit
 * status 2 for a bad command line, 1 when the emulator cannot start (port taken, upstream
 * unreachable); otherwise it serves until stopped.
 */
public final class Main {

  static final int USAGE = 2;
  static final int START_FAILED = 1;

  private static final String RESTRICTED_HEADERS = "jdk.httpclient.allowRestrictedHeaders";

  static final String HELP =
      """
      Usage: java -jar iap-verifier-emulator.jar --upstream URL [options]
             java -jar iap-verifier-emulator.jar inspect [options] TOKEN|-   (see inspect --help)

      A local stand-in for Google Cloud Identity-Aware Proxy. It forwards every request to the
      app at URL with a freshly signed x-goog-iap-jwt-assertion (and the legacy
      x-goog-authenticated-user-* headers) for an identity you pick on its sign-in page.
      With --proxy it plays another identity-aware proxy: its token format, header and keys.

      Options:
        --upstream URL               the app to protect, http://HOST:PORT (required)
        --port N                     port to listen on (default 8080; 0 picks a free port)
        --bind ADDRESS               address to listen on (default 127.0.0.1; anyone who can
                                     reach the emulator can sign in as anyone)
        --allowed-hosts NAME[,NAME]  more names the browser may use in Host, on any port
                                     (default none: only localhost, loopback addresses and
                                     the bind address, with the emulator's port; others get
                                     421, against DNS rebinding)
        --proxy NAME                 the proxy to play: google-iap (default),
                                     cloudflare-access (Cf-Access-Jwt-Assertion, RS256,
                                     keys at /cdn-cgi/access/certs), aws-alb
                                     (x-amzn-oidc-data, ES256, a PEM key per kid at
                                     /_gcp_iap/aws-alb-keys/KID) or pomerium
                                     (X-Pomerium-Jwt-Assertion, ES256, keys at
                                     /.well-known/pomerium/jwks.json)
        --audience AUDIENCE          audience of the assertions (default /projects/1/apps/local-dev);
                                     with cloudflare-access the AUD tag, with pomerium the
                                     route host; not with aws-alb
        --users FILE|LIST            accounts offered on the sign-in page: a file with one per
                                     line, or a list separated by ';'. Each entry:
                                     EMAIL [hd=DOMAIN] [levels=LEVEL,LEVEL]
                                     e.g. "ana@example.com hd=example.com;bob@gmail.com"
        --wait-for-upstream SECONDS  wait up to SECONDS for the app to accept connections
                                     (default 0: it must be up already)
        -V, --version                print the version and exit
        -h, --help                   print this help and exit

      URLs on the emulator (as on real IAP, the query parameters work on any path):
        /_gcp_iap/signin                     pick an identity
        ?gcp-iap-mode=CLEAR_LOGIN_COOKIE     sign out (also /_gcp_iap/clear_login_cookie)
        ?gcp-iap-mode=IDENTITY               the signed-in identity as JSON
        ?gcp-iap-mode=SECURE_TOKEN_TEST&iap-secure-token-test-type=TYPE
                                             forward with an invalid assertion; TYPE is
                                             SIGNATURE, FUTURE_ISSUE, PAST_EXPIRATION, ISSUER,
                                             AUDIENCE, or NOT_SET (a valid one)
        /iap/verify/public_key-jwk           the signing keys (JWKS) for the app
      """;

  static final List<String> OPTIONS =
      List.of(
          "--upstream",
          "--port",
          "--bind",
          "--allowed-hosts",
          "--audience",
          "--proxy",
          "--users",
          "--wait-for-upstream");

  private Main() {}

  /**
   * Starts the emulator from command-line flags and leaves it serving; exits with a non-zero
   * status and a message on standard error when it cannot start.
   *
   * @param args the flags, see {@code --help}
   */
  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("inspect")) {
      System.exit(
          Inspect.run(Arrays.copyOfRange(args, 1, args.length), System.in, System.out, System.err));
    }
    // Lets the proxy hand the browser's Host header on to the app; must precede any HttpClient.
    if (System.getProperty(RESTRICTED_HEADERS) == null) {
      System.setProperty(RESTRICTED_HEADERS, "host");
    }
    int status =
        run(
            args,
            System.out,
            System.err,
            emulator -> Runtime.getRuntime().addShutdownHook(new Thread(emulator::close)));
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Parses, starts and prints the settings; returns the exit status (0 with the emulator
   * running, or after {@code --help} or {@code --version}).
   */
  static int run(String[] args, PrintStream out, PrintStream err, Consumer<Emulator> started) {
    Emulator.Builder builder = Emulator.builder().log(out);
    String bind = "127.0.0.1";
    try {
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("-h") || arg.equals("--help")) {
          out.print(HELP);
          return 0;
        }
        if (arg.equals("-V") || arg.equals("--version")) {
          out.println("iap-verifier-emulator " + version());
          return 0;
        }
        int equals = arg.indexOf('=');
        String name = arg.startsWith("--") && equals > 0 ? arg.substring(0, equals) : arg;
        if (!OPTIONS.contains(name)) {
          throw new IllegalArgumentException("unknown option '" + arg + "'");
        }
        String value;
        if (!name.equals(arg)) {
          value = arg.substring(equals + 1);
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          throw new IllegalArgumentException("option " + name + " needs a value");
        }
        switch (name) {
          case "--upstream" -> builder.upstream(uri(value));
          case "--port" -> builder.port(number(name, value));
          case "--bind" -> {
            bind = value;
            builder.bind(value);
          }
          case "--allowed-hosts" -> builder.allowedHosts(List.of(value.split(",", -1)));
          case "--audience" -> builder.audience(value);
          case "--proxy" -> builder.proxy(IapProxy.fromConfigName(value));
          case "--users" -> builder.presets(users(value));
          default -> builder.waitForUpstream(Duration.ofSeconds(number(name, value)));
        }
      }
    } catch (IllegalArgumentException e) {
      err.println("iap-verifier-emulator: " + e.getMessage());
      err.println("Run with --help for the options.");
      return USAGE;
    }

    Emulator emulator;
    try {
      emulator = builder.start();
    } catch (IllegalArgumentException e) {
      err.println("iap-verifier-emulator: " + e.getMessage());
      err.println("Run with --help for the options.");
      return USAGE;
    } catch (IllegalStateException | UncheckedIOException e) {
      err.println("iap-verifier-emulator: cannot start: " + e.getMessage());
      return START_FAILED;
    }
    started.accept(emulator);
    printSettings(emulator, bind, out);
    return 0;
  }

  /** From the jar's manifest; classes run from a build folder have none. */
  static String version() {
    String version = Main.class.getPackage().getImplementationVersion();
    return version != null ? version : "(unknown: not run from a jar)";
  }

  private static void printSettings(Emulator emulator, String bind, PrintStream out) {
    List<String[]> settings = emulator.settings();
    out.println("IAP emulator listening on " + emulator.baseUri() + " -> " + emulator.upstream());
    if (emulator.proxy() == IapProxy.GOOGLE_IAP) {
      out.println("Audience: " + emulator.audience().value());
    } else {
      out.println(
          "Playing "
              + emulator.proxy().configName()
              + ": signed assertions in "
              + emulator.proxy().header());
    }
    out.println();
    out.println("Configure the app behind it with:");
    out.println("  Spring Boot properties:");
    settings.forEach(s -> out.println("    " + s[0] + "=" + s[2]));
    out.println("  Servlet filter init-params:");
    settings.forEach(s -> out.println("    " + s[1] + " = " + s[2]));
    out.println();
    out.println("Open " + emulator.baseUri() + "/ in a browser and pick an identity.");
    if (!isLoopback(bind)) {
      out.println(
          "WARNING: listening on "
              + bind
              + ", not a loopback address: anyone who can reach it can sign in as anyone.");
    }
    out.flush();
  }

  private static boolean isLoopback(String bind) {
    try {
      return InetAddress.getByName(bind).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }

  private static URI uri(String value) {
    try {
      return new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("upstream '" + value + "' is not a URL", e);
    }
  }

  private static int number(String name, String value) {
    try {
      int number = Integer.parseInt(value.strip());
      if (number < 0) {
        throw new NumberFormatException();
      }
      return number;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "option " + name + " needs a whole number >= 0, not '" + value + "'", e);
    }
  }

  /** A path to an existing file means its lines; anything else is the list itself. */
  private static List<EmulatedUser> users(String value) {
    try {
      Path file = Path.of(value);
      if (!value.contains("@") || Files.isRegularFile(file)) {
        return EmulatedUser.parseList(Files.readString(file));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read users file '" + value + "': " + e, e);
    } catch (InvalidPathException e) {
      // Not a path at all: a list.
    }
    return EmulatedUser.parseList(value);
  }
}
