package io.github.iapverifier.internal.verify;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapProxy;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.internal.checks.TimeCheck.Validity;
import io.github.iapverifier.internal.jws.CompactJws;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The rules of one proxy, as the parts the verify path applies in this order: shape ({@link
 * #split}), JOSE header (pinned algorithm, forbidden parameters, key id, and for AWS ALB the
 * signer), issuer, audience, times, claim types, then after the signature the identity and the
 * policy. Every part gets both the decoded header and the payload, because AWS ALB puts {@code
 * iss}, {@code exp} and its signer in the header. Each part throws {@link IapVerificationException}
 * with the reason of what it checks. Immutable and thread-safe when its parts are.
 *
 * @param proxy the proxy these rules are for
 * @param keyOwner who publishes the keys, for messages, for example {@code IAP}
 * @param algorithm the only JOSE {@code alg} accepted, and the only algorithm of usable keys
 * @param paddedSegments whether segments are padded base64url (AWS ALB) rather than unpadded
 * @param maxLength the longest assertion accepted, in characters
 * @param header checks the JOSE header and returns the {@code kid}
 * @param issuer checks {@code iss}
 * @param audience checks {@code aud} and returns the configured audience it names
 * @param times checks the validity window against the clock
 * @param claims reads and type-checks the claims an identity is built from, before the signature
 * @param identity builds the identity of verified claims
 * @param policy the policy on verified identities (403-class), or {@link #NO_POLICY}
 * @param longestValidity how long a verified assertion can stay valid at most (skew aside); bounds
 *     how long the verified-token cache keeps it
 * @param missingMessage what a missing assertion is told, naming the proxy's header
 * @param <C> the typed claims of this proxy
 */
public record ProxyRules<C>(
    IapProxy proxy,
    String keyOwner,
    String algorithm,
    boolean paddedSegments,
    int maxLength,
    HeaderRule header,
    ClaimCheck issuer,
    ClaimRule<String> audience,
    ClaimRule<Validity> times,
    ClaimsReader<C> claims,
    IdentityBuilder<C> identity,
    Policy policy,
    Duration longestValidity,
    String missingMessage) {

  /** Creates the rules, with the message for a missing assertion derived from the proxy. */
  public ProxyRules(
      IapProxy proxy,
      String keyOwner,
      String algorithm,
      boolean paddedSegments,
      int maxLength,
      HeaderRule header,
      ClaimCheck issuer,
      ClaimRule<String> audience,
      ClaimRule<Validity> times,
      ClaimsReader<C> claims,
      IdentityBuilder<C> identity,
      Policy policy,
      Duration longestValidity) {
    this(
        proxy,
        keyOwner,
        algorithm,
        paddedSegments,
        maxLength,
        header,
        issuer,
        audience,
        times,
        claims,
        identity,
        policy,
        longestValidity,
        "no "
            + keyOwner
            + " assertion: the request carries no "
            + proxy.header()
            + " header; requests must reach the app through "
            + keyOwner);
  }

  /** The policy of proxies that have none. */
  public static final Policy NO_POLICY = identity -> {};

  /** Checks the JOSE header. */
  @FunctionalInterface
  public interface HeaderRule {
    /**
     * Checks a header and returns the key id it names.
     *
     * @param header the decoded JOSE header, not null
     * @return the {@code kid}, non-empty
     */
    String keyId(Map<String, Object> header);
  }

  /**
   * Checks one claim (or a few that belong together), wherever the proxy puts it.
   *
   * @param <T> what the check finds
   */
  @FunctionalInterface
  public interface ClaimRule<T> {
    /**
     * Applies the check.
     *
     * @param header the decoded JOSE header
     * @param payload the decoded payload
     * @return what the check found
     */
    T check(Map<String, Object> header, Map<String, Object> payload);
  }

  /** Checks one claim, wherever the proxy puts it. */
  @FunctionalInterface
  public interface ClaimCheck {
    /**
     * Applies the check.
     *
     * @param header the decoded JOSE header
     * @param payload the decoded payload
     */
    void check(Map<String, Object> header, Map<String, Object> payload);
  }

  /**
   * Reads the typed claims after the issuer, audience and times passed.
   *
   * @param <C> the typed claims
   */
  @FunctionalInterface
  public interface ClaimsReader<C> {
    /**
     * Reads the claims.
     *
     * @param header the decoded JOSE header
     * @param payload the decoded payload
     * @param audience the configured audience the token named
     * @param validity the checked times
     * @return the typed claims
     */
    C read(
        Map<String, Object> header,
        Map<String, Object> payload,
        String audience,
        Validity validity);
  }

  /**
   * Builds the identity of claims whose signature verified.
   *
   * @param <C> the typed claims
   */
  @FunctionalInterface
  public interface IdentityBuilder<C> {
    /**
     * Builds the identity.
     *
     * @param claims the typed claims
     * @return the identity
     */
    IapIdentity of(C claims);
  }

  /** The policy on verified identities; throws {@code POLICY_DENIED}. */
  @FunctionalInterface
  public interface Policy {
    /**
     * Applies the policy.
     *
     * @param identity a verified identity
     */
    void check(IapIdentity identity);
  }

  /**
   * Checks the shape of an assertion in this proxy's encoding.
   *
   * @param assertion the header value, may be null
   * @return its segments, not yet decoded
   */
  public CompactJws split(@Nullable String assertion) {
    return CompactJws.split(assertion, maxLength, missingMessage, paddedSegments);
  }
}
