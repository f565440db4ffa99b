package io.github.iapverifier.internal;

/**
 * Verifies JOSE signatures of one algorithm with one public key, converted once when the key is
 * loaded. Implementations are immutable and thread-safe.
 */
public interface SignatureCheck {

  /**
   * Returns the JOSE algorithm this key verifies, and the only one.
   *
   * @return for example {@code ES256}
   */
  String algorithm();

  /**
   * Returns the length every signature of this key has, in bytes.
   *
   * @return 64 for ES256, the modulus length for RS256
   */
  int signatureLength();

  /**
   * Verifies a signature over the ASCII bytes {@code input[0, length)}.
   *
   * @param input the signing input (header and payload segments with the dot), not null
   * @param length how many bytes of {@code input} are signed
   * @param signature the JOSE-form signature, not null
   * @return true only for a valid signature
   */
  boolean verify(byte[] input, int length, byte[] signature);
}
