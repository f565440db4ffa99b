package io.github.iapverifier.benchmarks;

import io.github.iapverifier.internal.Es256;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECMultiplier;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.math.ec.WNafL2RMultiplier;
import org.bouncycastle.math.ec.WNafUtil;
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
 * Whether BouncyCastle's own precomputation options for a long-lived public key (IAP keys live for
 * weeks) verify ES256 faster than what core's {@code Es256} gets today. Each method checks the same
 * signatures (SHA-256 of a token's signing input, P-256 ECDSA), differing only in how BouncyCastle
 * computes {@code u1·G + u2·Q}; all point and field arithmetic is BouncyCastle's, through its public
 * API; only the ECDSA scalar steps ({@code w = s⁻¹}, {@code u1 = e·w}, {@code u2 = r·w} mod n, and
 * comparing {@code x(R) mod n} with r) are written here, with {@link BigInteger}.
 *
 * <ul>
 *   <li>{@link #es256Default}: core's {@code Es256}: {@code ECDSASigner}, whose {@code
 *       ECAlgorithms.sumOfTwoMultiplies} switches a point it has seen a few times to fixed-point
 *       combs for G and Q, interleaved (BouncyCastle's "promotion"). The reference.
 *   <li>{@link #combG_wnaf8Q} and {@link #combG_wnaf12Q}: {@code u1·G} with {@link
 *       FixedPointCombMultiplier}, {@code u2·Q} with {@link WNafL2RMultiplier} over a table of Q
 *       precomputed once with a larger window ({@code WNafUtil.precompute(Q, 8 or 12, true)}: 64 or
 *       1,024 odd multiples), then one point addition.
 *   <li>{@link #combG_combQ}: both products with {@link FixedPointCombMultiplier} (separate combs,
 *       not interleaved), then one addition.
 * </ul>
 *
 * <p>Each set-up fails unless its method accepts every signature of the pool and rejects a damaged
 * one; {@code PrecomputationTest} checks the same in {@code ./mvnw verify}.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar PrecomputationBenchmark -t 1 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PrecomputationBenchmark {

  static final int POOL = 64;

  private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
  private static final BigInteger N = P256.getN();

  byte[][] inputs = new byte[POOL][];
  byte[][] signatures = new byte[POOL][];
  Es256 es256;
  /** The key's point, one instance per variant, as each keeps its own tables on it. */
  ECPoint qWnaf8;
  ECPoint qWnaf12;
  ECPoint qComb;
  final FixedPointCombMultiplier comb = new FixedPointCombMultiplier();
  final ECMultiplier wnaf = new WNafL2RMultiplier();

  /** Signs the pool, builds each variant's tables once, and checks every variant. */
  @Setup(Level.Trial)
  public void setUp() {
    Fixtures fx = Fixtures.create();
    String[] tokens = fx.mintPool(100, POOL);
    for (int i = 0; i < POOL; i++) {
      inputs[i] = Fixtures.signingInput(tokens[i]);
      signatures[i] = Fixtures.signature(tokens[i]);
    }
    es256 = Es256.of(fx.publicKey());
    qWnaf8 = point(fx);
    WNafUtil.precompute(qWnaf8, 8, true);
    qWnaf12 = point(fx);
    WNafUtil.precompute(qWnaf12, 12, true);
    qComb = point(fx);
    for (Variant v : variants()) {
      check(v);
    }
  }

  /** One way to check a signature: input, its length, raw r‖s. */
  interface Variant {
    boolean verify(byte[] input, byte[] signature);
  }

  Variant[] variants() {
    return new Variant[] {
      (in, sig) -> es256.verify(in, in.length, sig),
      (in, sig) -> verify(in, sig, qWnaf8, wnaf),
      (in, sig) -> verify(in, sig, qWnaf12, wnaf),
      (in, sig) -> verify(in, sig, qComb, comb)
    };
  }

  void check(Variant v) {
    for (int i = 0; i < POOL; i++) {
      if (!v.verify(inputs[i], signatures[i])) {
        throw new IllegalStateException("a variant rejects good signature " + i);
      }
    }
    byte[] bad = signatures[0].clone();
    bad[5] ^= 1;
    if (v.verify(inputs[0], bad) || v.verify(inputs[1], signatures[0])) {
      throw new IllegalStateException("a variant accepts a bad signature");
    }
  }

  private static ECPoint point(Fixtures fx) {
    return P256.getCurve()
        .validatePoint(fx.publicKey().getW().getAffineX(), fx.publicKey().getW().getAffineY())
        .normalize();
  }

  /** ECDSA verification (SEC 1, 4.1.4) with {@code u2·Q} computed by {@code qMultiplier}. */
  boolean verify(byte[] input, byte[] signature, ECPoint q, ECMultiplier qMultiplier) {
    BigInteger r = new BigInteger(1, signature, 0, 32);
    BigInteger s = new BigInteger(1, signature, 32, 32);
    if (r.signum() == 0 || s.signum() == 0 || r.compareTo(N) >= 0 || s.compareTo(N) >= 0) {
      return false;
    }
    BigInteger e = new BigInteger(1, sha256(input)); // 256-bit digest, 256-bit n: no truncation
    BigInteger w = s.modInverse(N);
    BigInteger u1 = e.multiply(w).mod(N);
    BigInteger u2 = r.multiply(w).mod(N);
    ECPoint point = comb.multiply(P256.getG(), u1).add(qMultiplier.multiply(q, u2)).normalize();
    return !point.isInfinity() && point.getAffineXCoord().toBigInteger().mod(N).equals(r);
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Per-thread cursor over the pool. */
  @State(Scope.Thread)
  public static class Cursor {
    int next = (int) Thread.currentThread().getId() & (POOL - 1);

    int take() {
      int i = next;
      next = (i + 1) & (POOL - 1);
      return i;
    }
  }

  @Benchmark
  public boolean es256Default(Cursor c) {
    int i = c.take();
    return es256.verify(inputs[i], inputs[i].length, signatures[i]);
  }

  @Benchmark
  public boolean combG_wnaf8Q(Cursor c) {
    int i = c.take();
    return verify(inputs[i], signatures[i], qWnaf8, wnaf);
  }

  @Benchmark
  public boolean combG_wnaf12Q(Cursor c) {
    int i = c.take();
    return verify(inputs[i], signatures[i], qWnaf12, wnaf);
  }

  @Benchmark
  public boolean combG_combQ(Cursor c) {
    int i = c.take();
    return verify(inputs[i], signatures[i], qComb, comb);
  }
}
