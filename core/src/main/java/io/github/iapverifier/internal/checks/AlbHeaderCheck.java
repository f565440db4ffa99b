package io.github.iapverifier.internal.checks;

import static io.github.iapverifier.internal.Text.printable;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The JOSE header of an AWS ALB assertion, where ALB puts what other proxies put in the payload:
 * the pinned algorithm and key id ({@link HeaderCheck}), then {@code signer} (the ARN of the load
 * balancer) among the configured ones and {@code client} (the OIDC client id) among the configured
 * ones when any are; separately, {@code iss} among the configured issuers when any are. AWS
 * requires the signer check: any load balancer in the region signs with the same published keys.
 * Immutable and thread-safe.
 *
 * @param signers the accepted load balancer ARNs, not empty
 * @param clients the accepted client ids; empty accepts any
 * @param issuers the accepted issuers; empty accepts any
 */
public record AlbHeaderCheck(Set<String> signers, Set<String> clients, Set<String> issuers) {

  private static final HeaderCheck BASE = new HeaderCheck("ES256", "AWS ALB");

  /**
   * Checks the header, signer first among ALB's own fields, and returns the key id.
   *
   * @param header the decoded JOSE header, not null
   * @return the {@code kid}
   * @throws IapVerificationException as {@link HeaderCheck#keyId}, and {@link Reason#WRONG_SIGNER}
   *     for a signer or client not configured, {@link Reason#MALFORMED} when one is not a string
   */
  public String keyId(Map<String, Object> header) {
    String kid = BASE.keyId(header);
    String signer = string(header, "signer");
    if (signer == null || !signers.contains(signer)) {
      throw new IapVerificationException(
          Reason.WRONG_SIGNER,
          (signer == null
                  ? "the assertion names no signer"
                  : "signer '" + printable(signer, 200) + "' is not one of " + signers)
              + "; only assertions of the configured load balancers are accepted (any load"
              + " balancer in the region signs with the same keys): set the signers to this"
              + " app's ALB ARN");
    }
    if (!clients.isEmpty()) {
      String client = string(header, "client");
      if (client == null || !clients.contains(client)) {
        throw new IapVerificationException(
            Reason.WRONG_SIGNER,
            (client == null
                    ? "the assertion names no client"
                    : "client '" + printable(client) + "' is not one of " + clients)
                + "; the load balancer authenticated the user for another OIDC client");
      }
    }
    return kid;
  }

  /**
   * Checks {@code iss}, which ALB puts in the header, when issuers are configured.
   *
   * @param header the decoded JOSE header, not null
   * @throws IapVerificationException {@link Reason#WRONG_ISSUER} for an issuer not configured,
   *     {@link Reason#MALFORMED} when it is not a string
   */
  public void issuer(Map<String, Object> header) {
    if (issuers.isEmpty()) {
      return;
    }
    String iss = string(header, "iss");
    if (iss == null || !issuers.contains(iss)) {
      throw new IapVerificationException(
          Reason.WRONG_ISSUER,
          (iss == null ? "the assertion names no issuer" : "issuer '" + printable(iss) + "'")
              + " is not one of "
              + issuers
              + "; the user was authenticated by another identity provider");
    }
  }

  private static @Nullable String string(Map<String, Object> header, String name) {
    Object value = header.get(name);
    if (value != null && !(value instanceof String)) {
      throw new IapVerificationException(
          Reason.MALFORMED, "header parameter '" + name + "' must be a string");
    }
    return (String) value;
  }
}
