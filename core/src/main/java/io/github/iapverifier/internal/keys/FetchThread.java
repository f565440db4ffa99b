package io.github.iapverifier.internal.keys;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Single flight: at most one fetch runs, on one daemon thread, and every lookup that needs it waits
 * for that same fetch. State is guarded by the owner's lock, which the owner also holds when it
 * decides whether to start one. Thread-safe.
 */
final class FetchThread {

  /** One fetch, shared by whoever waits for it. */
  static final class Flight {
    private final CompletableFuture<KeySet> result = new CompletableFuture<>();

    /** Waits until the deadline (System.nanoTime); null if the fetch failed or is late. */
    @Nullable KeySet await(long deadline) {
      try {
        return result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      } catch (ExecutionException | TimeoutException | CancellationException e) {
        return null;
      }
    }
  }

  private final Object lock;
  private final Callable<KeySet> fetch;
  private final Logger log;
  private final ExecutorService executor;
  private volatile @Nullable Thread thread;
  private @Nullable Flight inFlight; // guarded by lock

  /**
   * @param lock the owner's lock, guarding the flight
   * @param fetch the fetch; it calls {@link #finished()} under the lock before it returns
   */
  FetchThread(Object lock, Callable<KeySet> fetch, Logger log) {
    this.lock = lock;
    this.fetch = fetch;
    this.log = log;
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "iap-verifier-keys");
              t.setDaemon(true);
              thread = t;
              return t;
            });
  }

  /** The fetch running now, or null. */
  @Nullable Flight running() {
    synchronized (lock) {
      return inFlight;
    }
  }

  /** Starts a fetch, or returns the one running; null once closed. Call under the lock. */
  @Nullable Flight start() {
    if (inFlight != null) {
      return inFlight;
    }
    Flight flight = new Flight();
    try {
      executor.execute(() -> run(flight));
    } catch (RejectedExecutionException e) {
      return null;
    }
    inFlight = flight;
    return flight;
  }

  private void run(Flight flight) {
    try {
      flight.result.complete(fetch.call());
    } catch (Exception e) {
      flight.result.completeExceptionally(e);
    } catch (Error e) {
      flight.result.completeExceptionally(e);
      throw e;
    }
  }

  /** The running fetch has completed its state changes; call under the lock. */
  void finished() {
    inFlight = null;
  }

  /** Stops the thread, abandoning a running fetch and releasing its waiters; waits for it. */
  void close(Duration timeout) {
    Flight flight;
    synchronized (lock) {
      flight = inFlight;
    }
    // Interrupting the fetch thread cancels its HTTP exchange.
    executor.shutdownNow();
    if (flight != null) {
      // A fetch dropped from the queue before it started would never release its waiters.
      flight.result.completeExceptionally(new IOException("the key source was closed"));
    }
    Thread t = thread;
    try {
      if (Thread.currentThread() == t) {
        // Closed by a listener on the fetch thread itself: it ends when the listener returns.
        log.debug("Key source closed from its own fetch thread");
      } else if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("The IAP key fetch thread did not stop within {}", timeout);
      } else if (t != null) {
        // Terminated means its last task is done; the thread itself exits a moment later.
        t.join(timeout.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
