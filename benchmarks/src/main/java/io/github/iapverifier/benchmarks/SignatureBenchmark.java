package io.github.iapverifier.benchmarks;

import io.github.iapverifier.internal.Es256;
import java.security.GeneralSecurityException;
import java.security.Signature;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The signature primitive alone: SHA-256 over a token's signing input (~700 bytes) and the P-256
 * ECDSA check of its raw r‖s signature, nothing else.
 *
 * <ul>
 *   <li>{@link #es256}: iap-verifier's {@code internal.Es256} (BouncyCastle's lightweight ECDSA
 *       over its custom P-256 field, curve point and tables built once per key), as {@code verify}
 *       calls it.
 *   <li>{@link #jdkP1363}: the JDK's provider, {@code
 *       Signature.getInstance("SHA256withECDSAinP1363Format")}, one instance per thread initialised
 *       once (a JDK {@code Signature} resets itself after {@code verify}), which is the cheapest way
 *       to use it and what nimbus, jose4j and Google's library pay (plus their DER transcoding).
 * </ul>
 *
 * <p>Each call takes the next of 64 tokens, so no input stays in a branch predictor's memory.
 * Compare with {@code openssl speed ecdsap256} (run by {@code benchmarks/run.sh}).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar SignatureBenchmark -t 1 -prof gc
 * java -jar benchmarks/target/benchmarks.jar SignatureBenchmark -t 2 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class SignatureBenchmark {

  static final int POOL = 64;

  byte[][] inputs = new byte[POOL][];
  byte[][] signatures = new byte[POOL][];
  Es256 es256;
  Fixtures fx;

  @Setup(Level.Trial)
  public void setUp() {
    fx = Fixtures.create();
    String[] tokens = fx.mintPool(100, POOL);
    for (int i = 0; i < POOL; i++) {
      inputs[i] = Fixtures.signingInput(tokens[i]);
      signatures[i] = Fixtures.signature(tokens[i]);
    }
    es256 = Es256.of(fx.publicKey());
    if (!es256.verify(inputs[0], inputs[0].length, signatures[0])) {
      throw new IllegalStateException("Es256 rejects a good signature");
    }
  }

  /** Per-thread JDK verifier and cursor. */
  @State(Scope.Thread)
  public static class PerThread {
    Signature jdk;
    int next;

    @Setup(Level.Trial)
    public void setUp(SignatureBenchmark b) throws GeneralSecurityException {
      jdk = Signature.getInstance("SHA256withECDSAinP1363Format");
      jdk.initVerify(b.fx.publicKey());
      jdk.update(b.inputs[0]);
      if (!jdk.verify(b.signatures[0])) {
        throw new IllegalStateException("the JDK rejects a good signature");
      }
      next = (int) Thread.currentThread().getId() & (POOL - 1);
    }

    int take() {
      int i = next;
      next = (i + 1) & (POOL - 1);
      return i;
    }
  }

  @Benchmark
  public boolean es256(PerThread t) {
    int i = t.take();
    return es256.verify(inputs[i], inputs[i].length, signatures[i]);
  }

  @Benchmark
  public boolean jdkP1363(PerThread t) throws GeneralSecurityException {
    int i = t.take();
    t.jdk.update(inputs[i]);
    return t.jdk.verify(signatures[i]);
  }
}
