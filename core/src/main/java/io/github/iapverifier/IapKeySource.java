package io.github.iapverifier;

import io.github.iapverifier.internal.keys.Jwks;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

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
 *
 * <p>Sources that fetch their keys also implement {@link #warmUp()} and {@link #status()}, so that
 * adapters can load keys at start-up and report health without knowing the implementation.
 */
@FunctionalInterface
public interface IapKeySource {

  /**
   * Returns the key with the given id.
   *
   * @param keyId the {@code kid} from the assertion's header, not null
   * @return the key, or null when this source does not publish a key with that id
   * @throws IapVerificationException with {@link IapVerificationException.Reason#KEYS_UNAVAILABLE}
   *     when no keys can be obtained at all, or the id is not among the keys held and the source
   *     could not find out whether it is published, so that an outage is never blamed on the token
   */
  @Nullable IapSigningKey key(String keyId);

  /**
   * Returns the key with the given id if this source can answer from memory, without any blocking
   * call: no fetch is waited for (a source may start its usual background refresh). Lets a caller
   * on a thread that must not block (an event loop) verify in place when the key is at hand, and
   * move to a thread that may block only when it is not. Default: null, this source cannot tell
   * without possibly blocking.
   *
   * <p>Must be thread-safe and return the same instance {@link #key} would return for that id.
   *
   * @param keyId the {@code kid} from the assertion's header, not null
   * @return the key, or null when {@link #key} might have to block to answer (keys not loaded, an
   *     unknown id that may force a refresh) or the key is not published; never throws for want of
   *     keys
   */
  default @Nullable IapSigningKey keyIfLoaded(String keyId) {
    return null;
  }

  /**
   * Loads the keys now, if this source fetches them, so that the first request does not wait.
   * Default: nothing to do.
   *
   * @throws IapVerificationException with {@link IapVerificationException.Reason#KEYS_UNAVAILABLE}
   *     if no keys could be had
   */
  default void warmUp() {}

  /**
   * Tells health checks and metrics about the keys. Default: a fixed set, always usable.
   *
   * @return the status now, never null
   */
  default Status status() {
    return Status.FIXED;
  }

  /**
   * What a key source can tell about its keys. Immutable.
   *
   * @param uri where keys are fetched from; empty for a fixed set
   * @param usable whether lookups can be answered from memory now (fresh keys, or stale ones within
   *     the allowed staleness)
   * @param fetchedAt when the keys in use were fetched; empty before the first success or for a
   *     fixed set
   * @param lastError the last fetch failure since the last success, described for operators
   */
  record Status(
      Optional<URI> uri, boolean usable, Optional<Instant> fetchedAt, Optional<String> lastError) {

    /** A fixed key set: always usable, never fetched. */
    public static final Status FIXED =
        new Status(Optional.empty(), true, Optional.empty(), Optional.empty());

    /** Checks nullness. */
    public Status {
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(fetchedAt, "fetchedAt");
      Objects.requireNonNull(lastError, "lastError");
    }
  }

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
    return fromJwks(jwksJson, "ES256");
  }

  /**
   * A source serving the keys of one algorithm from a JSON Web Key Set, such as a saved copy of a
   * Cloudflare Access team's {@code /cdn-cgi/access/certs}. Keys with {@code use} other than {@code
   * sig}, or {@code alg} other than the given one, are skipped; so are keys of another type.
   *
   * @param jwksJson the JWKS document, not null
   * @param algorithm {@code ES256} (EC P-256 keys) or {@code RS256} (RSA keys of at least 2048
   *     bits), not null
   * @return an immutable, thread-safe source
   * @throws IllegalArgumentException if the algorithm is another, or the text is not a JWKS or
   *     holds no usable key
   */
  static IapKeySource fromJwks(String jwksJson, String algorithm) {
    Objects.requireNonNull(jwksJson, "jwksJson");
    Jwks.algorithm(Objects.requireNonNull(algorithm, "algorithm"));
    Map<String, IapSigningKey> keys = Jwks.parse(jwksJson, algorithm).keys();
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(
          "the JWKS holds no usable key: "
              + ("ES256".equals(algorithm)
                  ? "IAP keys are EC P-256 keys"
                  : "RS256 keys are RSA keys of at least 2048 bits")
              + " with a kid, for use 'sig'");
    }
    return new IapKeySource() {
      @Override
      public @Nullable IapSigningKey key(String keyId) {
        return keys.get(keyId);
      }

      @Override
      public @Nullable IapSigningKey keyIfLoaded(String keyId) {
        return keys.get(keyId);
      }
    };
  }
}
