package io.github.iapverifier.benchmarks;

import com.google.auth.oauth2.TokenVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.github.iapverifier.IapVerifier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwt.consumer.JwtConsumer;
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
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * A token the verifier has never seen, verified completely: iap-verifier with its token cache off,
 * side by side with each peer (configured as in {@link Peers}), on the same tokens and keys.
 *
 * <p>Each call verifies the next token of a pool of 1,024 distinct pre-minted tokens (~800
 * characters each, all valid at the fixed clock), so the cost is the full path a request with a
 * fresh token takes: shape checks, base64url and JSON decoding, claim checks, key lookup by {@code
 * kid} and the ES256 signature check. No peer caches verified tokens, and iap-verifier is built
 * with {@code tokenCacheSize(0)}, so cycling through the pool never turns into a cache hit. (The
 * cache's insert on a miss is timed by {@link RealisticMixBenchmark}.) Each result is returned to
 * JMH's blackhole, so nothing is optimised away.
 *
 * <p>Run (one and two threads; {@code -prof gc} adds B/op):
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar NeverSeenBenchmark -t 1 -prof gc
 * java -jar benchmarks/target/benchmarks.jar NeverSeenBenchmark -t 2 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class NeverSeenBenchmark {

  /** Distinct tokens per pool; a power of two so the cursor wraps with a mask. */
  static final int POOL = 1024;

  String[] tokens;
  IapVerifier iapVerifier;
  TokenVerifier google;
  NimbusJwtDecoder spring;
  DefaultJWTProcessor<SecurityContext> nimbus;
  JwtConsumer jose4j;

  /** Mints the tokens and builds every verifier once per trial (fork). */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Fixtures fx = Fixtures.create();
    tokens = fx.mintPool(0, POOL);
    iapVerifier = Peers.iapVerifier(fx, 0);
    google = Peers.googleTokenVerifier(fx, new AtomicInteger());
    spring = Peers.springNimbusJwtDecoder(fx, new AtomicInteger());
    nimbus = Peers.nimbusJwtProcessor(fx);
    jose4j = Peers.jose4jJwtConsumer(fx);
    // Fail the trial, not silently time an error path, if any verifier rejects the pool.
    String t = tokens[0];
    iapVerifier.verify(t);
    google.verify(t);
    spring.decode(t);
    nimbus.process(t, null);
    jose4j.processToClaims(t);
  }

  /** Each thread walks the pool from its own offset. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    @Setup(Level.Trial)
    public void setUp() {
      next = (int) (Thread.currentThread().getId() * 389) & (POOL - 1);
    }

    String take(String[] tokens) {
      String t = tokens[next];
      next = (next + 1) & (POOL - 1);
      return t;
    }
  }

  @Benchmark
  public Object iapVerifier(Cursor c) {
    return iapVerifier.verify(c.take(tokens));
  }

  @Benchmark
  public Object googleTokenVerifier(Cursor c) throws Exception {
    return google.verify(c.take(tokens));
  }

  @Benchmark
  public Object springNimbusJwtDecoder(Cursor c) {
    return spring.decode(c.take(tokens));
  }

  @Benchmark
  public Object nimbusJwtProcessor(Cursor c) throws Exception {
    return nimbus.process(c.take(tokens), null);
  }

  @Benchmark
  public Object jose4jJwtConsumer(Cursor c) throws Exception {
    return jose4j.processToClaims(c.take(tokens));
  }
}
