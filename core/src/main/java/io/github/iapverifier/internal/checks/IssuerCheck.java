package io.github.iapverifier.internal.checks;

import static io.github.iapverifier.internal.Text.printable;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import java.util.Map;

/**
 * {@code iss} must be exactly the one issuer configured. Immutable and thread-safe.
 *
 * @param issuer the exact {@code iss} value
 * @param issuerName who that is, for messages, for example {@code IAP}
 */
public record IssuerCheck(String issuer, String issuerName) {

  /**
   * Checks the issuer.
   *
   * @param claims the payload, not null
   * @throws IapVerificationException {@link Reason#WRONG_ISSUER} unless {@code iss} is the issuer
   */
  public void check(Map<String, Object> claims) {
    Object iss = claims.get("iss");
    if (!issuer.equals(iss)) {
      throw new IapVerificationException(
          Reason.WRONG_ISSUER,
          (iss instanceof String ? "issuer '" + printable((String) iss) + "'" : "the issuer (iss)")
              + " is not "
              + issuer
              + "; only "
              + issuerName
              + "'s assertions are accepted");
    }
  }
}
