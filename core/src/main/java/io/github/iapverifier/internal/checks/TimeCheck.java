package io.github.iapverifier.internal.checks;

import static io.github.iapverifier.internal.checks.HeaderCheck.fail;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The validity window: {@code exp} in the future and {@code iat} (and {@code nbf}, when present) in
 * the past, each with the clock skew, and {@code exp - iat} at most the issuer's lifetime plus
 * twice the skew. Immutable and thread-safe; the clock is injected.
 */
public final class TimeCheck {

  // Year 9999: beyond it a NumericDate is nonsense and its millisecond value could overflow.
  private static final long MAX_SECONDS = 253_402_300_799L;

  private final Clock clock;
  private final long skewMillis;
  private final Duration lifetime;

  /**
   * Creates the check.
   *
   * @param clock the clock, not null
   * @param skew the tolerance each way, not negative
   * @param lifetime the issuer's token lifetime ({@code exp - iat})
   */
  public TimeCheck(Clock clock, Duration skew, Duration lifetime) {
    this.clock = clock;
    this.skewMillis = skew.toMillis();
    this.lifetime = lifetime;
  }

  /** {@code iat} and {@code exp}, in epoch milliseconds. */
  public record Validity(long issuedAtMillis, long expiresAtMillis) {}

  /**
   * Checks the times against the clock now.
   *
   * @param claims the payload, not null
   * @return the validity read
   * @throws IapVerificationException {@link Reason#EXPIRED}, {@link Reason#ISSUED_IN_FUTURE},
   *     {@link Reason#LIFETIME_TOO_LONG}, {@link Reason#MISSING_CLAIM} or {@link Reason#MALFORMED}
   */
  public Validity check(Map<String, Object> claims) {
    long now = clock.millis();
    long exp = seconds(claims, "exp");
    long iat = seconds(claims, "iat");
    if (exp * 1000 <= now - skewMillis) {
      throw fail(
          Reason.EXPIRED,
          "the assertion expired at "
              + Instant.ofEpochSecond(exp)
              + ", "
              + Duration.ofMillis(now - exp * 1000).toSeconds()
              + " s ago"
              + skewAdvice());
    }
    if (iat * 1000 > now + skewMillis) {
      throw fail(
          Reason.ISSUED_IN_FUTURE,
          "the assertion is issued at "
              + Instant.ofEpochSecond(iat)
              + ", "
              + Duration.ofMillis(iat * 1000 - now).toSeconds()
              + " s in the future"
              + skewAdvice());
    }
    if (claims.get("nbf") != null) {
      long nbf = seconds(claims, "nbf");
      if (nbf * 1000 > now + skewMillis) {
        throw fail(
            Reason.ISSUED_IN_FUTURE,
            "the assertion is not valid before " + Instant.ofEpochSecond(nbf));
      }
    }
    if (exp <= iat) {
      throw fail(Reason.MALFORMED, "exp must be after iat");
    }
    if ((exp - iat) * 1000 > lifetime.toMillis() + 2 * skewMillis) {
      throw fail(
          Reason.LIFETIME_TOO_LONG,
          "the assertion is valid for "
              + (exp - iat)
              + " s; IAP issues them for "
              + lifetime.toSeconds()
              + " s");
    }
    return new Validity(iat * 1000, exp * 1000);
  }

  private String skewAdvice() {
    return " (clock skew allowed: "
        + skewMillis / 1000
        + " s); if this server's clock is wrong, fix its time synchronisation";
  }

  private static long seconds(Map<String, Object> claims, String name) {
    Object value = claims.get(name);
    if (value == null) {
      throw fail(Reason.MISSING_CLAIM, "claim '" + name + "' is missing; IAP always sets it");
    }
    if (!(value instanceof Number)) {
      throw fail(Reason.MALFORMED, "claim '" + name + "' must be a number of seconds");
    }
    double seconds = ((Number) value).doubleValue();
    if (!(seconds >= 0 && seconds <= MAX_SECONDS)) {
      throw fail(Reason.MALFORMED, "claim '" + name + "' is out of range");
    }
    return ((Number) value).longValue();
  }
}
