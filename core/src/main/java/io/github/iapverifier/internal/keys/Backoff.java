package io.github.iapverifier.internal.keys;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.Text;
import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The failure state of a key source: when the next fetch may start (1 s after the first failure,
 * doubling to 5 min), the last error since the last success, and what a lookup that could not be
 * answered tells (always {@link Reason#KEYS_UNAVAILABLE}: the server's fault, never the token's).
 * Written under the source's lock, read without it.
 */
final class Backoff {

  private static final long FIRST = 1000;
  private static final long MAX = Duration.ofMinutes(5).toMillis();

  private long delay; // guarded by the source's lock
  private volatile long nextAttemptAt; // epoch millis before which no fetch starts
  private volatile @Nullable Throwable lastError;

  /** A fetch succeeded: no waiting, no error. */
  void succeeded() {
    delay = 0;
    nextAttemptAt = 0;
    lastError = null;
  }

  /** A fetch failed at {@code now}; returns how long until the next may start, in millis. */
  long failed(Throwable error, long now) {
    delay = delay == 0 ? FIRST : Math.min(delay * 2, MAX);
    nextAttemptAt = now + delay;
    lastError = error;
    return delay;
  }

  /** True while backing off: no fetch may start before the delay has passed. */
  boolean holds(long now) {
    return now < nextAttemptAt;
  }

  /** The last failure since the last success, or null. */
  @Nullable Throwable lastError() {
    return lastError;
  }

  /** No usable keys: why, with the last fetch error when there is one. */
  IapVerificationException unavailable(URI uri, @Nullable String why) {
    Throwable e = lastError;
    String detail = e != null ? describe(e) : why;
    return new IapVerificationException(
        Reason.KEYS_UNAVAILABLE,
        "IAP's signing keys are unavailable from "
            + uri
            + (detail == null ? "" : " (" + detail + ")")
            + "; check outbound HTTPS access to that host, or configure a static key source",
        null);
  }

  /** A kid not in the keys held, and no successful fetch to tell whether it is published. */
  IapVerificationException unknownKid(URI uri, String keyId, Duration requestTimeout) {
    Throwable e = lastError;
    return new IapVerificationException(
        Reason.KEYS_UNAVAILABLE,
        "kid '"
            + Text.printable(keyId)
            + "' is not among the keys held and the current set could not be fetched from "
            + uri
            + " ("
            + (e != null ? describe(e) : "no answer within " + requestTimeout.toMillis() + " ms")
            + "); check outbound HTTPS access to that host",
        null);
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
