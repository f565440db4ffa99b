package io.github.iapverifier.emulator;

import io.github.iapverifier.IapAudience;
import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapInspection;
import io.github.iapverifier.IapInspection.Check;
import io.github.iapverifier.IapInspection.Step;
import io.github.iapverifier.IapKeySource;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.RemoteKeySource;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code inspect} command: decodes an assertion and runs the verifier's checks on it with
 * {@link IapVerifier#inspect(String)}, printing each outcome and the verdict. Exit status 0 when
 * the assertion would be accepted, 1 when not (or when the audience was not checked), 2 for a bad
 * command line. Never prints the signature segment or the whole assertion.
 */
final class Inspect {

  static final int ACCEPTED = 0;
  static final int REJECTED = 1;

  static final String HELP =
      """
      Usage: java -jar iap-verifier-emulator.jar inspect [options] TOKEN|-

      Decodes an IAP assertion (x-goog-iap-jwt-assertion), runs every check of the verifier on it
      in the verifier's order, and prints each with PASS/FAIL and the verdict. TOKEN '-' reads it
      from standard input. Exit status 0 when it would be accepted, 1 when not, 2 for a bad
      command line. The signature is never printed.

      Options:
        --audience AUDIENCE   an audience the app accepts (repeatable); without it the audience
                              check is skipped and the verdict is never "valid" (exit 1)
        --jwks-uri URL        fetch the keys from URL (default Google's,
                              https://www.gstatic.com/iap/verify/public_key-jwk)
        --keys FILE           read the keys from a saved JWKS file instead
        --at INSTANT          check the times as of INSTANT, ISO-8601 (e.g. 2026-01-31T12:00:00Z;
                              default now)
        -h, --help            print this help and exit
      """;

  /** Stands in for the audience when none is given and the assertion names none usable. */
  private static final IapAudience NO_AUDIENCE = IapAudience.appEngine(1, "no-audience-given");

  /** Longer than any assertion the verifier accepts: the shape check reports the length. */
  private static final int MAX_STDIN_BYTES = 4 * IapVerifier.MAX_LENGTH;

  /** How long the one key fetch may take. */
  static final Duration FETCH_TIMEOUT = Duration.ofSeconds(15);

  private Inspect() {}

  static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    List<IapAudience> audiences = new ArrayList<>();
    URI jwksUri = null;
    Path keysFile = null;
    Instant at = null;
    String token = null;
    try {
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("-h") || arg.equals("--help")) {
          out.print(HELP);
          return ACCEPTED;
        }
        if (!arg.startsWith("--")) {
          if (token != null) {
            throw new IllegalArgumentException("give one token (or '-' for standard input)");
          }
          token = arg;
          continue;
        }
        int equals = arg.indexOf('=');
        String name = equals > 0 ? arg.substring(0, equals) : arg;
        String value;
        if (equals > 0) {
          value = arg.substring(equals + 1);
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          throw new IllegalArgumentException("option " + name + " needs a value");
        }
        switch (name) {
          case "--audience" -> audiences.add(IapAudience.of(value));
          case "--jwks-uri" -> jwksUri = URI.create(value);
          case "--keys" -> keysFile = Path.of(value);
          case "--at" -> at = instant(value);
          default -> throw new IllegalArgumentException("unknown option '" + name + "'");
        }
      }
      if (token == null) {
        throw new IllegalArgumentException("give the token to inspect, or '-' to read it");
      }
      if (jwksUri != null && keysFile != null) {
        throw new IllegalArgumentException("give --jwks-uri or --keys, not both");
      }
      if (token.equals("-")) {
        token = new String(in.readNBytes(MAX_STDIN_BYTES), StandardCharsets.US_ASCII).strip();
      }
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    } catch (IOException e) {
      return usage(err, "cannot read the token from standard input: " + e);
    }

    Clock clock = Clock.fixed(at != null ? at : Instant.now(), ZoneOffset.UTC);
    IapKeySource keys;
    try {
      keys =
          keysFile != null
              ? IapKeySource.fromJwks(Files.readString(keysFile))
              : RemoteKeySource.builder()
                  .jwksUri(jwksUri != null ? jwksUri : URI.create(RemoteKeySource.DEFAULT_JWKS_URI))
                  // One fetch, by a person waiting for the answer: a cold JVM on a busy machine
                  // can take longer than a server's 2 s budget, which would be a false FAIL.
                  .connectTimeout(FETCH_TIMEOUT)
                  .requestTimeout(FETCH_TIMEOUT)
                  .build();
    } catch (IOException e) {
      return usage(err, "cannot read keys file '" + keysFile + "': " + e);
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    try {
      return inspect(token, audiences, clock, keys, out);
    } finally {
      if (keys instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          err.println("iap-verifier inspect: closing the key source failed: " + e);
        }
      }
    }
  }

  private static int inspect(
      String token, List<IapAudience> audiences, Clock clock, IapKeySource keys, PrintStream out) {
    boolean audienceGiven = !audiences.isEmpty();
    IapInspection result =
        inspect(token, audienceGiven ? audiences : List.of(NO_AUDIENCE), clock, keys);
    if (!audienceGiven) {
      // Assume the assertion's own audience, so that the checks that need one still run.
      Optional<IapAudience> own = audience(result.claims().get("aud"));
      if (own.isPresent()) {
        result = inspect(token, List.of(own.get()), clock, keys);
      }
    }

    print("Header:", result.header(), out);
    print("Claims:", result.claims(), out);
    out.println("Checks, in the verifier's order, at " + clock.instant() + ":");
    IapVerificationException failure = null;
    for (Step step : result.steps()) {
      String check = step.check().name().toLowerCase(Locale.ROOT);
      if (step.check() == Check.AUDIENCE && !audienceGiven) {
        out.println("  SKIP     " + check + ": no --audience given");
        continue;
      }
      switch (step.outcome()) {
        case PASSED -> out.println("  PASS     " + check);
        case FAILED -> {
          out.println("  FAIL     " + check + ": " + message(step.failure()));
          if (failure == null) {
            failure = step.failure();
          }
        }
        default -> out.println("  NOT RUN  " + check + ": needs a check above that did not pass");
      }
    }
    if (failure != null) {
      out.println("Verdict: rejected, reason " + failure.reason() + ": " + message(failure));
      return REJECTED;
    }
    if (!audienceGiven) {
      out.println(
          "Verdict: not valid: every other check passed, but the audience was not checked; pass"
              + " --audience with the value the IAP console shows for the app");
      return REJECTED;
    }
    IapIdentity who = result.identity().orElseThrow();
    out.println(
        "Verdict: valid: "
            + printable(who.email())
            + " ("
            + printable(who.subject())
            + "), audience "
            + who.audience()
            + ", expires at "
            + who.expiresAt());
    return ACCEPTED;
  }

  private static IapInspection inspect(
      String token, List<IapAudience> audiences, Clock clock, IapKeySource keys) {
    try (IapVerifier verifier =
        IapVerifier.builder()
            .audiences(audiences)
            .clock(clock)
            .keySource(keys)
            .tokenCacheSize(0)
            .build()) {
      return verifier.inspect(token);
    }
  }

  private static void print(String title, Map<String, Object> members, PrintStream out) {
    out.println(title);
    if (members.isEmpty()) {
      out.println("  (none)");
    }
    new TreeMap<>(members)
        .forEach((name, value) -> out.println("  " + printable(name) + ": " + show(name, value)));
  }

  private static Optional<IapAudience> audience(Object aud) {
    if (aud instanceof String value) {
      try {
        return Optional.of(IapAudience.of(value));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static String message(IapVerificationException e) {
    return printable(e.getMessage());
  }

  /** Times as seconds and as an instant: "expired" is easier to see that way. */
  private static String show(String name, Object value) {
    if ((name.equals("exp") || name.equals("iat") || name.equals("nbf"))
        && value instanceof Number seconds) {
      try {
        return seconds + " (" + Instant.ofEpochSecond(seconds.longValue()) + ")";
      } catch (RuntimeException e) {
        return show(value);
      }
    }
    return show(value);
  }

  private static String show(Object value) {
    return printable(String.valueOf(value));
  }

  /**
   * Escapes control characters: decoded text is the assertion author's, not to drive a terminal.
   */
  static String printable(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static Instant instant(String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "--at needs an ISO-8601 instant such as 2026-01-31T12:00:00Z, not '" + value + "'", e);
    }
  }

  private static int usage(PrintStream err, String message) {
    err.println("iap-verifier inspect: " + message);
    err.println("Run with inspect --help for the options.");
    return Main.USAGE;
  }
}
