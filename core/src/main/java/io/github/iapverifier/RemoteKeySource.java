package io.github.iapverifier;

import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.keys.KeySourceSettings;
import io.github.iapverifier.internal.keys.RefreshingKeySource;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The default key source: fetches IAP's JSON Web Key Set over HTTPS and keeps it fresh.
 *
 * <ul>
 *   <li>Keys are cached for {@code Cache-Control: max-age} minus {@code Age}, clamped to
 *       {@linkplain Builder#ttlBounds bounds}, and refreshed in the background once {@linkplain
 *       Builder#refreshAhead a share} of that time has passed: in steady state no request waits on
 *       the network.
 *   <li>A {@code kid} not in the set forces one refresh (single flight: concurrent lookups share
 *       it), at most once per {@linkplain Builder#forcedRefreshInterval interval}.
 *   <li>When refreshes fail, the last good keys keep serving up to a {@linkplain
 *       Builder#maxStaleness maximum staleness} past expiry while retries back off (1 s doubling to
 *       5 min). With no usable keys, lookups fail with {@link Reason#KEYS_UNAVAILABLE}.
 *   <li>A key that stays published stays the same {@link IapSigningKey} instance across refreshes,
 *       so cached verifications survive them; a withdrawn key is gone at once.
 *   <li>Every fetch has timeouts and a body size limit and follows redirects only within the
 *       origin; {@code jku} and similar token headers are never consulted.
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
   * Builds a {@link RemoteKeySource}; the defaults are Google's URI and the {@code DEFAULT_}
   * constants. Not thread-safe.
   */
  public static final class Builder {

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

    // The state and its validation; this class is the documented face of each setting.
    private final KeySourceSettings.Draft draft = new KeySourceSettings.Draft();

    private Builder() {}

    /**
     * Sets which keys of the JWKS are kept: {@code ES256} (EC P-256, the default: Google IAP, AWS
     * ALB, Pomerium) or {@code RS256} (RSA of at least 2048 bits: Cloudflare Access, Pomerium with
     * an RSA key). A verifier built for a proxy sets its own algorithm over this one.
     *
     * @param algorithm {@code ES256} or {@code RS256}, not null
     * @return this builder
     * @throws IllegalArgumentException for any other algorithm
     */
    public Builder algorithm(String algorithm) {
      draft.algorithm(algorithm);
      return this;
    }

    /**
     * Sets where keys are fetched from. Default {@value RemoteKeySource#DEFAULT_JWKS_URI}.
     *
     * @param jwksUri an absolute http or https URI without user-info, not null
     * @return this builder
     * @throws IllegalArgumentException if the URI is not such a URI
     */
    public Builder jwksUri(URI jwksUri) {
      draft.uri(jwksUri);
      return this;
    }

    /**
     * Uses this HTTP client (proxy, TLS settings). Its own connect timeout applies; the request
     * timeout and size limit of this builder still do, and a response from another origin (if the
     * client follows redirects itself) is refused. Not closed by the source.
     *
     * @param httpClient the client, not null
     * @return this builder
     */
    public Builder httpClient(HttpClient httpClient) {
      draft.httpClient(httpClient);
      return this;
    }

    /**
     * Sets the TCP connect timeout of the default client. Default 2 s: room for one lost SYN, yet a
     * blocked egress fails fast.
     *
     * @param timeout positive, not null
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      draft.connectTimeout(timeout);
      return this;
    }

    /**
     * Sets how long a fetch may take, from the request to the last byte, redirects included; also
     * the longest a lookup waits for keys (only one with no usable keys or an unknown kid waits).
     * Default 2 s.
     *
     * @param timeout positive, not null
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      draft.requestTimeout(timeout);
      return this;
    }

    /**
     * Sets the largest accepted response body, in bytes. Default 64 KiB: ample for a ~1 KiB set,
     * yet a hostile server cannot make us buffer much.
     *
     * @param bytes at least 1024
     * @return this builder
     */
    public Builder maxResponseBytes(int bytes) {
      draft.maxResponseBytes(bytes);
      return this;
    }

    /**
     * Sets the bounds {@code Cache-Control: max-age} is clamped to. Defaults 5 min (no fetch per
     * request whatever the server says) and 24 h (a withdrawn key is dropped within a day).
     *
     * @param min the shortest cache time, positive, not null
     * @param max the longest cache time, at least {@code min}, not null
     * @return this builder
     */
    public Builder ttlBounds(Duration min, Duration max) {
      draft.ttlBounds(min, max);
      return this;
    }

    /**
     * Sets the cache time when the response has no {@code max-age}, before clamping. Default 1 h:
     * new key ids force a refresh anyway, so this only bounds how long a withdrawn key lingers.
     *
     * @param ttl positive, not null
     * @return this builder
     */
    public Builder defaultTtl(Duration ttl) {
      draft.defaultTtl(ttl);
      return this;
    }

    /**
     * Sets the share of the TTL after which a lookup starts a background refresh. Default 0.8: the
     * last fifth leaves time for retries before the keys expire.
     *
     * @param fraction between 0.1 and 1.0
     * @return this builder
     */
    public Builder refreshAhead(double fraction) {
      draft.refreshAhead(fraction);
      return this;
    }

    /**
     * Sets the least time between two refreshes forced by unknown key ids. Default 30 s: invented
     * ids cost at most two fetches a minute, and a new key is seen within 30 s.
     *
     * @param interval positive, not null
     * @return this builder
     */
    public Builder forcedRefreshInterval(Duration interval) {
      draft.forcedRefreshInterval(interval);
      return this;
    }

    /**
     * Sets how long past their expiry the last good keys keep serving while fetches fail. Default
     * 24 h: rides out a night's outage, then fails closed. Zero never serves stale keys.
     *
     * @param staleness zero or positive, not null
     * @return this builder
     */
    public Builder maxStaleness(Duration staleness) {
      draft.maxStaleness(staleness);
      return this;
    }

    /**
     * Sets the clock for cache times. Default: the system UTC clock, or the verifier's clock when
     * this builder is given to {@link IapVerifier.Builder#remoteKeySource}.
     *
     * @param clock the clock, not null
     * @return this builder
     */
    public Builder clock(Clock clock) {
      draft.clock(clock);
      return this;
    }

    /**
     * Sets the observer of fetches, rotations, staleness and rate limiting. Default: none, or the
     * verifier's listener when this builder is given to {@link
     * IapVerifier.Builder#remoteKeySource}.
     *
     * @param listener the listener, not null
     * @return this builder
     */
    public Builder eventListener(IapEventListener listener) {
      draft.listener(listener);
      return this;
    }

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
          new RefreshingKeySource(
              draft.build(uriOverride, algorithm, defaultClock, defaultListener)));
    }
  }
}
