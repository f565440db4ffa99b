package io.github.iapverifier.benchmarks;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.benchmarks.Adapters.Edge;
import io.github.iapverifier.servlet.IapFilter;
import io.github.iapverifier.spring.IapWebFilter;
import io.github.iapverifier.web.IapRequestPipeline;
import java.security.Principal;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.server.handler.FilteringWebHandler;
import reactor.core.scheduler.Schedulers;

/**
 * One request through each adapter of {@link Adapters}, servlet and reactive, without network: a
 * new mock request and response ({@code GET /hello} with the assertion header) per call, or a new
 * exchange built as WebFlux builds one, handed to the adapter's public entry point, whose chain
 * ends in an app that reads the principal. Subtract {@link AdapterBaselineBenchmark} (the same mock
 * exchange of each stack with no adapter, and with a bare {@code verify()}) to get the adapter's
 * own cost.
 *
 * <ul>
 *   <li>Servlet: {@link #servletFilter} ({@code IapFilter}, pass-through chain), {@link
 *       #iapSecurityChain} (the starter's default Spring Security chain), {@link
 *       #resourceServerChain} (spring-cloud-gcp's set-up: Spring Security's resource server).
 *   <li>Reactive: {@link #webFilter} (the starter's {@code IapWebFilter} as auto-configured: it
 *       verifies on the calling thread when the key is held, as here, and hops to Reactor's
 *       bounded-elastic scheduler only for a lookup that may fetch keys), {@link #webFilterInline}
 *       (the same filter built with {@code Schedulers.immediate()}, so it never hops: the control
 *       that the as-shipped figure holds no hop), {@link #reactiveSecurityChain} ({@code
 *       IapWebFilter} + the starter's default {@code SecurityWebFilterChain}), {@link
 *       #reactiveResourceServerChain} (Spring Security's reactive resource server reading the IAP
 *       header).
 * </ul>
 *
 * <p>{@code assertion} selects what the client sends; each thread walks a pool of 1,024 {@code
 * String}s of it, distinct instances, as a container makes a new header string per request:
 *
 * <ul>
 *   <li>{@code repeated}: one valid token (copies of it), so iap-verifier's token cache answers;
 *       the resource server has no such cache and verifies it in full every time.
 *   <li>{@code neverSeen}: 1,024 distinct valid tokens and iap-verifier with its token cache off,
 *       so every request is a full verification, as each user's first request every 10 minutes.
 *   <li>{@code garbage}: three segments of random base64url, as long as a real token.
 *   <li>{@code wrongAudience}: validly signed, for another backend service.
 *   <li>{@code expired}: validly signed, expired 100 s ago (past the 30 s skew).
 * </ul>
 *
 * <p>Every set-up sends two requests of the pool through its adapter and fails the trial unless the
 * valid ones reach the app with a principal (and only once each) and the others are answered 401
 * without reaching it; {@code AdaptersAcceptAndRejectTest} checks the same, and the reasons, in
 * {@code ./mvnw verify}. Rejections are logged at INFO by the IAP adapters; the fork runs with the
 * log level at WARN (as in most production set-ups, that INFO line goes nowhere), so the figures
 * hold no log I/O.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'Adapter.*Benchmark' -t 1 -prof gc
 * java -jar benchmarks/target/benchmarks.jar AdapterBenchmark -p assertion=repeated -t 2 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
@State(Scope.Benchmark)
public class AdapterBenchmark {

  /** Assertions per pool; a power of two so the cursor wraps with a mask. */
  static final int POOL = 1024;

  /** What the client sends; see the class Javadoc. */
  @Param({"repeated", "neverSeen", "garbage", "wrongAudience", "expired"})
  public String assertion;

  Fixtures fx;
  String[] pool;

  /** Makes the pool of assertions. */
  @Setup(Level.Trial)
  public void setUp() {
    fx = Fixtures.create();
    pool = pool(fx, assertion);
  }

  /** Whether valid requests are expected: the assertion is a valid token. */
  boolean accepted() {
    return "repeated".equals(assertion) || "neverSeen".equals(assertion);
  }

  /** The iap-verifier behind the IAP adapters: cache off for never-seen tokens, else default. */
  IapVerifier iapVerifier() {
    return Peers.iapVerifier(
        fx, "neverSeen".equals(assertion) ? 0 : IapVerifier.Builder.DEFAULT_TOKEN_CACHE_SIZE);
  }

  static String[] pool(Fixtures fx, String assertion) {
    switch (assertion) {
      case "repeated":
        return Fixtures.copies(fx.mint(7, 42), POOL);
      case "neverSeen":
        return fx.mintPool(0, POOL);
      case "garbage":
        return Fixtures.copies(garbage(fx.mint(7, 42).length()), POOL);
      case "wrongAudience":
        return Fixtures.copies(
            fx.mint(7, 42, "/projects/518551280924/global/backendServices/1", Fixtures.ISSUER),
            POOL);
      case "expired":
        return Fixtures.copies(fx.mint(7, 700), POOL);
      default:
        throw new IllegalArgumentException("unknown assertion kind " + assertion);
    }
  }

  /** Three segments of random base64url with a token's overall length and segment layout. */
  static String garbage(int length) {
    Random random = new Random(17);
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return b64.substring(0, 100) + '.' + b64.substring(101, length - 87) + '.'
        + b64.substring(length - 86, length);
  }

  /**
   * Sends two requests of the pool through an adapter and fails unless each has the expected
   * outcome.
   */
  void check(String name, Edge adapter) throws Exception {
    check(name, adapter, false);
  }

  /**
   * As {@link #check(String, Edge)}, and with {@code onCallingThread} also fails unless a valid
   * request reached the app on the thread that sent it: the reactive IAP filter, whose key is
   * held, must verify inline, or the figure would hold a hop to another thread.
   */
  void check(String name, Edge adapter, boolean onCallingThread) throws Exception {
    PerThread t = new PerThread();
    for (int i : new int[] {0, POOL / 2}) {
      Object response = adapter.send(pool[i], t.app);
      int status = Adapters.status(response);
      Thread appThread = t.app.thread;
      Principal principal = t.app.take();
      if (onCallingThread && accepted() && appThread != Thread.currentThread()) {
        throw new IllegalStateException(
            name + " reached the app on " + appThread + ", not on the calling thread");
      }
      boolean ok =
          accepted()
              ? status == 200 && principal != null && t.app.calls() == 1
              : status == 401 && principal == null && t.app.calls() == 0;
      if (!ok) {
        throw new IllegalStateException(
            name
                + " on a "
                + assertion
                + " assertion answered "
                + status
                + " with principal "
                + principal
                + " after "
                + t.app.calls()
                + " app calls");
      }
      t.app.calls = 0;
    }
  }

  /** The servlet filter alone, with a pass-through chain to the app. */
  @State(Scope.Benchmark)
  public static class ServletFilter {
    IapVerifier verifier;
    IapFilter filter;
    Edge edge;

    @Setup(Level.Trial)
    public void setUp(AdapterBenchmark b) throws Exception {
      verifier = b.iapVerifier();
      filter = Adapters.servletFilter(verifier);
      edge = Adapters.servlet(filter);
      b.check("IapFilter", edge);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      filter.destroy();
      verifier.close();
    }
  }

  /** An adapter that lives in an application context: started per trial, closed after it. */
  abstract static class InContext {
    ConfigurableApplicationContext context;
    Edge edge;

    abstract ConfigurableApplicationContext start(AdapterBenchmark b);

    abstract Edge edge(ConfigurableApplicationContext context);

    /** Whether valid requests must reach the app on the calling thread (IAP's reactive filter). */
    boolean inline() {
      return false;
    }

    @Setup(Level.Trial)
    public void setUp(AdapterBenchmark b) throws Exception {
      context = start(b);
      edge = edge(context);
      b.check(getClass().getSimpleName(), edge, inline());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      context.close();
    }
  }

  /** The starter's default Spring Security chain. */
  @State(Scope.Benchmark)
  public static class IapSecurityChain extends InContext {
    @Override
    ConfigurableApplicationContext start(AdapterBenchmark b) {
      return Adapters.iapSecurityContext(b.iapVerifier());
    }

    @Override
    Edge edge(ConfigurableApplicationContext context) {
      return Adapters.servlet(Adapters.springSecurityFilterChain(context));
    }
  }

  /** Spring Security's resource server, as spring-cloud-gcp's IAP support sets it up. */
  @State(Scope.Benchmark)
  public static class ResourceServerChain extends InContext {
    @Override
    ConfigurableApplicationContext start(AdapterBenchmark b) {
      return Adapters.resourceServerContext(b.fx, new AtomicInteger());
    }

    @Override
    Edge edge(ConfigurableApplicationContext context) {
      return Adapters.servlet(Adapters.springSecurityFilterChain(context));
    }
  }

  /** The starter's {@code IapWebFilter} in a WebFlux app without Spring Security, as shipped. */
  @State(Scope.Benchmark)
  public static class WebFilter extends InContext {
    @Override
    boolean inline() {
      return true;
    }

    @Override
    ConfigurableApplicationContext start(AdapterBenchmark b) {
      return Adapters.reactiveContext(b.iapVerifier(), false);
    }

    @Override
    Edge edge(ConfigurableApplicationContext context) {
      return Adapters.reactive(Adapters.reactiveHandler(context));
    }
  }

  /** The same filter built with {@code Schedulers.immediate()}: it never leaves the thread. */
  @State(Scope.Benchmark)
  public static class WebFilterInline extends WebFilter {
    @Override
    Edge edge(ConfigurableApplicationContext context) {
      IapWebFilter inline =
          IapWebFilter.builder(context.getBean(IapRequestPipeline.class))
              .scheduler(Schedulers.immediate())
              .build();
      return Adapters.reactive(new FilteringWebHandler(Adapters.App.WEB_HANDLER, List.of(inline)));
    }
  }

  /** {@code IapWebFilter} and the starter's default {@code SecurityWebFilterChain}. */
  @State(Scope.Benchmark)
  public static class ReactiveSecurityChain extends InContext {
    @Override
    boolean inline() {
      return true;
    }

    @Override
    ConfigurableApplicationContext start(AdapterBenchmark b) {
      return Adapters.reactiveContext(b.iapVerifier(), true);
    }

    @Override
    Edge edge(ConfigurableApplicationContext context) {
      return Adapters.reactive(Adapters.reactiveHandler(context));
    }
  }

  /** Spring Security's reactive resource server reading the IAP header. */
  @State(Scope.Benchmark)
  public static class ReactiveResourceServerChain extends InContext {
    @Override
    ConfigurableApplicationContext start(AdapterBenchmark b) {
      return Adapters.reactiveResourceServerContext(b.fx);
    }

    @Override
    Edge edge(ConfigurableApplicationContext context) {
      return Adapters.reactive(Adapters.reactiveHandler(context));
    }
  }

  /** Each thread's app and cursor into the pool. */
  @State(Scope.Thread)
  public static class PerThread {
    final Adapters.App app = new Adapters.App();
    int cursor = (int) (Thread.currentThread().getId() * 389) & (POOL - 1);

    /** The next assertion of the pool. */
    String next(String[] pool) {
      String assertion = pool[cursor];
      cursor = (cursor + 1) & (POOL - 1);
      return assertion;
    }

    /** One request through the adapter; returns the principal, or the response if rejected. */
    Object exchange(Edge adapter, String[] pool) throws Exception {
      Object response = adapter.send(next(pool), app);
      Principal principal = app.take();
      return principal != null ? principal : response;
    }
  }

  @Benchmark
  public Object servletFilter(ServletFilter a, PerThread t) throws Exception {
    return t.exchange(a.edge, pool);
  }

  @Benchmark
  public Object iapSecurityChain(IapSecurityChain a, PerThread t) throws Exception {
    return t.exchange(a.edge, pool);
  }

  @Benchmark
  public Object resourceServerChain(ResourceServerChain a, PerThread t) throws Exception {
    return t.exchange(a.edge, pool);
  }

  @Benchmark
  public Object webFilter(WebFilter a, PerThread t) throws Exception {
    return t.exchange(a.edge, pool);
  }

  @Benchmark
  public Object webFilterInline(WebFilterInline a, PerThread t) throws Exception {
    return t.exchange(a.edge, pool);
  }

  @Benchmark
  public Object reactiveSecurityChain(ReactiveSecurityChain a, PerThread t) throws Exception {
    return t.exchange(a.edge, pool);
  }

  @Benchmark
  public Object reactiveResourceServerChain(ReactiveResourceServerChain a, PerThread t)
      throws Exception {
    return t.exchange(a.edge, pool);
  }
}
