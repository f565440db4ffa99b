package io.github.iapverifier;

import io.github.iapverifier.internal.Es256;
import io.github.iapverifier.internal.Rs256;
import io.github.iapverifier.internal.SignatureCheck;
import io.github.iapverifier.internal.jws.CompactJws;
import io.github.iapverifier.internal.verify.Failures;
import io.github.iapverifier.internal.verify.ProxyRules;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One of a proxy's public signing keys: a public key, its key id ({@code kid}) and the one JOSE
 * algorithm it verifies ({@code ES256} for a P-256 key, {@code RS256} for an RSA key). A key never
 * verifies a signature of another algorithm, whatever a token's header says.
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
  private final PublicKey publicKey;
  private final SignatureCheck verifier;

  private IapSigningKey(String keyId, PublicKey publicKey, SignatureCheck verifier) {
    this.keyId = keyId;
    this.publicKey = publicKey;
    this.verifier = verifier;
  }

  /**
   * Creates an ES256 signing key (Google IAP, AWS ALB, Pomerium's default).
   *
   * @param keyId the {@code kid} that assertions name, not null or empty
   * @param publicKey a public key on the P-256 curve, not null
   * @return the key
   * @throws IllegalArgumentException if the key id is empty or the key is not a valid P-256 key
   */
  public static IapSigningKey of(String keyId, ECPublicKey publicKey) {
    Objects.requireNonNull(publicKey, "publicKey");
    return create(keyId, publicKey, () -> Es256.of(publicKey));
  }

  /**
   * Creates an RS256 signing key (Cloudflare Access, Pomerium with an RSA key).
   *
   * @param keyId the {@code kid} that assertions name, not null or empty
   * @param publicKey an RSA public key of at least 2048 bits, not null
   * @return the key
   * @throws IllegalArgumentException if the key id is empty or the key is shorter than 2048 bits
   */
  public static IapSigningKey of(String keyId, RSAPublicKey publicKey) {
    Objects.requireNonNull(publicKey, "publicKey");
    return create(keyId, publicKey, () -> Rs256.of(publicKey));
  }

  private static IapSigningKey create(
      String keyId, PublicKey publicKey, Supplier<SignatureCheck> convert) {
    Objects.requireNonNull(keyId, "keyId");
    if (keyId.isEmpty()) {
      throw new IllegalArgumentException("keyId must not be empty");
    }
    try {
      return new IapSigningKey(keyId, publicKey, convert.get());
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
   * Returns the one JOSE algorithm this key verifies.
   *
   * @return {@code ES256} or {@code RS256}, never null
   */
  public String algorithm() {
    return verifier.algorithm();
  }

  /**
   * Returns the public key.
   *
   * @return an {@link ECPublicKey} on P-256 for ES256, an {@link RSAPublicKey} for RS256; never
   *     null
   */
  public PublicKey publicKey() {
    return publicKey;
  }

  /**
   * Throws unless this key, of the algorithm the rules pin, signed the token: a key of another
   * algorithm verifies nothing, whatever the token's header says.
   */
  void checkSignature(ProxyRules<?> rules, String kid, CompactJws jws) {
    if (!verifier.algorithm().equals(rules.algorithm())) {
      throw Failures.wrongKeyAlgorithm(rules, kid, verifier.algorithm());
    }
    byte[] signature = jws.signature();
    if (signature == null || signature.length != verifier.signatureLength()) {
      throw Failures.badSignatureLength(verifier.algorithm(), verifier.signatureLength());
    }
    if (!verifier.verify(jws.signingInput(), jws.signingInputLength(), signature)) {
      throw Failures.badSignature(rules, kid);
    }
  }

  @Override
  public String toString() {
    return "IapSigningKey[" + keyId + ", " + verifier.algorithm() + "]";
  }
}
