package io.github.iapverifier.internal.verify;

import static io.github.iapverifier.internal.Text.printable;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;

/** The failures of the key and signature steps, built only on the failure path. Stateless. */
public final class Failures {

  private Failures() {}

  /**
   * The key source has no key with this id.
   *
   * @param rules the proxy's rules
   * @param keyId the token's {@code kid}
   * @return the failure
   */
  public static IapVerificationException unknownKey(ProxyRules<?> rules, String keyId) {
    return new IapVerificationException(
        Reason.UNKNOWN_KEY,
        "kid '" + printable(keyId) + "' is not among " + rules.keyOwner() + "'s published keys");
  }

  /**
   * The key source returned a key of another algorithm than the configured one.
   *
   * @param rules the proxy's rules
   * @param keyId the token's {@code kid}
   * @param keyAlgorithm the key's algorithm
   * @return the failure
   */
  public static IapVerificationException wrongKeyAlgorithm(
      ProxyRules<?> rules, String keyId, String keyAlgorithm) {
    return new IapVerificationException(
        Reason.UNSUPPORTED_ALGORITHM,
        "key '"
            + printable(keyId)
            + "' is an "
            + keyAlgorithm
            + " key; this verifier accepts "
            + rules.algorithm()
            + " only (check the key source's algorithm)");
  }

  /**
   * The signature has not the length the key's algorithm gives every signature.
   *
   * @param algorithm the key's algorithm
   * @param length the expected length in bytes
   * @return the failure
   */
  public static IapVerificationException badSignatureLength(String algorithm, int length) {
    return new IapVerificationException(
        Reason.BAD_SIGNATURE,
        "ES256".equals(algorithm)
            ? "the signature is not 64 bytes (raw r||s, as ES256 requires)"
            : "the signature is not "
                + length
                + " bytes (the key's modulus length, as RS256"
                + " requires)");
  }

  /**
   * The signature does not verify.
   *
   * @param rules the proxy's rules
   * @param keyId the token's {@code kid}
   * @return the failure
   */
  public static IapVerificationException badSignature(ProxyRules<?> rules, String keyId) {
    return new IapVerificationException(
        Reason.BAD_SIGNATURE,
        "the signature does not verify with "
            + rules.keyOwner()
            + " key '"
            + printable(keyId)
            + "'");
  }

  /**
   * Fails closed on anything unforeseen, without echoing input-derived text.
   *
   * @param e what was thrown
   * @return {@code e} itself when it is a verification failure, else a {@code MALFORMED} one
   */
  public static IapVerificationException unforeseen(RuntimeException e) {
    if (e instanceof IapVerificationException known) {
      return known;
    }
    return new IapVerificationException(
        Reason.MALFORMED,
        "the assertion could not be processed (" + e.getClass().getName() + ")",
        e);
  }
}
