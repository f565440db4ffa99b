package io.github.iapverifier.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerifier;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
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
 * A repeated token: the verified-token cache answers, with a fresh {@code String} instance per
 * call, as a servlet container gives a new header string per request.
 *
 * <p>How "fresh" is made without timing a copy: each thread cycles through 512 distinct {@code
 * String} copies of the token, made at set-up (none is the instance the cache holds, so {@code
 * equals} cannot succeed on identity and must compare all ~800 characters). Before each call the
 * copy's cached {@code String.hash} is reset to 0 with a {@link VarHandle} (a single field store,
 * ~1 ns, hence the fork's {@code --add-opens java.base/java.lang}), so whatever hashes the string
 * pays the full hash, exactly as on a string never hashed before. Both methods pay the same reset,
 * so they compare fairly:
 *
 * <ul>
 *   <li>{@link #iapVerifier}: {@code IapVerifier.verify} on a cache hit (default cache size). Its
 *       cache key hashes only the token's last 16 characters and compares the whole string.
 *   <li>{@link #caffeineStringKey}: the baseline a straightforward cache would give: a Caffeine
 *       lookup keyed by the token {@code String} itself, whose {@code hashCode} walks all ~800
 *       characters (~0.75 µs on JDK 17, vectorised on JDK 21+).
 * </ul>
 *
 * <p>Run ({@code -prof gc} gives B/op; the target is ≤ 64 B/op):
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar CacheHitBenchmark -t 1 -prof gc
 * java -jar benchmarks/target/benchmarks.jar CacheHitBenchmark -t 2 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.lang=ALL-UNNAMED")
@State(Scope.Benchmark)
public class CacheHitBenchmark {

  static final int COPIES = 512;

  private static final VarHandle STRING_HASH = stringHash();

  String token;
  IapVerifier iapVerifier;
  Cache<String, Object> caffeine;

  /** Verifies the token once so that it is cached, and fills the String-keyed baseline. */
  @Setup(Level.Trial)
  public void setUp() {
    Fixtures fx = Fixtures.create();
    token = fx.mint(7, 42);
    iapVerifier = Peers.iapVerifier(fx, IapVerifier.Builder.DEFAULT_TOKEN_CACHE_SIZE);
    IapIdentity identity = iapVerifier.verify(token);
    caffeine =
        Caffeine.newBuilder()
            .maximumSize(IapVerifier.Builder.DEFAULT_TOKEN_CACHE_SIZE)
            .expireAfterWrite(Duration.ofMinutes(10))
            .build();
    caffeine.put(token, identity);
  }

  /** Each thread's own copies of the token, never the instance the caches hold. */
  @State(Scope.Thread)
  public static class Copies {
    String[] copies;
    int next;

    @Setup(Level.Trial)
    public void setUp(CacheHitBenchmark b) {
      copies = Fixtures.copies(b.token, COPIES);
    }

    /** The next copy, with its hash forgotten, as a string that was never hashed. */
    String take() {
      String s = copies[next];
      next = (next + 1) & (COPIES - 1);
      STRING_HASH.set(s, 0);
      return s;
    }
  }

  @Benchmark
  public Object iapVerifier(Copies c) {
    return iapVerifier.verify(c.take());
  }

  @Benchmark
  public Object caffeineStringKey(Copies c) {
    return caffeine.getIfPresent(c.take());
  }

  private static VarHandle stringHash() {
    try {
      return MethodHandles.privateLookupIn(String.class, MethodHandles.lookup())
          .findVarHandle(String.class, "hash", int.class);
    } catch (ReflectiveOperationException | IllegalAccessError | RuntimeException e) {
      throw new IllegalStateException(
          "run with --add-opens=java.base/java.lang=ALL-UNNAMED (the @Fork annotation adds it)",
          e);
    }
  }
}
