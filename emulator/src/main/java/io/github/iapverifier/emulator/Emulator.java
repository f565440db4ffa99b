package io.github.iapverifier.emulator;

import com.sun.net.httpserver.HttpServer;
import io.github.iapverifier.IapAudience;
import io.github.iapverifier.IapProxy;
import io.github.iapverifier.test.FakeIap;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for Google Cloud Identity-Aware Proxy: a reverse proxy in front of one app that
 * lets the developer pick an identity on a sign-in page and adds a freshly signed {@code
 * x-goog-iap-jwt-assertion} to every request it forwards. The app verifies those assertions with
 * the keys served at {@link #jwksUri()} and the audience {@link #audience()}, exactly as it
 * verifies Google's in production.
 *
 * <p>Start it with {@code java -jar iap-verifier-emulator.jar} ({@link Main}) or in-process:
 *
 * <pre>{@code
 * try (Emulator iap = Emulator.builder().upstream(URI.create("http://localhost:8081")).start()) {
 *   // configure the app with iap.jwksUri() and iap.audience(), browse iap.baseUri()
 * }
 * }</pre>
 *
 * <p>It runs next to the developer's browser, so it answers only requests whose {@code Host} names
 * it (see {@link Builder#allowedHosts}), takes sign-ins only from its own origin, and never
 * forwards a client's {@code x-goog-} header, whether spelt with {@code -} or {@code _}.
 *
 * <p>Thread-safe. Every instance has its own signing keys, made at start.
 */
public final class Emulator implements AutoCloseable {

  /** The audience used when none is given: a valid App Engine audience of no real project. */
  public static final String DEFAULT_AUDIENCE = "/projects/1/apps/local-dev";

  /** The port used when none is given. */
  public static final int DEFAULT_PORT = 8080;

  /** The path the signing keys are served at, as on {@code www.gstatic.com}. */
  public static final String JWKS_PATH = FakeIap.JWKS_PATH;

  /** The sign-in page; real IAP keeps its own URLs under {@code /_gcp_iap/} too. */
  public static final String SIGN_IN_PATH = "/_gcp_iap/signin";

  /** Signs out and returns to the sign-in page, as real IAP's URL of the same name. */
  public static final String CLEAR_LOGIN_COOKIE_PATH = "/_gcp_iap/clear_login_cookie";

  /** The cookie that holds the chosen identity. */
  public static final String COOKIE_NAME = "GCP_IAP_EMULATOR_USER";

  private final HttpServer server;
  private final ExecutorService executor;
  private final EmulatedProxy proxy;
  private final URI upstream;
  private final List<EmulatedUser> presets;

  private Emulator(Builder builder) {
    this.upstream = checkUpstream(builder.upstream);
    this.presets = builder.presets;
    InetSocketAddress address = new InetSocketAddress(resolve(builder.bind), builder.port);
    HttpServer bound;
    try {
      bound = HttpServer.create(address, 0);
    } catch (BindException e) {
      throw new IllegalStateException(
          "port "
              + builder.port
              + " on "
              + builder.bind
              + " is already in use (or not allowed): stop what uses it, or pick another port"
              + " with --port",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address + ": " + e.getMessage(), e);
    }
    try {
      awaitUpstream(upstream, builder.waitForUpstream);
    } catch (RuntimeException e) {
      bound.stop(0);
      throw e;
    }
    this.server = bound;
    this.proxy = EmulatedProxy.of(builder.proxy, builder.audience);
    this.executor = Executors.newCachedThreadPool(daemonThreads());
    HostRule hosts =
        new HostRule(
            address.getAddress(), builder.bind, bound.getAddress().getPort(), builder.allowedHosts);
    server.setExecutor(executor);
    server.createContext("/", new EmulatorHandler(this, proxy, hosts, builder.log));
    server.start();
  }

  /**
   * Starts configuring an emulator.
   *
   * @return a new builder, not thread-safe
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns where browsers reach the emulator, such as {@code http://127.0.0.1:8080}.
   *
   * @return the base URI, without a trailing slash
   */
  public URI baseUri() {
    InetSocketAddress address = server.getAddress();
    InetAddress host = address.getAddress();
    // A wildcard address is not something to type into a browser or an app's settings.
    String name =
        host.isAnyLocalAddress()
            ? "localhost"
            : host instanceof Inet6Address
                ? "[" + host.getHostAddress() + "]"
                : host.getHostAddress();
    return URI.create("http://" + name + ":" + address.getPort());
  }

  /**
   * Returns the port the emulator listens on (the actual one when started with port 0).
   *
   * @return the port
   */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Returns the URI of the emulator's keys: for Google IAP the JWKS, the app's {@code iap.jwks-uri}
   * (Spring Boot) or {@code jwks-uri} init-param (servlet filter); for another proxy its key
   * endpoint (see {@link #appSettings()}).
   *
   * @return the URI, never null
   */
  public URI jwksUri() {
    return URI.create(baseUri() + proxy.keyPath());
  }

  /**
   * Returns the audience the assertions are signed for: the app's {@code iap.audiences}.
   *
   * @return the audience, never null
   * @throws IllegalStateException if the emulator plays another proxy than Google IAP
   */
  public IapAudience audience() {
    if (proxy.proxy() != IapProxy.GOOGLE_IAP) {
      throw new IllegalStateException(
          "the emulator plays " + proxy.proxy().configName() + ": see appSettings()");
    }
    return IapAudience.of(appSettings().get("iap.audiences"));
  }

  /**
   * Returns the proxy the emulator plays.
   *
   * @return the proxy, never null
   */
  public IapProxy proxy() {
    return proxy.proxy();
  }

  /**
   * Returns what the app behind the emulator is configured with to trust it, as Spring Boot
   * properties ({@code iap.*}); the servlet filter's init-params are the same settings without
   * the {@code iap.} and proxy prefixes (printed at start-up).
   *
   * @return property name to value, in order, unmodifiable
   */
  public Map<String, String> appSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings().forEach(s -> settings.put(s[0], s[2]));
    return Collections.unmodifiableMap(settings);
  }

  /** The app's settings as (Spring Boot property, servlet init-param, value). */
  List<String[]> settings() {
    return proxy.settings(baseUri());
  }

  /**
   * Returns the app the emulator forwards to.
   *
   * @return the upstream base URI, never null
   */
  public URI upstream() {
    return upstream;
  }

  /**
   * Returns the identities offered on the sign-in page.
   *
   * @return the presets, unmodifiable
   */
  public List<EmulatedUser> presets() {
    return presets;
  }

  /** Stops listening, ends the exchanges in progress and forgets the keys. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    proxy.close();
  }

  private static URI checkUpstream(URI upstream) {
    if (upstream == null) {
      throw new IllegalArgumentException(
          "no upstream: say which app to protect with --upstream, e.g. http://localhost:8081");
    }
    String scheme = upstream.getScheme();
    String path = upstream.getRawPath();
    boolean hasPath = path != null && !path.isEmpty() && !path.equals("/");
    if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
        || upstream.getHost() == null
        || hasPath
        || upstream.getRawQuery() != null
        || upstream.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "upstream '"
              + upstream
              + "' is not of the form http://HOST:PORT (no path), e.g. http://localhost:8081");
    }
    return URI.create(
        scheme.toLowerCase(Locale.ROOT) + "://" + upstream.getRawAuthority());
  }

  /**
   * Fails start-up if nothing accepts connections at the upstream's address, so the developer
   * learns now rather than from a 502 in the browser; waits up to {@code patience} for an app that
   * is still starting.
   */
  private static void awaitUpstream(URI upstream, Duration patience) {
    int port =
        upstream.getPort() != -1 ? upstream.getPort() : upstream.getScheme().equals("https") ? 443 : 80;
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(upstream.getHost(), port), 2_000);
        return;
      } catch (IOException e) {
        if (System.nanoTime() - deadline >= 0) {
          String waited =
              patience.isZero()
                  ? "; start the app first, or let the emulator wait for it with"
                      + " --wait-for-upstream SECONDS"
                  : " within " + patience.toSeconds() + " s; is the app starting on that port?";
          throw new IllegalStateException(
              "upstream " + upstream + " is not reachable (" + e.getMessage() + ")" + waited, e);
        }
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for upstream " + upstream, e);
      }
    }
  }

  private static InetAddress resolve(String bind) {
    try {
      return InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("bind address '" + bind + "' is not known", e);
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "iap-emulator-" + count.incrementAndGet());
      // The server's own dispatcher thread keeps the JVM alive; workers must not outlive it.
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Configures an {@link Emulator}. Not thread-safe. */
  public static final class Builder {
    private URI upstream;
    private String bind = "127.0.0.1";
    private int port = DEFAULT_PORT;
    private IapProxy proxy = IapProxy.GOOGLE_IAP;
    private String audience;
    private List<EmulatedUser> presets =
        List.of(
            EmulatedUser.of("user@example.com", "example.com"),
            EmulatedUser.of("someone@gmail.com", null));
    private Duration waitForUpstream = Duration.ZERO;
    private List<String> allowedHosts = List.of();
    private PrintStream log = System.out;

    private Builder() {}

    /**
     * Sets the app to forward to. Required.
     *
     * @param upstream {@code http://HOST:PORT} (or https), without a path, not null
     * @return this builder
     */
    public Builder upstream(URI upstream) {
      this.upstream = Objects.requireNonNull(upstream, "upstream");
      return this;
    }

    /**
     * Sets the address to listen on. Default {@code 127.0.0.1}: anyone who reaches the emulator
     * can sign in as anyone, so keep it on loopback.
     *
     * @param bind a host name or address, not null
     * @return this builder
     */
    public Builder bind(String bind) {
      this.bind = Objects.requireNonNull(bind, "bind");
      return this;
    }

    /**
     * Sets more host names the browser may use to reach the emulator, on any port: for a port
     * mapping (Docker's {@code -p 9000:8080} makes it {@code localhost:9000}) or a name of this
     * machine on the network. Default none: only {@code localhost}, loopback addresses and the
     * bind address, with the emulator's port, are accepted in {@code Host}; any other is answered
     * 421 without forwarding, so that a site whose name resolves to this machine (DNS rebinding)
     * cannot use the emulator.
     *
     * @param hosts host names or addresses, without scheme or port, not null
     * @return this builder
     * @throws IllegalArgumentException if an entry is not a host name or address
     */
    public Builder allowedHosts(List<String> hosts) {
      this.allowedHosts = hosts.stream().map(HostRule::checkAllowedHost).toList();
      return this;
    }

    /**
     * Sets the port to listen on. Default {@value #DEFAULT_PORT}.
     *
     * @param port 0 to 65535; 0 picks a free port (see {@link Emulator#port()})
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Sets the audience of the assertions. Default {@value #DEFAULT_AUDIENCE}.
     *
     * @param audience the audience, not null
     * @return this builder
     */
    public Builder audience(IapAudience audience) {
      this.audience = Objects.requireNonNull(audience, "audience").value();
      return this;
    }

    /**
     * Sets what the assertions are bound to, in the played proxy's terms: the IAP audience for
     * Google IAP (validated at {@link #start()}), the application's AUD tag for Cloudflare Access,
     * the route host for Pomerium. Not for AWS ALB, whose tokens are bound to the load balancer's
     * ARN. Default: the test kit fake's.
     *
     * @param audience the value, not null
     * @return this builder
     */
    public Builder audience(String audience) {
      this.audience = Objects.requireNonNull(audience, "audience");
      return this;
    }

    /**
     * Sets the proxy to play: its token format, header, unsigned identity headers and key
     * endpoint. Default {@link IapProxy#GOOGLE_IAP}.
     *
     * @param proxy the proxy, not null
     * @return this builder
     */
    public Builder proxy(IapProxy proxy) {
      this.proxy = Objects.requireNonNull(proxy, "proxy");
      return this;
    }

    /**
     * Sets the identities offered with one click on the sign-in page. Default {@code
     * user@example.com} (Workspace domain {@code example.com}) and a consumer account.
     *
     * @param presets the users, not null; may be empty
     * @return this builder
     */
    public Builder presets(List<EmulatedUser> presets) {
      this.presets = List.copyOf(presets);
      return this;
    }

    /**
     * Sets how long start-up waits for the upstream to accept connections. Default zero: it must
     * already be up.
     *
     * @param wait the longest wait, not null or negative
     * @return this builder
     */
    public Builder waitForUpstream(Duration wait) {
      if (Objects.requireNonNull(wait, "wait").isNegative()) {
        throw new IllegalArgumentException("wait must not be negative, was " + wait);
      }
      this.waitForUpstream = wait;
      return this;
    }

    /**
     * Sets where a line per request and sign-in goes (identities, never assertions). Default
     * {@code System.out}.
     *
     * @param log the stream, not null
     * @return this builder
     */
    public Builder log(PrintStream log) {
      this.log = Objects.requireNonNull(log, "log");
      return this;
    }

    /**
     * Checks the upstream, opens the port and starts serving.
     *
     * @return the running emulator; close it when done
     * @throws IllegalArgumentException if a setting is not usable (message says which)
     * @throws IllegalStateException if the port is taken or the upstream is not reachable
     * @throws UncheckedIOException if the port cannot be opened for another reason
     */
    public Emulator start() {
      EmulatedProxy.check(proxy, audience);
      return new Emulator(this);
    }
  }
}
