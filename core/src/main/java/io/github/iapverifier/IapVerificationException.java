package io.github.iapverifier;

import java.util.Objects;

/**
 * Thrown by {@link IapVerifier#verify(String)} when an assertion must not be trusted.
 *
 * <p>The {@linkplain #getMessage() message} says what was wrong and what to change, and never
 * contains the assertion, its signature or any other secret, so it is safe to log and to return
 * to the caller. {@link #reason()} is the stable, machine-readable classification that adapters
 * map to HTTP statuses ({@link Reason#POLICY_DENIED} to 403, {@link Reason#KEYS_UNAVAILABLE} to
 * 503, every other reason to 401).
 *
 * <p>Instances carry no stack trace: rejections are expected outcomes, not programming errors, and
 * filling the trace would make garbage input expensive. A {@linkplain #getCause() cause}, when
 * there is one, keeps its own.
 */
public final class IapVerificationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why an assertion was rejected. Names are stable and part of the public contract. */
  public enum Reason {
    /** No assertion: the header is absent or blank. Usually the request did not pass through IAP. */
    MISSING,
    /** Not a well-formed compact JWS with JSON header and claims of the expected types. */
    MALFORMED,
    /** The JOSE header asks for anything but ES256, or carries {@code crit}, {@code jku}, ... */
    UNSUPPORTED_ALGORITHM,
    /** The {@code kid} is absent or names no key published by IAP. */
    UNKNOWN_KEY,
    /** The signature is not a valid ES256 signature of this header and payload by the named key. */
    BAD_SIGNATURE,
    /** {@code exp} has passed, beyond the allowed clock skew. */
    EXPIRED,
    /** {@code iat} (or {@code nbf}) lies in the future, beyond the allowed clock skew. */
    ISSUED_IN_FUTURE,
    /** {@code exp - iat} exceeds IAP's 10-minute lifetime plus twice the clock skew. */
    LIFETIME_TOO_LONG,
    /** {@code iss} is not {@code https://cloud.google.com/iap}. */
    WRONG_ISSUER,
    /** {@code aud} is not one of the configured audiences. */
    WRONG_AUDIENCE,
    /** A claim IAP always sets ({@code exp}, {@code iat}, {@code sub}, {@code email}) is absent. */
    MISSING_CLAIM,
    /** The assertion is valid but the identity fails the configured domain or access-level policy. */
    POLICY_DENIED,
    /** No usable signing keys could be obtained; the fault is on the server side, not the token. */
    KEYS_UNAVAILABLE,
    /**
     * The assertion names a signer the app does not trust: for AWS ALB, a {@code signer} (load
     * balancer ARN) or {@code client} not among the configured ones.
     */
    WRONG_SIGNER
  }

  private final Reason reason;

  /**
   * Creates an exception.
   *
   * @param reason the classification, not null
   * @param message what was wrong and what to change; must not contain the assertion, not null
   */
  public IapVerificationException(Reason reason, String message) {
    this(reason, message, null);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param reason the classification, not null
   * @param message what was wrong and what to change; must not contain the assertion, not null
   * @param cause the underlying failure, may be null
   */
  public IapVerificationException(Reason reason, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Returns why the assertion was rejected.
   *
   * @return the reason, never null
   */
  public Reason reason() {
    return reason;
  }

  @Override
  public String toString() {
    return "IapVerificationException[" + reason + "]: " + getMessage();
  }
}
