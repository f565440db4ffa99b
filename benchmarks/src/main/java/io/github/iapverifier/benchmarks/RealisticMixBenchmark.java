package io.github.iapverifier.benchmarks;

import io.github.iapverifier.IapEventListener;
import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapKeySource;
import io.github.iapverifier.IapSigningKey;
import io.github.iapverifier.IapVerifier;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
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

/**
 * A realistic mix of repeated and new tokens through one iap-verifier.
 *
 * <p>Model: {@value #USERS} users per thread, each request drawn from a Zipf distribution
 * (exponent {@value #ZIPF_EXPONENT}) over them, as a few users make most requests. IAP hands a
 * user the same assertion until it nears expiry, then a new one. With {@value
 * #REQUESTS_PER_LIFETIME} requests per token lifetime (10 minutes; ~80 requests/s for the app),
 * user {@code u} with request share {@code p(u)} keeps a token for {@code max(1, round(p(u) *
 * R))} requests, then gets a never-seen token from a pool of {@value #FRESH} pre-minted ones. So
 * about 1 request in 50 carries a new token (full verification plus the cache insert) and the
 * rest are cache hits; the exact share is counted through an {@link IapEventListener} and printed
 * after each iteration ("mix: ..."). The first request with a token presents the instance the
 * cache keeps; repeats present a distinct copy, made once when the token appears, so no lookup
 * succeeds on reference equality.
 *
 * <p>Time is compressed, which needs two corrections to stay honest:
 *
 * <ul>
 *   <li>In production a cache entry dies by time 12 minutes after it was added, so with 1,000
 *       users a 10,000-entry cache never fills and never has to choose what to evict. Here a
 *       "lifetime" passes in well under a second of real time, so replaced tokens would pile up
 *       and make Caffeine's admission policy (W-TinyLFU) arbitrate between live and dead tokens,
 *       something that does not happen in production. The verifier is therefore built with a
 *       cache larger than everything a trial inserts ({@value #CACHE_SIZE}): it never evicts.
 *   <li>When the pool of new tokens wraps around, a token handed out again must be new to the
 *       verifier, not a hit. So each wrap starts an epoch in which the key source serves a new
 *       {@code IapSigningKey} instance for the same key (as after a key refresh that does not
 *       keep instances): every entry cached before is then re-verified on its next use. This
 *       adds about one miss per user per wrap (a few per cent of the misses), counted in the
 *       printed ratio.
 * </ul>
 *
 * <p>Run:
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar RealisticMixBenchmark -t 1 -prof gc
 * java -jar benchmarks/target/benchmarks.jar RealisticMixBenchmark -t 2 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class RealisticMixBenchmark {

  static final int USERS = 1000;
  static final double ZIPF_EXPONENT = 1.0;
  static final int REQUESTS_PER_LIFETIME = 50_000;
  /** Never-seen tokens handed out as users' tokens are replaced; wraps, power of two. */
  static final int FRESH = 1 << 15;

  static final int DRAWS = 1 << 16;
  static final int CACHE_SIZE = 1 << 20;
  /** Key instances for successive epochs; more than a trial can use. */
  static final int EPOCHS = 256;

  String[] fresh;
  final AtomicInteger nextFresh = new AtomicInteger();
  final int[] quota = new int[USERS];
  double[] cumulative;
  IapVerifier verifier;
  final LongAdder hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  IapSigningKey[] epochKeys;
  volatile int epoch;

  @Setup(Level.Trial)
  public void setUp() {
    Fixtures fx = Fixtures.create();
    fresh = fx.mintPool(1_000_000, FRESH);
    double[] weight = new double[USERS];
    double total = 0;
    for (int u = 0; u < USERS; u++) {
      weight[u] = 1 / Math.pow(u + 1, ZIPF_EXPONENT);
      total += weight[u];
    }
    cumulative = new double[USERS];
    double running = 0;
    for (int u = 0; u < USERS; u++) {
      running += weight[u] / total;
      cumulative[u] = running;
      quota[u] = (int) Math.max(1, Math.round(weight[u] / total * REQUESTS_PER_LIFETIME));
    }
    IapEventListener counting =
        new IapEventListener() {
          @Override
          public void verified(IapIdentity identity, boolean fromCache) {
            (fromCache ? hits : misses).increment();
          }
        };
    epochKeys = new IapSigningKey[EPOCHS];
    for (int i = 0; i < EPOCHS; i++) {
      epochKeys[i] = IapSigningKey.of(fx.keyId(), fx.publicKey());
    }
    String keyId = fx.keyId();
    IapKeySource byEpoch = kid -> keyId.equals(kid) ? epochKeys[epoch % EPOCHS] : null;
    verifier =
        IapVerifier.builder()
            .audiences(Fixtures.AUDIENCE)
            .keySource(byEpoch)
            .clock(Fixtures.CLOCK)
            .tokenCacheSize(CACHE_SIZE)
            .eventListener(counting)
            .build();
  }

  @TearDown(Level.Iteration)
  public void report() {
    long h = hits.sumThenReset();
    long m = misses.sumThenReset();
    System.out.printf(
        "mix: %d verifications, %.2f%% cache hits, %d full verifications, %d new tokens so far%n",
        h + m, 100.0 * h / Math.max(1, h + m), m, nextFresh.get());
  }

  /** One thread's users: their current tokens and how many more requests each token serves. */
  @State(Scope.Thread)
  public static class Users {
    final int[] draws = new int[DRAWS];
    final int[] remaining = new int[USERS];
    final String[] repeat = new String[USERS];
    int next;

    @Setup(Level.Trial)
    public void setUp(RealisticMixBenchmark b) {
      Random random = new Random(Thread.currentThread().getId());
      for (int i = 0; i < DRAWS; i++) {
        int u = java.util.Arrays.binarySearch(b.cumulative, random.nextDouble());
        draws[i] = Math.min(USERS - 1, u < 0 ? -u - 1 : u);
      }
    }
  }

  @Benchmark
  public Object iapVerifier(Users users) {
    int u = users.draws[users.next];
    users.next = (users.next + 1) & (DRAWS - 1);
    if (users.remaining[u] == 0) {
      // The user's token expired: IAP sends a new one, which the app has never seen.
      int n = nextFresh.getAndIncrement();
      if ((n & (FRESH - 1)) == 0 && n != 0) {
        epoch = n / FRESH; // the pool wrapped: tokens handed out again must be new to the cache
      }
      String token = fresh[n & (FRESH - 1)];
      users.remaining[u] = quota[u] - 1;
      // new String(String) would share the byte array, letting equals short-circuit; copy it.
      users.repeat[u] = new String(token.toCharArray());
      return verifier.verify(token);
    }
    users.remaining[u]--;
    return verifier.verify(users.repeat[u]);
  }
}
