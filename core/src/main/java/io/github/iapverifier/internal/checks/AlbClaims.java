package io.github.iapverifier.internal.checks;

import static io.github.iapverifier.internal.checks.HeaderCheck.fail;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapProxy;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.checks.TimeCheck.Validity;
import java.util.List;
import java.util.Map;

/**
 * The claims of an AWS ALB assertion: the payload is the identity provider's userinfo ({@code sub},
 * {@code email}, often {@code username} and {@code email_verified}), the signer and expiry come
 * from the header. Stateless.
 */
public final class AlbClaims {

  private AlbClaims() {}

  /**
   * Reads and type-checks the identity claims, before the signature check.
   *
   * @param header the checked header
   * @param payload the payload
   * @param validity the checked times of the header; no {@code iat}, ALB sets none
   * @return the claims; their audience is the signer ARN, their issue time unknown
   * @throws IapVerificationException {@link Reason#MISSING_CLAIM} without {@code sub} or {@code
   *     email}, {@link Reason#MALFORMED} for claims of the wrong type
   */
  public static ProxyClaims read(
      Map<String, Object> header, Map<String, Object> payload, Validity validity) {
    String subject = required(payload, "sub", "");
    String email = required(payload, "email", " (request the email scope)");
    Object verified = payload.get("email_verified");
    // IdPs send a boolean; Cognito's userinfo sends the string "true" or "false".
    if (verified != null
        && !(verified instanceof Boolean)
        && !"true".equals(verified)
        && !"false".equals(verified)) {
      throw fail(Reason.MALFORMED, "claim 'email_verified' must be true or false");
    }
    return new ProxyClaims(
        IapProxy.AWS_ALB,
        (String) header.get("signer"),
        validity,
        subject,
        email,
        List.of(),
        payload);
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

  private static String required(Map<String, Object> payload, String name, String advice) {
    String value = Claims.optional(payload, name);
    if (value == null || value.isEmpty()) {
      throw fail(
          Reason.MISSING_CLAIM,
          "claim '"
              + name
              + "' is missing; ALB passes the identity provider's userinfo, which must carry it"
              + advice);
    }
    return value;
  }
}
