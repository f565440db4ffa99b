package io.github.iapverifier.internal.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapSigningKey;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Remembers verified tokens by exact match of the whole string, so that a repeat is answered
 * without a second signature check. A hit is honoured only while the token is still valid by the
 * clock and the key that verified it is still the very instance its source returns, so a withdrawn
 * or replaced key invalidates its entries at the next lookup, with no hook into any key source.
 * Bounded in size. Thread-safe.
 */
public final class VerifiedTokenCache {

  /** How a hit finds the key now published under an id. */
  @FunctionalInterface
  public interface KeyLookup {
    /**
     * Returns the key now published under this id.
     *
     * @param keyId the id, not null
     * @return the key, or null
     */
    @Nullable IapSigningKey key(String keyId);
  }

  private record Verified(IapIdentity identity, IapSigningKey key, long validUntilMillis) {}

  private final Cache<TokenKey, Verified> cache;
  private final Clock clock;
  private final int maxTokenLength;

  /**
   * Creates a cache.
   *
   * @param maxSize the most entries, positive
   * @param retention how long entries are kept at most; a hit re-checks validity itself, so this
   *     only frees memory and must exceed the longest a token can stay valid
   * @param clock the clock validity is checked against
   * @param maxTokenLength longer tokens are never cached (nor verified)
   */
  public VerifiedTokenCache(long maxSize, Duration retention, Clock clock, int maxTokenLength) {
    // A fixed retention costs a hit ~90 ns less than a per-entry Expiry (benchmarks/RESULTS.md).
    this.cache = Caffeine.newBuilder().maximumSize(maxSize).expireAfterWrite(retention).build();
    this.clock = clock;
    this.maxTokenLength = maxTokenLength;
  }

  /**
   * The key a token is looked up and stored under; built once per verification.
   *
   * @param token the token, may be null
   * @return the key, or null when the token cannot be cached (null or too long)
   */
  public @Nullable TokenKey keyOf(@Nullable String token) {
    return token == null || token.length() > maxTokenLength ? null : new TokenKey(token);
  }

  /**
   * Returns the identity of a token verified before, if it is still valid and its key is still
   * published; forgets the entry otherwise.
   *
   * @param key the token's key, not null
   * @param keys the current keys
   * @return the identity, or null for a miss
   */
  public @Nullable IapIdentity hit(TokenKey key, KeyLookup keys) {
    return hit(key, keys, true);
  }

  /**
   * As {@link #hit(TokenKey, KeyLookup)}, for a lookup whose null may only mean "not known without
   * blocking": then the entry is kept, for a later lookup that can tell.
   *
   * @param key the token's key, not null
   * @param keys the current keys
   * @param nullMeansWithdrawn whether a null from {@code keys} means the key is withdrawn
   * @return the identity, or null for a miss
   */
  public @Nullable IapIdentity hit(TokenKey key, KeyLookup keys, boolean nullMeansWithdrawn) {
    Verified hit = cache.getIfPresent(key);
    if (hit == null) {
      return null;
    }
    boolean valid = clock.millis() < hit.validUntilMillis;
    IapSigningKey now = valid ? keys.key(hit.key.keyId()) : null;
    if (now == hit.key) {
      return hit.identity;
    }
    if (valid && now == null && !nullMeansWithdrawn) {
      return null;
    }
    // Expired or its key withdrawn: forget it and let the full check give the precise reason.
    cache.invalidate(key);
    return null;
  }

  /**
   * Remembers a verified token.
   *
   * @param key the token's key, not null
   * @param identity its identity
   * @param signedBy the key that verified its signature
   * @param validUntilMillis when it stops being valid (its expiry plus the clock skew)
   */
  public void put(
      TokenKey key, IapIdentity identity, IapSigningKey signedBy, long validUntilMillis) {
    cache.put(key, new Verified(identity, signedBy, validUntilMillis));
  }

  /** Forgets every entry. */
  public void clear() {
    cache.invalidateAll();
  }
}
