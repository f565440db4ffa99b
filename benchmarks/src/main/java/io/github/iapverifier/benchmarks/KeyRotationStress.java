package io.github.iapverifier.benchmarks;

import com.sun.net.httpserver.HttpServer;
import io.github.iapverifier.IapEventListener;
import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapKeySource;
import io.github.iapverifier.IapSigningKey;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.RemoteKeySource;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Key rotation under load: threads verify IAP-like tokens flat out through one {@link
 * IapVerifier} whose keys come from a {@link RemoteKeySource} polling a JWKS server on loopback,
 * while that server rotates the keys the way Google does: a new key is published, tokens are
 * signed with it once clients have fetched it, then the old key is withdrawn.
 *
 * <p>The server answers every fetch after {@value #SERVER_DELAY_MS} ms (a slow gstatic) with
 * {@code Cache-Control: max-age=4}, and the source refreshes after a tenth of that (Google's
 * max-age is hours and the default refresh is at 80%: time is compressed here, so a run has
 * dozens of background refreshes; the 3.6 s left before expiry plays the role of the default's
 * minutes of margin, which the fetch thread needs on a loaded 2-core machine, where it can wait
 * well over a second for a CPU). "No request waits on the network" is checked two ways: a
 * watchdog looks at the verifying threads every millisecond and, whenever one is not running,
 * takes its stack; a stack inside the key lifecycle ({@code RemoteKeySource}'s internals) waiting
 * for a fetch counts as a wait.
 * And every key lookup is timed (lookups over 1 ms, from preemption or GC on a busy 2-core
 * machine, are counted and printed). The run fails (exit status 1) if a request thread was caught
 * waiting for a fetch, if any token was rejected, or if the rotation was not seen.
 *
 * <p>Printed: verifications, cache hits, fetches, rotations, the latency percentiles of {@code
 * verify} (p50, p99, p99.9, max) over the measured run and over the second after each rotation
 * step, and the slowest key lookup. The first 2 s (JIT warm-up, first fetch) are not measured:
 * the claim is about steady state.
 *
 * <p>Bounded: 2 s plus the given seconds (default 12, at least 8), plus up to 30 s at each of two
 * rotation steps that a slow machine has not yet seen, and at most 500 million verifications;
 * serves loopback only ({@code 127.0.0.1}, an ephemeral port) and stops its server.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.iapverifier.benchmarks.KeyRotationStress [seconds] [threads]
 * </pre>
 */
public final class KeyRotationStress {

  static final int SERVER_DELAY_MS = 200;
  /** The package of RemoteKeySource's lifecycle, where a lookup would wait for a fetch. */
  static final String KEY_LIFECYCLE = "io.github.iapverifier.internal.keys.";
  static final long MAX_VERIFICATIONS = 500_000_000L;
  static final int TOKENS_PER_KEY = 2_000;
  static final long WARM_UP_NANOS = 2_000_000_000L;

  private KeyRotationStress() {}

  /** What a run measured. */
  public record Result(
      long verifications,
      long cacheHits,
      long rejections,
      long waitedOnNetwork,
      int fetches,
      int rotations,
      long slowLookups,
      long slowestLookupNanos,
      Histogram all,
      Histogram duringRotation) {

    /**
     * Tells whether the run proved what it should.
     *
     * @return true if no lookup waited, nothing was rejected and keys rotated
     */
    public boolean passed() {
      return waitedOnNetwork == 0 && rejections == 0 && rotations >= 2 && verifications > 0;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "verifications %,d (%.2f%% cache hits, %,d full), rejected %d, JWKS fetches %d,"
              + " rotations %d%n"
              + "verify latency, whole run:           %s%n"
              + "verify latency, 1 s after rotations: %s%n"
              + "request threads caught waiting for a key fetch: %d;"
              + " key lookups over 1 ms: %d; slowest lookup %.1f us (server answers in %d ms)",
          verifications,
          100.0 * cacheHits / Math.max(1, verifications),
          verifications - cacheHits - rejections,
          rejections,
          fetches,
          rotations,
          all.summary(),
          duringRotation.summary(),
          waitedOnNetwork,
          slowLookups,
          slowestLookupNanos / 1000.0,
          SERVER_DELAY_MS);
    }
  }

  /**
   * Runs the stress and prints its result.
   *
   * @param args optional: seconds measured (default 12, at least 8), verifying threads (default 2)
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    int seconds = Math.max(8, args.length > 0 ? Integer.parseInt(args[0]) : 12);
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    System.out.printf(
        "KeyRotationStress: %d s, %d threads, JDK %s%n",
        seconds, threads, Runtime.version());
    Result r = run(Duration.ofSeconds(seconds), threads);
    System.out.println(r);
    System.out.println(r.passed() ? "PASSED" : "FAILED");
    System.exit(r.passed() ? 0 : 1);
  }

  /**
   * Runs the stress.
   *
   * @param duration how long to measure, at least 8 s (four steps of at least 2 s)
   * @param threads how many threads verify
   * @return what was measured
   * @throws Exception if the server cannot start
   */
  public static Result run(Duration duration, int threads) throws Exception {
    if (duration.toMillis() < 8000) {
      throw new IllegalArgumentException("at least 8 s, so that each step outlasts a refresh");
    }
    Fixtures oldKey = Fixtures.create(1);
    Fixtures newKey = Fixtures.create(2);
    String[][] pools = {oldKey.mintPool(0, TOKENS_PER_KEY), newKey.mintPool(0, TOKENS_PER_KEY)};
    String both = "{\"keys\":[" + oldKey.jwk() + "," + newKey.jwk() + "]}";
    String oldOnly = "{\"keys\":[" + oldKey.jwk() + "]}";
    String newOnly = "{\"keys\":[" + newKey.jwk() + "]}";

    AtomicInteger fetches = new AtomicInteger();
    AtomicInteger rotations = new AtomicInteger();
    AtomicReference<String> published = new AtomicReference<>(oldOnly);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext(
        "/jwks",
        exchange -> {
          fetches.incrementAndGet();
          byte[] body = published.get().getBytes(StandardCharsets.UTF_8);
          try {
            Thread.sleep(SERVER_DELAY_MS); // a slow key server: a request waiting on it shows
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.getResponseHeaders().add("Cache-Control", "public, max-age=4");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    ExecutorService serverThreads = Executors.newFixedThreadPool(2);
    server.setExecutor(serverThreads);
    server.start();
    try (RemoteKeySource remote =
        RemoteKeySource.builder()
            .jwksUri(new URI("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks"))
            .ttlBounds(Duration.ofMillis(200), Duration.ofSeconds(4))
            .refreshAhead(0.1)
            .eventListener(
                new IapEventListener() {
                  @Override
                  public void keysRotated(Set<String> added, Set<String> removed) {
                    rotations.incrementAndGet();
                  }
                })
            .build()) {
      remote.warmUp();
      LongAdder slowLookups = new LongAdder();
      AtomicLong slowest = new AtomicLong();
      AtomicBoolean measuring = new AtomicBoolean();
      // Times every lookup; returns the source's own instances, so cache validity is unchanged.
      IapKeySource timed =
          kid -> {
            long t0 = System.nanoTime();
            IapSigningKey key = remote.key(kid);
            long took = System.nanoTime() - t0;
            if (measuring.get()) {
              if (took > 1_000_000) {
                slowLookups.increment();
              }
              slowest.accumulateAndGet(took, Math::max);
            }
            return key;
          };
      LongAdder hits = new LongAdder();
      LongAdder misses = new LongAdder();
      IapVerifier verifier =
          IapVerifier.builder()
              .audiences(Fixtures.AUDIENCE)
              .keySource(timed)
              .clock(Fixtures.CLOCK)
              .eventListener(
                  new IapEventListener() {
                    @Override
                    public void verified(IapIdentity identity, boolean fromCache) {
                      if (measuring.get()) {
                        (fromCache ? hits : misses).increment();
                      }
                    }
                  })
              .build();

      AtomicInteger tokenPool = new AtomicInteger(0);
      AtomicLong rotationWindowEnd = new AtomicLong();
      LongAdder rejections = new LongAdder();
      AtomicLong budget = new AtomicLong(MAX_VERIFICATIONS);
      long measureFrom = System.nanoTime() + WARM_UP_NANOS;
      long end = measureFrom + duration.toNanos();
      // Set once the run has lasted its duration and the client has seen the last rotation step.
      AtomicBoolean stop = new AtomicBoolean();
      Histogram[] all = new Histogram[threads];
      Histogram[] rotating = new Histogram[threads];
      CountDownLatch done = new CountDownLatch(threads);
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Histogram h = all[t] = new Histogram();
        Histogram hr = rotating[t] = new Histogram();
        SplittableRandom random = new SplittableRandom(t);
        Thread w =
            new Thread(
                () -> {
                  try {
                    while (!stop.get() && budget.decrementAndGet() > 0) {
                      String[] pool = pools[tokenPool.get()];
                      // A new instance per request, as a servlet container gives (not timed).
                      String token = new String(pool[random.nextInt(pool.length)].toCharArray());
                      long t0 = System.nanoTime();
                      try {
                        verifier.verify(token);
                      } catch (IapVerificationException e) {
                        if (measuring.get()) {
                          rejections.increment();
                        }
                      }
                      long t1 = System.nanoTime();
                      if (t0 >= measureFrom) {
                        h.record(t1 - t0);
                        if (t1 < rotationWindowEnd.get()) {
                          hr.record(t1 - t0);
                        }
                      }
                    }
                  } finally {
                    done.countDown();
                  }
                },
                "verify-" + t);
        workers.add(w);
      }
      workers.forEach(Thread::start);
      Watchdog watchdog = new Watchdog(workers);
      watchdog.start();
      try {
        sleepUntil(measureFrom);
        measuring.set(true);
        long step = duration.toNanos() / 4;
        sleepUntil(measureFrom + step);
        published.set(both);
        rotationWindowEnd.set(System.nanoTime() + 1_000_000_000L);
        // Google signs with a new key only once it has been published long enough; so do we,
        // and wait (bounded) for the client to have it even if this machine is slow.
        sleepUntil(measureFrom + 2 * step);
        awaitRotations(rotations, 1);
        tokenPool.set(1);
        rotationWindowEnd.set(System.nanoTime() + 1_000_000_000L);
        sleepUntil(measureFrom + 3 * step);
        published.set(newOnly);
        rotationWindowEnd.set(System.nanoTime() + 1_000_000_000L);
        sleepUntil(end);
        // The withdrawal is seen on the client's next refresh, which a slow machine may bring
        // after the planned end: the run goes on until then, so that it is part of the run.
        awaitRotations(rotations, 2);
        stop.set(true);
        done.await();
      } finally {
        stop.set(true); // the workers are not daemons
        watchdog.interrupt();
        watchdog.join();
      }
      verifier.close();
      return new Result(
          hits.sum() + misses.sum() + rejections.sum(),
          hits.sum(),
          rejections.sum(),
          watchdog.waits,
          fetches.get(),
          rotations.get(),
          slowLookups.sum(),
          slowest.get(),
          Histogram.merge(all),
          Histogram.merge(rotating));
    } finally {
      server.stop(0);
      serverThreads.shutdownNow();
    }
  }

  /**
   * Catches request threads waiting for a key fetch. Thread states are read without stopping
   * anything; a stack is taken (a safepoint) only of a thread found not running, which is rare.
   */
  static final class Watchdog extends Thread {
    private final List<Thread> workers;
    volatile long waits;

    Watchdog(List<Thread> workers) {
      super("rotation-watchdog");
      setDaemon(true);
      this.workers = workers;
    }

    @Override
    public void run() {
      long caught = 0;
      while (!isInterrupted()) {
        for (Thread w : workers) {
          Thread.State state = w.getState();
          if (state == State.WAITING || state == State.TIMED_WAITING || state == State.BLOCKED) {
            StackTraceElement[] stack = w.getStackTrace();
            for (StackTraceElement frame : stack) {
              if (frame.getClassName().startsWith(KEY_LIFECYCLE)
                  && frame.getMethodName().equals("await")) {
                if (caught++ < 3) {
                  System.out.println("request thread " + w.getName() + " waited for a key fetch:");
                  Arrays.stream(stack).limit(40).forEach(f -> System.out.println("  " + f));
                }
                break;
              }
            }
          }
        }
        waits = caught;
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /**
   * Waits until the client has seen this many rotations, or 30 s (a bound no healthy run nears on
   * a loaded machine; a run that reaches it fails on the rotation count or on rejections).
   */
  private static void awaitRotations(AtomicInteger rotations, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (rotations.get() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      Thread.sleep(Math.max(1, left / 1_000_000));
    }
  }

  /**
   * Latency counts in 100 ns buckets up to 20 ms, and the exact values above that. One writer
   * thread per instance.
   */
  static final class Histogram {
    private static final int BUCKET_NS = 100;
    private final long[] counts = new long[200_000];
    private final List<Long> overflow = new ArrayList<>();
    private long total;

    void record(long nanos) {
      long b = nanos / BUCKET_NS;
      if (b < counts.length) {
        counts[(int) b]++;
      } else {
        overflow.add(nanos);
      }
      total++;
    }

    static Histogram merge(Histogram[] parts) {
      Histogram m = new Histogram();
      for (Histogram p : parts) {
        for (int i = 0; i < p.counts.length; i++) {
          m.counts[i] += p.counts[i];
        }
        m.overflow.addAll(p.overflow);
        m.total += p.total;
      }
      return m;
    }

    /** The latency below which the given share of calls fall, in nanoseconds (bucket top). */
    long percentile(double share) {
      long rank = (long) Math.ceil(share * total);
      long seen = 0;
      for (int i = 0; i < counts.length; i++) {
        seen += counts[i];
        if (seen >= rank && rank > 0) {
          return (long) (i + 1) * BUCKET_NS;
        }
      }
      Long[] big = overflow.toArray(new Long[0]);
      Arrays.sort(big);
      int idx = (int) Math.min(big.length - 1, Math.max(0, rank - seen - 1));
      return big.length == 0 ? 0 : big[idx];
    }

    long max() {
      if (!overflow.isEmpty()) {
        return overflow.stream().mapToLong(Long::longValue).max().getAsLong();
      }
      for (int i = counts.length - 1; i >= 0; i--) {
        if (counts[i] > 0) {
          return (long) (i + 1) * BUCKET_NS;
        }
      }
      return 0;
    }

    long count() {
      return total;
    }

    String summary() {
      return String.format(
          Locale.ROOT,
          "n=%,d p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us",
          total,
          percentile(0.50) / 1000.0,
          percentile(0.99) / 1000.0,
          percentile(0.999) / 1000.0,
          max() / 1000.0);
    }
  }
}
