package io.github.iapverifier;

import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.keys.Jwks;
import io.github.iapverifier.internal.keys.JwksUri;
import io.github.iapverifier.internal.keys.KeySourceSettings;
import io.github.iapverifier.internal.keys.RefreshingKeySource;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
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

    private URI jwksUri = URI.create(DEFAULT_JWKS_URI);
    private @Nullable HttpClient httpClient;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
    private Duration minTtl = DEFAULT_MIN_TTL;
    private Duration maxTtl = DEFAULT_MAX_TTL;
    private Duration defaultTtl = DEFAULT_TTL;
    private double refreshAhead = DEFAULT_REFRESH_AHEAD;
    private Duration forcedRefreshInterval = DEFAULT_FORCED_REFRESH_INTERVAL;
    private Duration maxStaleness = DEFAULT_MAX_STALENESS;
    private @Nullable Clock clock;
    private @Nullable IapEventListener listener;
    private String algorithm = "ES256";

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
      this.algorithm = Jwks.algorithm(Objects.requireNonNull(algorithm, "algorithm"));
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
      this.jwksUri = JwksUri.check(jwksUri);
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
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /**
     * Sets the TCP connect timeout of the default client. Default 2 s: room for one lost SYN
     * (retransmitted after 1 s), short enough that a blocked egress fails fast.
     *
     * @param timeout positive, not null
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Sets how long a fetch may take, from the request to the last byte, redirects included; also
     * the longest a lookup waits for keys. Default 2 s: a ~1 KiB document normally arrives in well
     * under 100 ms, and only a lookup with no usable keys (or an unknown key id) waits.
     *
     * @param timeout positive, not null
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /**
     * Sets the largest accepted response body, in bytes. Default 64 KiB: Google's set is ~1 KiB, so
     * there is room for many more keys, yet a hostile server cannot make us buffer much.
     *
     * @param bytes at least 1024
     * @return this builder
     */
    public Builder maxResponseBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxResponseBytes must be at least 1024, got " + bytes);
      }
      this.maxResponseBytes = bytes;
      return this;
    }

    /**
     * Sets the bounds the {@code Cache-Control: max-age} is clamped to. Defaults 5 min and 24 h:
     * the lower bound keeps a {@code no-cache} or tiny max-age from turning into a fetch per
     * request; the upper bound makes a withdrawn key stop being trusted within a day whatever the
     * server claims.
     *
     * @param min the shortest cache time, positive, not null
     * @param max the longest cache time, at least {@code min}, not null
     * @return this builder
     */
    public Builder ttlBounds(Duration min, Duration max) {
      positive(min, "min");
      positive(max, "max");
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException("max TTL " + max + " is shorter than min TTL " + min);
      }
      this.minTtl = min;
      this.maxTtl = max;
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
      this.defaultTtl = positive(ttl, "defaultTtl");
      return this;
    }

    /**
     * Sets the share of the TTL after which a lookup starts a background refresh. Default 0.8: the
     * remaining fifth (12 min of an hour) leaves time for retries with backoff before the keys
     * expire, so a short outage never makes them stale.
     *
     * @param fraction between 0.1 and 1.0
     * @return this builder
     */
    public Builder refreshAhead(double fraction) {
      if (!(fraction >= 0.1 && fraction <= 1.0)) {
        throw new IllegalArgumentException(
            "refreshAhead must be within [0.1, 1.0], got " + fraction);
      }
      this.refreshAhead = fraction;
      return this;
    }

    /**
     * Sets the least time between two refreshes forced by unknown key ids. Default 30 s: a flood of
     * invented ids costs Google at most two fetches a minute per instance, and a genuinely new key
     * is seen within 30 s at worst.
     *
     * @param interval positive, not null
     * @return this builder
     */
    public Builder forcedRefreshInterval(Duration interval) {
      this.forcedRefreshInterval = positive(interval, "forcedRefreshInterval");
      return this;
    }

    /**
     * Sets how long past their expiry the last good keys keep serving while fetches fail. Default
     * 24 h: rides out a long outage of gstatic or of the egress path (a night, a weekend morning),
     * yet an app cut off from Google for longer fails closed instead of trusting keys that may have
     * been withdrawn. Zero never serves stale keys.
     *
     * @param staleness zero or positive, not null
     * @return this builder
     */
    public Builder maxStaleness(Duration staleness) {
      this.maxStaleness = notNegative(staleness, "maxStaleness");
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
      this.clock = Objects.requireNonNull(clock, "clock");
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
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the source. No fetch happens until the first lookup or {@link
     * RemoteKeySource#warmUp()}.
     *
     * @return the source; close it when done
     */
    public RemoteKeySource build() {
      return build(null, algorithm, Clock.systemUTC(), IapEventListener.NONE);
    }

    /**
     * Builds for a verifier without changing this builder: the verifier's URI (when set) and
     * algorithm replace this one's, its clock and listener apply where this builder set none.
     */
    RemoteKeySource build(
        @Nullable URI uriOverride,
        String algorithm,
        Clock defaultClock,
        IapEventListener defaultListener) {
      return new RemoteKeySource(
          new RefreshingKeySource(
              new KeySourceSettings(
                  uriOverride != null ? uriOverride : jwksUri,
                  httpClient,
                  connectTimeout,
                  requestTimeout,
                  maxResponseBytes,
                  minTtl,
                  maxTtl,
                  defaultTtl,
                  refreshAhead,
                  forcedRefreshInterval,
                  maxStaleness,
                  clock != null ? clock : defaultClock,
                  listener != null ? listener : defaultListener,
                  algorithm)));
    }

    private static Duration notNegative(Duration d, String name) {
      if (Objects.requireNonNull(d, name).isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative");
      }
      return d;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
      return d;
    }
  }
}
