package io.github.iapverifier;

import io.github.iapverifier.internal.Es256;
import java.security.interfaces.ECPublicKey;
import java.util.Objects;

/**
 * One of IAP's public signing keys: a P-256 key and its key id ({@code kid}).
 *
 * <p>Converting the key for fast verification is done once, when the instance is created, so key
 * sources create instances when they load a key set, not per lookup. The same instance must be
 * returned for as long as the key is published: the verified-token cache trusts a cached result
 * only while {@link IapKeySource#key(String)} still returns the very instance that verified it.
 *
 * <p>Immutable and thread-safe.
 */
public final class IapSigningKey {

  private final String keyId;
  private final ECPublicKey publicKey;
  private final Es256 verifier;

  private IapSigningKey(String keyId, ECPublicKey publicKey, Es256 verifier) {
    this.keyId = keyId;
    this.publicKey = publicKey;
    this.verifier = verifier;
  }

  /**
   * Creates a signing key.
   *
   * @param keyId the {@code kid} that assertions name, not null or empty
   * @param publicKey a public key on the P-256 curve, not null
   * @return the key
   * @throws IllegalArgumentException if the key id is empty or the key is not a valid P-256 key
   */
  public static IapSigningKey of(String keyId, ECPublicKey publicKey) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(publicKey, "publicKey");
    if (keyId.isEmpty()) {
      throw new IllegalArgumentException("keyId must not be empty");
    }
    try {
      return new IapSigningKey(keyId, publicKey, Es256.of(publicKey));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key '" + keyId + "': " + e.getMessage(), e);
    }
  }

  /**
   * Returns the key id.
   *
   * @return the {@code kid}, never null
   */
  public String keyId() {
    return keyId;
  }

  /**
   * Returns the public key.
   *
   * @return the P-256 public key, never null
   */
  public ECPublicKey publicKey() {
    return publicKey;
  }

  boolean verify(byte[] signingInput, int length, byte[] signature) {
    return verifier.verify(signingInput, length, signature);
  }

  @Override
  public String toString() {
    return "IapSigningKey[" + keyId + "]";
  }
}
