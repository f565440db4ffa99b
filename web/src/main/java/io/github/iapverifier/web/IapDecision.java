package io.github.iapverifier.web;

import io.github.iapverifier.IapIdentity;
import java.util.Objects;

/**
 * What {@link IapRequestPipeline#decide} made of a request. The adapter acts on the {@link
 * #outcome()}:
 *
 * <ul>
 *   <li>{@link Outcome#VERIFIED}: pass the request on with {@link #identity()}, the identity
 *       headers set from it ({@link IapIdentityHeaders});
 *   <li>{@link Outcome#EXEMPT}: pass it on with no identity and the identity headers removed;
 *   <li>{@link Outcome#NO_ASSERTION}: reject it with {@link IapRequestPipeline#rejectMissing} (a
 *       plain filter) or pass it on anonymous, identity headers removed, to an authorization layer
 *       that rejects it the same way where authentication is required (Spring Security);
 *   <li>{@link Outcome#REJECTED}: answer {@link #problem()} and stop; it is logged already.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class IapDecision {

  /** The four things that can happen to a request. */
  public enum Outcome {
    /** An excluded path or an allowed CORS preflight: no assertion needed, none checked. */
    EXEMPT,
    /** No assertion header (or a blank one): the request did not come through IAP. */
    NO_ASSERTION,
    /** One valid assertion. */
    VERIFIED,
    /** An invalid assertion, two of them, a policy denial, or no keys to check it with. */
    REJECTED
  }

  static final IapDecision EXEMPT = new IapDecision(Outcome.EXEMPT, null, null);
  static final IapDecision NO_ASSERTION = new IapDecision(Outcome.NO_ASSERTION, null, null);

  private final Outcome outcome;
  private final IapIdentity identity;
  private final IapProblem problem;

  private IapDecision(Outcome outcome, IapIdentity identity, IapProblem problem) {
    this.outcome = outcome;
    this.identity = identity;
    this.problem = problem;
  }

  static IapDecision verified(IapIdentity identity) {
    return new IapDecision(Outcome.VERIFIED, Objects.requireNonNull(identity, "identity"), null);
  }

  static IapDecision rejected(IapProblem problem) {
    return new IapDecision(Outcome.REJECTED, null, Objects.requireNonNull(problem, "problem"));
  }

  /**
   * Returns what happened.
   *
   * @return the outcome, never null
   */
  public Outcome outcome() {
    return outcome;
  }

  /**
   * Returns the verified identity.
   *
   * @return the identity for {@link Outcome#VERIFIED}, else null
   */
  public IapIdentity identity() {
    return identity;
  }

  /**
   * Returns the response to send.
   *
   * @return the problem for {@link Outcome#REJECTED}, else null
   */
  public IapProblem problem() {
    return problem;
  }

  @Override
  public String toString() {
    return "IapDecision["
        + outcome
        + (identity != null ? " " + identity.email() : "")
        + (problem != null ? " " + problem.status() + " " + problem.reason() : "")
        + "]";
  }
}
