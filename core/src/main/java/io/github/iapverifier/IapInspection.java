package io.github.iapverifier;

import io.github.iapverifier.IapVerificationException.Reason;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link IapVerifier#inspect(String)} found: the decoded header and claims, the outcome of
 * each of the verifier's checks in the order {@link IapVerifier#verify(String)} runs them, and the
 * verdict {@code verify} would give. For diagnostics ("why is this assertion rejected?"), not for
 * deciding requests: use {@code verify} for that.
 *
 * <p>Unlike {@code verify}, which stops at the first failure, every check that can run does, so all
 * problems show at once; the {@linkplain #failure() verdict} is still the first failure, the one
 * {@code verify} throws. Nothing here holds the signature or the whole assertion.
 *
 * <p>Immutable and thread-safe; the maps (top level) and lists are unmodifiable.
 */
public final class IapInspection {

  /** The verifier's checks, in the order it runs them. */
  public enum Check {
    /** Present, at most {@link IapVerifier#MAX_LENGTH} characters, a compact JWS. */
    SHAPE,
    /**
     * JOSE header: {@code alg} the proxy's pinned algorithm (ES256 for IAP), a {@code kid}, {@code
     * typ} if present, no key URLs.
     */
    HEADER,
    /** The payload decodes to one JSON object. */
    PAYLOAD,
    /** {@code iss} is {@link IapVerifier#ISSUER}. */
    ISSUER,
    /** {@code aud} is one of the verifier's audiences. */
    AUDIENCE,
    /** {@code exp}, {@code iat}, {@code nbf} against the clock, and the lifetime. */
    TIMES,
    /** The claims an identity needs ({@code sub}, {@code email}, ...). */
    CLAIMS,
    /** The {@code kid} names a key the key source has. */
    KEY,
    /** The signature verifies with that key, of the pinned algorithm. */
    SIGNATURE,
    /** Allowed hosted domains and required access levels. */
    POLICY
  }

  /** How a check ended. */
  public enum Outcome {
    /** The check passed. */
    PASSED,
    /** The check failed; {@link Step#failure()} says why. */
    FAILED,
    /** The check could not run because a check it needs failed. */
    NOT_RUN
  }

  /**
   * One check and its outcome.
   *
   * @param check the check, not null
   * @param outcome its outcome, not null
   * @param failure why it failed, non-null exactly when {@code outcome} is {@link Outcome#FAILED};
   *     its message is actionable and never contains the assertion
   */
  public record Step(Check check, Outcome outcome, @Nullable IapVerificationException failure) {

    /** Checks that {@code failure} is set exactly for a failed step. */
    public Step {
      Objects.requireNonNull(check, "check");
      Objects.requireNonNull(outcome, "outcome");
      if ((failure != null) != (outcome == Outcome.FAILED)) {
        throw new IllegalArgumentException("failure must be set exactly when the step failed");
      }
    }
  }

  private final Map<String, Object> header;
  private final Map<String, Object> claims;
  private final List<Step> steps;
  private final @Nullable IapIdentity identity;
  private final @Nullable IapVerificationException failure;

  IapInspection(
      Map<String, Object> header,
      Map<String, Object> claims,
      List<Step> steps,
      @Nullable IapIdentity identity) {
    this.header = header;
    this.claims = claims;
    this.steps = List.copyOf(steps);
    this.failure =
        this.steps.stream().map(Step::failure).filter(Objects::nonNull).findFirst().orElse(null);
    this.identity = failure == null ? identity : null;
  }

  /**
   * Returns the decoded JOSE header.
   *
   * @return its members, unmodifiable; empty if it could not be decoded
   */
  public Map<String, Object> header() {
    return header;
  }

  /**
   * Returns the decoded claims (payload), as the assertion states them, verified or not.
   *
   * @return the claims, unmodifiable; empty if they could not be decoded
   */
  public Map<String, Object> claims() {
    return claims;
  }

  /**
   * Returns every check, in the verifier's order.
   *
   * @return the steps, unmodifiable, one per {@link Check}
   */
  public List<Step> steps() {
    return steps;
  }

  /**
   * Returns the identity {@code verify} would return.
   *
   * @return the identity, or empty if the assertion would be rejected
   */
  public Optional<IapIdentity> identity() {
    return Optional.ofNullable(identity);
  }

  /**
   * Returns the rejection {@code verify} would throw: the first failed step's.
   *
   * @return the failure, or empty if the assertion would be accepted
   */
  public Optional<IapVerificationException> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * Returns the reason of {@link #failure()}.
   *
   * @return the reason, or empty if the assertion would be accepted
   */
  public Optional<Reason> reason() {
    return failure().map(IapVerificationException::reason);
  }
}
