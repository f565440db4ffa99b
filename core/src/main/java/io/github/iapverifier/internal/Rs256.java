package io.github.iapverifier.internal;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;

/**
 * An RS256 (RSASSA-PKCS1-v1_5 with SHA-256) verifying key, checked with the JDK's own {@code
 * SHA256withRSA}. Only keys of at least 2048 bits are accepted (RFC 7518 section 3.3). Immutable
 * and thread-safe: a {@link Signature} is created per call.
 */
public final class Rs256 implements SignatureCheck {

  /** The shortest modulus accepted, in bits. */
  public static final int MIN_BITS = 2048;

  private final RSAPublicKey key;
  private final int signatureLength;

  private Rs256(RSAPublicKey key) {
    this.key = key;
    this.signatureLength = (key.getModulus().bitLength() + 7) / 8;
  }

  /**
   * Wraps a JDK RSA public key.
   *
   * @param publicKey the key, not null
   * @return the verifying key
   * @throws IllegalArgumentException if the modulus is shorter than {@value #MIN_BITS} bits
   */
  public static Rs256 of(RSAPublicKey publicKey) {
    int bits = publicKey.getModulus().bitLength();
    if (bits < MIN_BITS) {
      throw new IllegalArgumentException(
          "RSA key of " + bits + " bits; RS256 requires at least " + MIN_BITS);
    }
    return new Rs256(publicKey);
  }

  @Override
  public String algorithm() {
    return "RS256";
  }

  @Override
  public int signatureLength() {
    return signatureLength;
  }

  @Override
  public boolean verify(byte[] input, int length, byte[] signature) {
    if (signature.length != signatureLength) {
      return false;
    }
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initVerify(key);
      rsa.update(input, 0, length);
      return rsa.verify(signature);
    } catch (GeneralSecurityException e) {
      // A malformed signature (SignatureException) is a failed verification, never an error.
      return false;
    }
  }
}
