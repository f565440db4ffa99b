package io.github.iapverifier.internal.keys;

/**
 * A token bucket of fetches: {@code burst} back to back, then one per {@code refillMillis}. Time is
 * the caller's clock in epoch millis, so tests control it. Thread-safe.
 */
final class FetchBudget {

  private final int burst;
  private final long refillMillis;
  private int available; // guarded by this
  private long refilledAt; // guarded by this

  FetchBudget(int burst, long refillMillis, long now) {
    if (burst < 1 || refillMillis < 1) {
      throw new IllegalArgumentException("burst and refill must be positive");
    }
    this.burst = burst;
    this.refillMillis = refillMillis;
    this.available = burst;
    this.refilledAt = now;
  }

  /** Takes one fetch from the budget; false when it is spent. */
  synchronized boolean tryAcquire(long now) {
    if (now > refilledAt) {
      long earned = (now - refilledAt) / refillMillis;
      if (earned > 0) {
        available = (int) Math.min(burst, available + earned);
        refilledAt = available == burst ? now : refilledAt + earned * refillMillis;
      }
    } else if (now < refilledAt) {
      // The clock went back: restart the interval rather than wait for it to catch up.
      refilledAt = now;
    }
    if (available == 0) {
      return false;
    }
    available--;
    return true;
  }
}
