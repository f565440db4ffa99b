package io.github.iapverifier.internal.checks;

import static io.github.iapverifier.internal.Text.printable;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import java.util.Map;
import java.util.Set;

/**
 * The JOSE header rules (RFC 8725): the algorithm pinned by configuration, never taken from the
 * token; no parameter that would make the verifier fetch a key, trust an embedded one, or read the
 * payload differently; explicit typing when {@code typ} is present; a key id. Immutable and
 * thread-safe.
 *
 * @param algorithm the only accepted {@code alg}, for example {@code ES256}
 * @param issuerName who signs with it, for messages, for example {@code IAP}
 */
public record HeaderCheck(String algorithm, String issuerName) {

  private static final Set<String> FORBIDDEN =
      Set.of("crit", "jku", "jwk", "x5u", "x5c", "cty", "b64", "zip", "enc");

  /**
   * Checks a header and returns the key id it names.
   *
   * @param header the decoded JOSE header, not null
   * @return the {@code kid}, non-empty
   * @throws IapVerificationException {@link Reason#UNSUPPORTED_ALGORITHM} for another algorithm or
   *     a forbidden parameter, {@link Reason#MALFORMED} for a bad {@code typ} or {@code kid},
   *     {@link Reason#UNKNOWN_KEY} when no {@code kid} is named
   */
  public String keyId(Map<String, Object> header) {
    Object alg = header.get("alg");
    if (!algorithm.equals(alg)) {
      throw fail(
          Reason.UNSUPPORTED_ALGORITHM,
          "alg "
              + (alg instanceof String
                  ? "'" + printable((String) alg) + "'"
                  : "is missing or not a string")
              + " is not accepted; "
              + issuerName
              + " signs with "
              + algorithm
              + " only");
    }
    for (String name : header.keySet()) {
      if (FORBIDDEN.contains(name)) {
        throw fail(
            Reason.UNSUPPORTED_ALGORITHM,
            "header parameter '" + name + "' is not accepted in " + issuerName + " assertions");
      }
    }
    Object typ = header.get("typ");
    if (typ != null && !(typ instanceof String && "JWT".equalsIgnoreCase((String) typ))) {
      throw fail(Reason.MALFORMED, "typ must be 'JWT' when present");
    }
    Object kid = header.get("kid");
    if (kid == null) {
      throw fail(Reason.UNKNOWN_KEY, "the assertion names no key (kid is missing)");
    }
    if (!(kid instanceof String) || ((String) kid).isEmpty()) {
      throw fail(Reason.MALFORMED, "kid must be a non-empty string");
    }
    return (String) kid;
  }

  static IapVerificationException fail(Reason reason, String message) {
    return new IapVerificationException(reason, message);
  }
}
