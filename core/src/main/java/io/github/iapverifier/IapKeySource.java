package io.github.iapverifier;

import io.github.iapverifier.internal.Jwks;
import java.util.Map;
import java.util.Objects;

/**
 * Where a verifier finds IAP's public keys. The one extension point between the verifier and the
 * network: the default fetches Google's published key set and caches it; {@link #fromJwks(String)}
 * serves a fixed set (air-gapped or VPC Service Controls deployments, tests).
 *
 * <p>Implementations must be thread-safe, must not block for long (a lookup runs on a request
 * thread), and must return the same {@link IapSigningKey} instance for a key for as long as it is
 * published: a cached verification is honoured only while this method returns the very instance
 * that verified it, so returning a different instance (or null) withdraws the key and every cached
 * verification made with it.
 */
@FunctionalInterface
public interface IapKeySource {

  /**
   * Returns the key with the given id.
   *
   * @param keyId the {@code kid} from the assertion's header, not null
   * @return the key, or null when this source does not publish a key with that id
   * @throws IapVerificationException with {@link IapVerificationException.Reason#KEYS_UNAVAILABLE}
   *     when no keys can be obtained at all, so that an outage is never blamed on the token
   */
  IapSigningKey key(String keyId);

  /**
   * A source serving the keys of a JSON Web Key Set, such as a saved copy of {@code
   * https://www.gstatic.com/iap/verify/public_key-jwk}. Only EC keys on P-256 with {@code use}
   * absent or {@code sig} (and {@code alg} absent or {@code ES256}) are kept; others are skipped.
   *
   * @param jwksJson the JWKS document, not null
   * @return an immutable, thread-safe source
   * @throws IllegalArgumentException if the text is not a JWKS or holds no usable key
   */
  static IapKeySource fromJwks(String jwksJson) {
    Objects.requireNonNull(jwksJson, "jwksJson");
    Map<String, IapSigningKey> keys = Jwks.parse(jwksJson).keys();
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(
          "the JWKS holds no usable key: IAP keys are EC P-256 keys with a kid, for use 'sig'");
    }
    return keys::get;
  }
}
