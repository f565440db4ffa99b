package io.github.iapverifier.benchmarks;

import com.google.auth.oauth2.TokenVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.internal.Es256;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.security.Signature;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * A cross-check of the JMH figures that holds on a busy machine: the CPU time the calling thread
 * spends per operation ({@link ThreadMXBean#getCurrentThreadCpuTime()}), plus that of Reactor's
 * bounded-elastic threads (where the reactive filter verifies when a key may have to be fetched;
 * with the key held, as in these cases, it verifies inline), which other processes competing for
 * the cores do not inflate the way they inflate wall-clock time. The same
 * verifiers, tokens and String copies as the JMH benchmarks; the best of several rounds after
 * warm-up is reported, with the garbage collector's time per operation over all rounds beside it
 * (collection runs on other threads, so the thread's CPU time alone leaves it out; on one busy core
 * it adds up).
 *
 * <p>Each case prints its best round (the figure least disturbed by other processes), and the median
 * round with half the spread of the middle three rounds as its error bar.
 *
 * <p>It is a single-threaded loop around the same calls, not a JMH benchmark: use it to judge
 * whether a target is met when the load average says the JMH run was disturbed, not instead of
 * JMH.
 *
 * <p>After the verifiers it measures {@link PrecomputationBenchmark}'s variants, {@link
 * ProxyBenchmark}'s cases and, unless the
 * argument {@code --no-adapters} is given, each case of {@link AdapterBenchmark} and {@link
 * AdapterBaselineBenchmark} (one request at a time through each adapter, on mock requests).
 *
 * <pre>
 * java --add-opens=java.base/java.lang=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
 *     -cp benchmarks/target/benchmarks.jar io.github.iapverifier.benchmarks.CpuTimePerOp
 * </pre>
 */
public final class CpuTimePerOp {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static Pattern only;
  private static volatile Object sink;

  private CpuTimePerOp() {}

  @FunctionalInterface
  interface Op {
    Object run(int i) throws Exception;
  }

  /**
   * Measures and prints a table.
   *
   * @param args {@code --no-adapters} to skip the adapter cases; {@code --only=REGEX} to measure
   *     only the cases whose name contains a match
   * @throws Exception if a verifier rejects a fixture token
   */
  public static void main(String[] args) throws Exception {
    boolean adapters = true;
    for (String arg : args) {
      if ("--no-adapters".equals(arg)) {
        adapters = false;
      } else if (arg.startsWith("--only=")) {
        only = Pattern.compile(arg.substring("--only=".length()));
      } else {
        throw new IllegalArgumentException("usage: CpuTimePerOp [--no-adapters] [--only=REGEX]");
      }
    }
    Fixtures fx = Fixtures.create();
    String[] tokens = fx.mintPool(0, 1024);
    IapVerifier uncached = Peers.iapVerifier(fx, 0);
    TokenVerifier google = Peers.googleTokenVerifier(fx, new AtomicInteger());
    NimbusJwtDecoder spring = Peers.springNimbusJwtDecoder(fx, new AtomicInteger());
    DefaultJWTProcessor<SecurityContext> nimbus = Peers.nimbusJwtProcessor(fx);
    JwtConsumer jose4j = Peers.jose4jJwtConsumer(fx);
    Es256 es256 = Es256.of(fx.publicKey());
    Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format");
    jdk.initVerify(fx.publicKey());
    byte[][] inputs = new byte[64][];
    byte[][] signatures = new byte[64][];
    for (int i = 0; i < 64; i++) {
      inputs[i] = Fixtures.signingInput(tokens[i]);
      signatures[i] = Fixtures.signature(tokens[i]);
    }
    String repeated = fx.mint(7, 42);
    IapVerifier cached = Peers.iapVerifier(fx, IapVerifier.Builder.DEFAULT_TOKEN_CACHE_SIZE);
    cached.verify(repeated);
    com.github.benmanes.caffeine.cache.Cache<String, Object> caffeine =
        com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
            .maximumSize(IapVerifier.Builder.DEFAULT_TOKEN_CACHE_SIZE)
            .expireAfterWrite(java.time.Duration.ofMinutes(10))
            .build();
    caffeine.put(repeated, "identity");
    String[] copies = Fixtures.copies(repeated, 512);
    VarHandle hash = stringHash();

    System.out.printf(
        Locale.ROOT,
        "CpuTimePerOp, JDK %s (CPU time of this thread and Reactor's bounded-elastic threads)%n",
        Runtime.version());
    System.out.printf(
        Locale.ROOT,
        "| %-40s | %10s | %20s | %12s | %13s |%n",
        "case",
        "CPU per op",
        "median ± spread",
        "ops/s/core",
        "GC ms per 1k ops");
    System.out.println("|---|---|---|---|---|");
    boolean slowJdk = Runtime.version().feature() < 21;
    int fast = 3_000;
    int slow = slowJdk ? 300 : 1_000;
    measure("NeverSeen iapVerifier", fast, i -> uncached.verify(tokens[i & 1023]));
    measure("NeverSeen googleTokenVerifier", slow, i -> google.verify(tokens[i & 1023]));
    measure("NeverSeen springNimbusJwtDecoder", slow, i -> spring.decode(tokens[i & 1023]));
    measure("NeverSeen nimbusJwtProcessor", slow, i -> nimbus.process(tokens[i & 1023], null));
    measure("NeverSeen jose4jJwtConsumer", slow, i -> jose4j.processToClaims(tokens[i & 1023]));
    measure(
        "Signature es256",
        fast,
        i -> es256.verify(inputs[i & 63], inputs[i & 63].length, signatures[i & 63]));
    measure(
        "Signature jdkP1363",
        slow,
        i -> {
          jdk.update(inputs[i & 63]);
          return jdk.verify(signatures[i & 63]);
        });
    measure(
        "CacheHit iapVerifier",
        2_000_000,
        i -> {
          String s = copies[i & 511];
          hash.set(s, 0);
          return cached.verify(s);
        });
    measure(
        "CacheHit caffeineStringKey",
        2_000_000,
        i -> {
          String s = copies[i & 511];
          hash.set(s, 0);
          return caffeine.getIfPresent(s);
        });
    precomputation(fast);
    proxies(fast, slow);
    if (adapters) {
      adapters(fast, slow);
    }
  }

  /** {@link ProxyBenchmark}: each proxy's verifier and nimbus, never-seen and repeated. */
  private static void proxies(int fast, int slow) throws Exception {
    for (String proxy : new String[] {"googleIap", "cloudflareAccess", "awsAlb", "pomerium"}) {
      for (String kind : new String[] {"neverSeen", "repeated"}) {
        String label = "Proxy " + proxy + " " + kind + " ";
        if (!selected(label + "iapVerifier") && !selected(label + "nimbus")) {
          continue;
        }
        ProxyBenchmark b = new ProxyBenchmark();
        b.proxy = proxy;
        b.assertion = kind;
        b.setUp();
        ProxyBenchmark.Cursor c = new ProxyBenchmark.Cursor();
        measure(label + "iapVerifier", "repeated".equals(kind) ? 300_000 : fast, i -> b.iapVerifier(c));
        measure(label + "nimbus", slow, i -> b.nimbus(c));
        b.tearDown();
      }
    }
  }

  /** {@link PrecomputationBenchmark}'s variants (es256Default is "Signature es256" above). */
  private static void precomputation(int n) throws Exception {
    PrecomputationBenchmark p = new PrecomputationBenchmark();
    p.setUp();
    PrecomputationBenchmark.Cursor c = new PrecomputationBenchmark.Cursor();
    measure("Precomputation combG_wnaf8Q", n, i -> p.combG_wnaf8Q(c));
    measure("Precomputation combG_wnaf12Q", n, i -> p.combG_wnaf12Q(c));
    measure("Precomputation combG_combQ", n, i -> p.combG_combQ(c));
  }

  /**
   * {@link AdapterBenchmark} and {@link AdapterBaselineBenchmark}, through their own set-ups (which
   * check each adapter's outcome first).
   */
  private static void adapters(int fast, int slow) throws Exception {
    AdapterBaselineBenchmark base = new AdapterBaselineBenchmark();
    base.setUp();
    AdapterBenchmark.PerThread t = new AdapterBenchmark.PerThread();
    int requests = 30_000;
    measure("Adapter baseline mockExchangeOnly", requests, i -> base.mockExchangeOnly(t));
    measure("Adapter baseline reactiveExchangeOnly", requests, i -> base.reactiveExchangeOnly(t));
    measure("Adapter baseline verifyRepeated", requests, i -> base.verifyRepeated(t));
    measure("Adapter baseline verifyGarbage", requests, i -> base.verifyGarbage(t));
    measure("Adapter baseline verifyWrongAudience", requests, i -> base.verifyWrongAudience(t));
    measure("Adapter baseline verifyExpired", requests, i -> base.verifyExpired(t));
    base.tearDown();
    for (String kind : new String[] {"repeated", "neverSeen", "garbage", "wrongAudience", "expired"}) {
      AdapterBenchmark b = new AdapterBenchmark();
      b.assertion = kind;
      b.setUp();
      boolean full = "neverSeen".equals(kind);
      AdapterBenchmark.ServletFilter filter = new AdapterBenchmark.ServletFilter();
      if (selected("Adapter servletFilter " + kind)) {
        filter.setUp(b);
        measure("Adapter servletFilter " + kind, full ? fast : requests, i -> b.servletFilter(filter, t));
        filter.tearDown();
      }
      // Garbage fails the resource servers before the signature check; the rest costs one.
      int resourceServer = "garbage".equals(kind) ? requests : slow;
      inContext(b, t, kind, "iapSecurityChain", new AdapterBenchmark.IapSecurityChain(), full ? fast : requests);
      inContext(b, t, kind, "resourceServerChain", new AdapterBenchmark.ResourceServerChain(), resourceServer);
      inContext(b, t, kind, "webFilter", new AdapterBenchmark.WebFilter(), full ? fast : requests);
      inContext(b, t, kind, "webFilterInline", new AdapterBenchmark.WebFilterInline(), full ? fast : requests);
      inContext(b, t, kind, "reactiveSecurityChain", new AdapterBenchmark.ReactiveSecurityChain(), full ? fast : requests);
      inContext(b, t, kind, "reactiveResourceServerChain", new AdapterBenchmark.ReactiveResourceServerChain(), resourceServer);
    }
  }

  private static void inContext(
      AdapterBenchmark b,
      AdapterBenchmark.PerThread t,
      String kind,
      String name,
      AdapterBenchmark.InContext state,
      int n)
      throws Exception {
    String label = "Adapter " + name + " " + kind;
    if (!selected(label)) {
      return;
    }
    state.setUp(b);
    try {
      measure(label, n, i -> t.exchange(state.edge, b.pool));
    } finally {
      state.tearDown();
    }
  }

  private static boolean selected(String name) {
    return only == null || only.matcher(name).find();
  }

  private static void measure(String name, int n, Op op) throws Exception {
    if (!selected(name)) {
      return;
    }
    // Warm up for at least 3 rounds and 3 s, so C2 has compiled the hot path before timing.
    long warmUntil = System.nanoTime() + 3_000_000_000L;
    for (int round = 0; round < 3 || System.nanoTime() < warmUntil; round++) {
      loop(n, op);
    }
    long gc0 = gcMillis();
    int rounds = 5;
    double[] ns = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      Map<Long, Long> t0 = cpuTimes();
      loop(n, op);
      ns[round] = (double) spent(t0, cpuTimes()) / n;
    }
    double gcPerKiloOp = (gcMillis() - gc0) * 1000.0 / ((double) n * rounds);
    Arrays.sort(ns);
    double best = ns[0];
    // The middle round, and half the spread of the middle three: rounds disturbed by other
    // processes (cache misses, frequency changes) show up there even in CPU time.
    double median = ns[rounds / 2];
    double spread = (ns[rounds / 2 + 1] - ns[rounds / 2 - 1]) / 2;
    System.out.printf(
        Locale.ROOT,
        "| %-40s | %10s | %20s | %,12.0f | %13.2f |%n",
        name,
        duration(best),
        duration(median) + " ± " + duration(spread),
        1e9 / best,
        gcPerKiloOp);
  }

  private static String duration(double ns) {
    return ns >= 10_000
        ? String.format(Locale.ROOT, "%.1f us", ns / 1000)
        : String.format(Locale.ROOT, "%.0f ns", ns);
  }

  /**
   * CPU time so far of this thread and of Reactor's bounded-elastic threads, where the reactive
   * filter verifies (and the rest of the chain runs) when it hops: by thread id.
   */
  private static Map<Long, Long> cpuTimes() {
    Map<Long, Long> times = new HashMap<>();
    times.put(Thread.currentThread().getId(), THREADS.getCurrentThreadCpuTime());
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("boundedElastic")) {
        times.put(info.getThreadId(), THREADS.getThreadCpuTime(info.getThreadId()));
      }
    }
    return times;
  }

  /** CPU time spent between two snapshots; a thread started in between counts from zero. */
  private static long spent(Map<Long, Long> before, Map<Long, Long> after) {
    long total = 0;
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      if (e.getValue() >= 0) {
        total += e.getValue() - Math.max(0, before.getOrDefault(e.getKey(), 0L));
      }
    }
    return total;
  }

  private static void loop(int n, Op op) throws Exception {
    for (int i = 0; i < n; i++) {
      sink = op.run(i);
    }
  }

  private static long gcMillis() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  private static VarHandle stringHash() throws ReflectiveOperationException {
    return MethodHandles.privateLookupIn(String.class, MethodHandles.lookup())
        .findVarHandle(String.class, "hash", int.class);
  }
}
