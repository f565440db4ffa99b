package io.github.iapverifier.internal.checks;

import static io.github.iapverifier.internal.checks.HeaderCheck.fail;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The validity window: {@code exp} in the future and {@code iat} (and {@code nbf}, when present) in
 * the past, each with the clock skew, and {@code exp - iat} at most the issuer's lifetime plus
 * twice the skew when the issuer has a fixed lifetime. Immutable and thread-safe; the clock is
 * injected.
 */
public final class TimeCheck {

  // Year 9999: beyond it a NumericDate is nonsense and its millisecond value could overflow.
  private static final long MAX_SECONDS = 253_402_300_799L;

  private final Clock clock;
  private final long skewMillis;
  private final @Nullable Duration lifetime;
  private final boolean iatRequired;
  private final String issuerName;

  /**
   * Creates the check of an issuer that always sets {@code iat} and has a fixed lifetime (IAP).
   *
   * @param clock the clock, not null
   * @param skew the tolerance each way, not negative
   * @param lifetime the issuer's token lifetime ({@code exp - iat})
   */
  public TimeCheck(Clock clock, Duration skew, Duration lifetime) {
    this(clock, skew, lifetime, true, "IAP");
  }

  /**
   * Creates the check.
   *
   * @param clock the clock, not null
   * @param skew the tolerance each way, not negative
   * @param lifetime the longest {@code exp - iat} the issuer uses, or null for no bound
   * @param iatRequired whether a missing {@code iat} is {@link Reason#MISSING_CLAIM}; when not, a
   *     missing {@code iat} reads as {@link Validity#NO_ISSUED_AT} and bounds nothing
   * @param issuerName who issues the tokens, for messages, for example {@code IAP}
   */
  public TimeCheck(
      Clock clock,
      Duration skew,
      @Nullable Duration lifetime,
      boolean iatRequired,
      String issuerName) {
    this.clock = clock;
    this.skewMillis = skew.toMillis();
    this.lifetime = lifetime;
    this.iatRequired = iatRequired;
    this.issuerName = issuerName;
  }

  /**
   * {@code iat} and {@code exp}, in epoch milliseconds.
   *
   * @param issuedAtMillis {@code iat}, or {@link #NO_ISSUED_AT} when the token has none
   * @param expiresAtMillis {@code exp}
   */
  public record Validity(long issuedAtMillis, long expiresAtMillis) {
    /** The {@code issuedAtMillis} of a token without {@code iat} (AWS ALB's). */
    public static final long NO_ISSUED_AT = Long.MIN_VALUE;
  }

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
    boolean hasIat = iatRequired || claims.get("iat") != null;
    long iat = hasIat ? seconds(claims, "iat") : 0;
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
    if (hasIat && iat * 1000 > now + skewMillis) {
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
    if (!hasIat) {
      return new Validity(Validity.NO_ISSUED_AT, exp * 1000);
    }
    if (exp <= iat) {
      throw fail(Reason.MALFORMED, "exp must be after iat");
    }
    if (lifetime != null && (exp - iat) * 1000 > lifetime.toMillis() + 2 * skewMillis) {
      throw fail(
          Reason.LIFETIME_TOO_LONG,
          "the assertion is valid for "
              + (exp - iat)
              + " s; "
              + issuerName
              + " issues them for at most "
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

  private long seconds(Map<String, Object> claims, String name) {
    Object value = claims.get(name);
    if (value == null) {
      throw fail(
          Reason.MISSING_CLAIM,
          "claim '" + name + "' is missing; " + issuerName + " always sets it");
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
