package io.github.iapverifier;

import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.keys.RefreshingKeySource;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The default key source: fetches IAP's JSON Web Key Set over HTTPS and keeps it fresh.
 *
 * <ul>
 *   <li>Keys are cached for the response's {@code Cache-Control: max-age} minus its {@code Age},
 *       clamped to {@linkplain Builder#ttlBounds bounds}; {@code no-cache} and {@code no-store}
 *       mean the lower bound.
 *   <li>Once {@linkplain Builder#refreshAhead a share} of that time has passed, the next lookup
 *       starts a refresh in the background and keeps answering from the current keys: in steady
 *       state no request waits on the network.
 *   <li>A {@code kid} not in the set forces one refresh (single flight: concurrent lookups share
 *       it), at most once per {@linkplain Builder#forcedRefreshInterval interval}; then the key is
 *       unknown.
 *   <li>When refreshes fail, the last good keys keep serving up to a {@linkplain
 *       Builder#maxStaleness maximum staleness} past their expiry, without waiting, while retries
 *       run in the background and back off (1 s doubling to 5 min). With no usable keys, lookups
 *       fail with {@link Reason#KEYS_UNAVAILABLE}: at once while backing off, else after at most
 *       the {@linkplain Builder#requestTimeout request timeout}.
 *   <li>A key that stays published stays the same {@link IapSigningKey} instance across refreshes,
 *       so cached verifications survive them; a withdrawn key is gone at once.
 *   <li>Every fetch has connect and response timeouts and a body size limit, follows redirects only
 *       to the same origin, and keeps only EC P-256 signing keys. {@code jku} and similar token
 *       headers are never consulted: the URI is configuration, not input.
 * </ul>
 *
 * <p>Thread-safe. Fetches run on one daemon thread that {@link #close()} stops.
 */
public final class RemoteKeySource implements IapKeySource, AutoCloseable {

  /** Where Google publishes IAP's keys. */
  public static final String DEFAULT_JWKS_URI = "https://www.gstatic.com/iap/verify/public_key-jwk";

  // The lifecycle lives in internal.keys, in small parts; this is its public face and builder.
  private final RefreshingKeySource keys;

  private RemoteKeySource(RefreshingKeySource keys) {
    this.keys = keys;
  }

  /**
   * Starts building a remote key source with the defaults described on {@link Builder}.
   *
   * @return a new builder, not thread-safe
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Answers from memory in steady state. Waits for the network, at most the {@linkplain
   * Builder#requestTimeout request timeout} in all, only when no keys are held yet (or they expired
   * while idle), or for the one refresh an unknown {@code kid} may force. When that refresh fails
   * (or fetches are failing and backing off), the lookup throws {@link Reason#KEYS_UNAVAILABLE}
   * rather than answer null: only a successful fetch can tell that a kid is not published.
   */
  @Override
  public @Nullable IapSigningKey key(String keyId) {
    return keys.key(keyId);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Answers when keys are usable from memory (fresh, or stale within the allowed staleness while
   * fetches fail or one is running) and hold this id; starts the background refresh a {@link #key}
   * lookup would start, but never waits for one. Null when closed, before the first fetch, after
   * the keys expired while idle, or for an id not held (which {@link #key} may force a refresh for).
   */
  @Override
  public @Nullable IapSigningKey keyIfLoaded(String keyId) {
    return keys.keyIfLoaded(keyId);
  }

  /**
   * Fetches the keys now unless usable ones are held, waiting at most the request timeout. Call at
   * start-up so the first request does not wait.
   *
   * @throws IapVerificationException with {@link Reason#KEYS_UNAVAILABLE} if no keys could be had
   */
  @Override
  public void warmUp() {
    keys.warmUp();
  }

  /**
   * {@inheritDoc}
   *
   * @return the key endpoint, whether keys are usable, when they were fetched, the last error
   */
  @Override
  public Status status() {
    return keys.status();
  }

  /**
   * Returns when the keys in use were fetched, for health reporting.
   *
   * @return the fetch time, or empty before the first successful fetch
   */
  public Optional<Instant> lastFetchedAt() {
    return keys.status().fetchedAt();
  }

  /**
   * Returns the last fetch failure since the last success, for health reporting.
   *
   * @return a description of the failure, or empty if the last fetch succeeded
   */
  public Optional<String> lastError() {
    return keys.status().lastError();
  }

  /**
   * Tells whether keys can be served now without a fetch: fresh, or stale within the allowed
   * staleness, and the source is not closed.
   *
   * @return true if lookups can be answered from memory
   */
  public boolean hasUsableKeys() {
    return keys.status().usable();
  }

  /**
   * Returns the URI keys are fetched from.
   *
   * @return the URI, never null
   */
  public URI jwksUri() {
    return keys.uri();
  }

  /**
   * Stops the fetch thread, abandoning a fetch in progress, and waits (at most the request timeout)
   * for it to end; lookups afterwards fail with {@link Reason#KEYS_UNAVAILABLE}. Idempotent.
   */
  @Override
  public void close() {
    keys.close();
  }

  /**
   * Builds a {@link RemoteKeySource}. Defaults: Google's URI, 2 s connect and response timeouts, 64
   * KiB body limit, TTL from {@code Cache-Control} clamped to [5 min, 24 h] (1 h without one),
   * refresh after 80% of the TTL, one forced refresh per 30 s, stale keys served up to 24 h past
   * expiry. Not thread-safe.
   */
  public static final class Builder extends RemoteKeySourceSettings {

    /** Default {@link #connectTimeout}: 2 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    /** Default {@link #requestTimeout}: 2 s. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(2);

    /** Default {@link #maxResponseBytes}: 64 KiB. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

    /** Default lower {@link #ttlBounds bound} of the cache time: 5 min. */
    public static final Duration DEFAULT_MIN_TTL = Duration.ofMinutes(5);

    /** Default upper {@link #ttlBounds bound} of the cache time: 24 h. */
    public static final Duration DEFAULT_MAX_TTL = Duration.ofHours(24);

    /** Default {@link #defaultTtl cache time without max-age}: 1 h. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);

    /** Default {@link #refreshAhead share of the cache time}: 0.8. */
    public static final double DEFAULT_REFRESH_AHEAD = 0.8;

    /** Default {@link #forcedRefreshInterval}: 30 s. */
    public static final Duration DEFAULT_FORCED_REFRESH_INTERVAL = Duration.ofSeconds(30);

    /** Default {@link #maxStaleness}: 24 h. */
    public static final Duration DEFAULT_MAX_STALENESS = Duration.ofHours(24);

    private Builder() {}

    /**
     * Builds the source. No fetch happens until the first lookup or {@link
     * RemoteKeySource#warmUp()}.
     *
     * @return the source; close it when done
     */
    public RemoteKeySource build() {
      return build(null, null, Clock.systemUTC(), IapEventListener.NONE);
    }

    /**
     * Builds for a verifier without changing this builder: the verifier's URI (when set) and
     * algorithm replace this one's, its clock and listener apply where this builder set none.
     */
    RemoteKeySource build(
        @Nullable URI uriOverride,
        @Nullable String algorithm,
        Clock defaultClock,
        IapEventListener defaultListener) {
      return new RemoteKeySource(
          new RefreshingKeySource(settings(uriOverride, algorithm, defaultClock, defaultListener)));
    }
  }
}
