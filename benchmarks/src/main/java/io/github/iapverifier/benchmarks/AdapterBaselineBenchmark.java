package io.github.iapverifier.benchmarks;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerifier;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * What {@link AdapterBenchmark} subtracts: the same per-call mock exchange (new request with the
 * header, new response, the app reading {@code getUserPrincipal()}) with no adapter, and with a
 * bare {@code IapVerifier.verify} of the header in place of the adapter, on the same pools
 * ({@code repeated}: copies of one valid token, cache on; and the three rejections).
 *
 * <ul>
 *   <li>{@link #mockExchangeOnly}: the mock request, response and app alone (servlet).
 *   <li>{@link #reactiveExchangeOnly}: the exchange, built as WebFlux builds it, and the reactive
 *       app alone: what the reactive adapters' figures are compared with.
 *   <li>{@link #verifyRepeated}: {@code verify} on a cache hit, then the app: the filter's target
 *       is "≤ 2 µs and ≤ 2 KB above this".
 *   <li>{@link #verifyGarbage}, {@link #verifyWrongAudience}, {@link #verifyExpired}: {@code
 *       verify} rejecting, the exception caught: the rejection's cost before any adapter answers.
 * </ul>
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar AdapterBaselineBenchmark -t 1 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class AdapterBaselineBenchmark {

  /** The reactive app reached straight from the exchange, with no filter in front. */
  static final Adapters.Edge REACTIVE_APP = Adapters.reactive(Adapters.App.WEB_HANDLER);

  IapVerifier verifier;
  String[] repeated;
  String[] garbage;
  String[] wrongAudience;
  String[] expired;

  /** Builds the pools and the verifier, and fails unless each pool verifies as its name says. */
  @Setup(Level.Trial)
  public void setUp() {
    Fixtures fx = Fixtures.create();
    verifier = Peers.iapVerifier(fx, IapVerifier.Builder.DEFAULT_TOKEN_CACHE_SIZE);
    repeated = AdapterBenchmark.pool(fx, "repeated");
    garbage = AdapterBenchmark.pool(fx, "garbage");
    wrongAudience = AdapterBenchmark.pool(fx, "wrongAudience");
    expired = AdapterBenchmark.pool(fx, "expired");
    verifier.verify(repeated[0]);
    for (String[] bad : new String[][] {garbage, wrongAudience, expired}) {
      try {
        verifier.verify(bad[0]);
        throw new IllegalStateException("verify accepted a bad assertion");
      } catch (IapVerificationException expected) {
        // as intended
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    verifier.close();
  }

  @Benchmark
  public Object mockExchangeOnly(AdapterBenchmark.PerThread t) throws Exception {
    return exchange(t, repeated, false);
  }

  @Benchmark
  public Object reactiveExchangeOnly(AdapterBenchmark.PerThread t) throws Exception {
    return REACTIVE_APP.send(t.next(repeated), t.app);
  }

  @Benchmark
  public Object verifyRepeated(AdapterBenchmark.PerThread t) throws Exception {
    return exchange(t, repeated, true);
  }

  @Benchmark
  public Object verifyGarbage(AdapterBenchmark.PerThread t) throws Exception {
    return exchange(t, garbage, true);
  }

  @Benchmark
  public Object verifyWrongAudience(AdapterBenchmark.PerThread t) throws Exception {
    return exchange(t, wrongAudience, true);
  }

  @Benchmark
  public Object verifyExpired(AdapterBenchmark.PerThread t) throws Exception {
    return exchange(t, expired, true);
  }

  private Object exchange(AdapterBenchmark.PerThread t, String[] pool, boolean verify)
      throws Exception {
    MockHttpServletRequest request = Adapters.request(t.next(pool));
    MockHttpServletResponse response = new MockHttpServletResponse();
    Object identity = null;
    if (verify) {
      try {
        identity = verifier.verify(request.getHeader(IapVerifier.HEADER));
      } catch (IapVerificationException e) {
        return e;
      }
    }
    t.app.doFilter(request, response);
    t.app.take();
    return identity != null ? identity : response;
  }
}
