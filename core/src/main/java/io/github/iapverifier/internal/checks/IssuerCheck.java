package io.github.iapverifier.internal.checks;

import static io.github.iapverifier.internal.Text.printable;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import java.util.Map;
import java.util.Set;

/**
 * {@code iss} must be exactly one of the issuers configured. Immutable and thread-safe.
 *
 * @param issuers the exact {@code iss} values accepted, not empty; one for most proxies
 * @param issuerName who that is, for messages, for example {@code IAP}
 */
public record IssuerCheck(Set<String> issuers, String issuerName) {

  /**
   * The check of an issuer with one spelling.
   *
   * @param issuer the exact {@code iss} value
   * @param issuerName who that is, for messages
   */
  public IssuerCheck(String issuer, String issuerName) {
    this(Set.of(issuer), issuerName);
  }

  /**
   * Checks the issuer.
   *
   * @param claims the claims that hold {@code iss} (the payload, or AWS ALB's header), not null
   * @throws IapVerificationException {@link Reason#WRONG_ISSUER} unless {@code iss} is an issuer
   */
  public void check(Map<String, Object> claims) {
    Object iss = claims.get("iss");
    if (!(iss instanceof String) || !issuers.contains(iss)) {
      throw new IapVerificationException(
          Reason.WRONG_ISSUER,
          (iss instanceof String ? "issuer '" + printable((String) iss) + "'" : "the issuer (iss)")
              + " is not "
              + (issuers.size() == 1 ? issuers.iterator().next() : "one of " + issuers)
              + "; only "
              + issuerName
              + "'s assertions are accepted");
    }
  }
}
