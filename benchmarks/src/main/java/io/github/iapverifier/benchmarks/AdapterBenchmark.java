package io.github.iapverifier.benchmarks;

import io.github.iapverifier.IapVerifier;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.security.Principal;
import java.util.Base64;
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
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * One request through each adapter of {@link Adapters}, without network: a new {@code
 * MockHttpServletRequest} ({@code GET /hello} with the assertion header) and {@code
 * MockHttpServletResponse} per call, handed to the adapter's public entry point (the {@code
 * IapFilter}, or the {@code springSecurityFilterChain} bean), whose chain ends in an app that reads
 * {@code getUserPrincipal()}. Subtract {@link AdapterBaselineBenchmark} (the same mock exchange
 * with no adapter, and with a bare {@code verify()}) to get the adapter's own cost.
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
  void check(String name, Filter adapter) throws IOException, ServletException {
    PerThread t = new PerThread();
    for (int i : new int[] {0, POOL / 2}) {
      MockHttpServletResponse response = new MockHttpServletResponse();
      adapter.doFilter(Adapters.request(pool[i]), response, t.app);
      Principal principal = t.app.take();
      boolean ok =
          accepted()
              ? response.getStatus() == 200 && principal != null && t.app.calls() == 1
              : response.getStatus() == 401 && principal == null && t.app.calls() == 0;
      if (!ok) {
        throw new IllegalStateException(
            name
                + " on a "
                + assertion
                + " assertion answered "
                + response.getStatus()
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
    Filter filter;

    @Setup(Level.Trial)
    public void setUp(AdapterBenchmark b) throws Exception {
      verifier = b.iapVerifier();
      filter = Adapters.servletFilter(verifier);
      b.check("IapFilter", filter);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      filter.destroy();
      verifier.close();
    }
  }

  /** The starter's default Spring Security chain. */
  @State(Scope.Benchmark)
  public static class IapSecurityChain {
    ConfigurableApplicationContext context;
    Filter chain;

    @Setup(Level.Trial)
    public void setUp(AdapterBenchmark b) throws Exception {
      context = Adapters.iapSecurityContext(b.iapVerifier());
      chain = Adapters.springSecurityFilterChain(context);
      b.check("the starter's chain", chain);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      context.close();
    }
  }

  /** Spring Security's resource server, as spring-cloud-gcp's IAP support sets it up. */
  @State(Scope.Benchmark)
  public static class ResourceServerChain {
    ConfigurableApplicationContext context;
    Filter chain;

    @Setup(Level.Trial)
    public void setUp(AdapterBenchmark b) throws Exception {
      context = Adapters.resourceServerContext(b.fx, new AtomicInteger());
      chain = Adapters.springSecurityFilterChain(context);
      b.check("the resource-server chain", chain);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      context.close();
    }
  }

  /** Each thread's app and cursor into the pool. */
  @State(Scope.Thread)
  public static class PerThread {
    final Adapters.App app = new Adapters.App();
    int next = (int) (Thread.currentThread().getId() * 389) & (POOL - 1);

    /** One request through the adapter; returns the principal, or the response if rejected. */
    Object exchange(Filter adapter, String[] pool) throws IOException, ServletException {
      String assertion = pool[next];
      next = (next + 1) & (POOL - 1);
      MockHttpServletRequest request = Adapters.request(assertion);
      MockHttpServletResponse response = new MockHttpServletResponse();
      adapter.doFilter(request, response, app);
      Principal principal = app.take();
      return principal != null ? principal : response;
    }
  }

  @Benchmark
  public Object servletFilter(ServletFilter a, PerThread t) throws Exception {
    return t.exchange(a.filter, pool);
  }

  @Benchmark
  public Object iapSecurityChain(IapSecurityChain a, PerThread t) throws Exception {
    return t.exchange(a.chain, pool);
  }

  @Benchmark
  public Object resourceServerChain(ResourceServerChain a, PerThread t) throws Exception {
    return t.exchange(a.chain, pool);
  }
}
