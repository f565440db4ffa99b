package io.github.iapverifier.internal.checks;

import static io.github.iapverifier.internal.checks.HeaderCheck.fail;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapIdentity.Source;
import io.github.iapverifier.IapProxy;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.checks.TimeCheck.Validity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The claims of an AWS ALB assertion, typed before the signature check: the payload is the identity
 * provider's userinfo ({@code sub}, {@code email}, often {@code username} and {@code
 * email_verified}), the signer and expiry come from the header. Immutable.
 *
 * @param signer the load balancer ARN that signed, one of the configured
 * @param validity the header's {@code exp}; no {@code iat}, ALB sets none
 * @param subject {@code sub}, non-empty
 * @param email {@code email}, non-empty
 * @param all the payload, as parsed
 */
public record AlbClaims(
    String signer, Validity validity, String subject, String email, Map<String, Object> all) {

  /**
   * Reads and type-checks the identity claims.
   *
   * @param header the checked header
   * @param payload the payload
   * @param validity the checked times of the header
   * @return the typed claims
   * @throws IapVerificationException {@link Reason#MISSING_CLAIM} without {@code sub} or {@code
   *     email}, {@link Reason#MALFORMED} for claims of the wrong type
   */
  public static AlbClaims read(
      Map<String, Object> header, Map<String, Object> payload, Validity validity) {
    String subject = required(payload, "sub");
    String email = required(payload, "email");
    Object verified = payload.get("email_verified");
    // IdPs send a boolean; Cognito's userinfo sends the string "true" or "false".
    if (verified != null
        && !(verified instanceof Boolean)
        && !"true".equals(verified)
        && !"false".equals(verified)) {
      throw fail(Reason.MALFORMED, "claim 'email_verified' must be true or false");
    }
    return new AlbClaims((String) header.get("signer"), validity, subject, email, payload);
  }

  /**
   * Builds the identity of claims whose signature verified. ALB tokens have no {@code iat}: {@link
   * IapIdentity#issuedAt()} is {@link Instant#EPOCH}, a value no real token has, rather than an
   * invented time.
   *
   * @return the identity; its audience is the signer ARN
   */
  public IapIdentity identity() {
    return new IapIdentity(
        email,
        subject,
        Optional.empty(),
        List.of(),
        Instant.EPOCH,
        Instant.ofEpochMilli(validity.expiresAtMillis()),
        signer,
        Source.OTHER,
        Optional.empty(),
        all,
        IapProxy.AWS_ALB,
        List.of());
  }

  /**
   * The policy every ALB verifier applies after the signature: an address the identity provider
   * says it has not verified ({@code email_verified} false, or "false") is refused, because it
   * would become the principal name (a user pool that lets users set their own address would
   * otherwise let anyone claim any address).
   *
   * @param identity a verified ALB identity
   * @throws IapVerificationException {@link Reason#POLICY_DENIED} for an unverified address
   */
  public static void requireVerifiedEmail(IapIdentity identity) {
    Object verified = identity.claims().get("email_verified");
    if (Boolean.FALSE.equals(verified) || "false".equals(verified)) {
      throw fail(
          Reason.POLICY_DENIED,
          "the identity provider has not verified the email address (email_verified is false);"
              + " it would become the principal name, so the assertion is refused");
    }
  }

  private static String required(Map<String, Object> payload, String name) {
    Object value = payload.get(name);
    if (value != null && !(value instanceof String)) {
      throw fail(Reason.MALFORMED, "claim '" + name + "' must be a string");
    }
    if (value == null || ((String) value).isEmpty()) {
      throw fail(
          Reason.MISSING_CLAIM,
          "claim '"
              + name
              + "' is missing; ALB passes the identity provider's userinfo, which must carry it"
              + (name.equals("email") ? " (request the email scope)" : ""));
    }
    return (String) value;
  }
}
