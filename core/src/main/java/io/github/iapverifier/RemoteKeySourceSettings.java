package io.github.iapverifier;

import io.github.iapverifier.RemoteKeySource.Builder;
import io.github.iapverifier.internal.keys.Jwks;
import io.github.iapverifier.internal.keys.JwksUri;
import io.github.iapverifier.internal.keys.KeySourceSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The settings of a {@link RemoteKeySource} and their validation, so that {@link
 * RemoteKeySource.Builder} stays a facade. Not API: users see these setters as the builder's own.
 * Not thread-safe.
 */
abstract class RemoteKeySourceSettings {

  private URI jwksUri = URI.create(RemoteKeySource.DEFAULT_JWKS_URI);
  private @Nullable HttpClient httpClient;
  private Duration connectTimeout = Builder.DEFAULT_CONNECT_TIMEOUT;
  private Duration requestTimeout = Builder.DEFAULT_REQUEST_TIMEOUT;
  private int maxResponseBytes = Builder.DEFAULT_MAX_RESPONSE_BYTES;
  private Duration minTtl = Builder.DEFAULT_MIN_TTL;
  private Duration maxTtl = Builder.DEFAULT_MAX_TTL;
  private Duration defaultTtl = Builder.DEFAULT_TTL;
  private double refreshAhead = Builder.DEFAULT_REFRESH_AHEAD;
  private Duration forcedRefreshInterval = Builder.DEFAULT_FORCED_REFRESH_INTERVAL;
  private Duration maxStaleness = Builder.DEFAULT_MAX_STALENESS;
  private @Nullable Clock clock;
  private @Nullable IapEventListener listener;
  private String algorithm = "ES256";

  RemoteKeySourceSettings() {}

  private Builder self() {
    return (Builder) this;
  }

  /**
   * Sets which keys of the JWKS are kept: {@code ES256} (EC P-256, the default: Google IAP, AWS
   * ALB, Pomerium) or {@code RS256} (RSA of at least 2048 bits: Cloudflare Access, Pomerium with an
   * RSA key). A verifier built for a proxy sets its own algorithm over this one.
   *
   * @param algorithm {@code ES256} or {@code RS256}, not null
   * @return this builder
   * @throws IllegalArgumentException for any other algorithm
   */
  public RemoteKeySource.Builder algorithm(String algorithm) {
    this.algorithm = Jwks.algorithm(Objects.requireNonNull(algorithm, "algorithm"));
    return self();
  }

  /**
   * Sets where keys are fetched from. Default {@value RemoteKeySource#DEFAULT_JWKS_URI}.
   *
   * @param jwksUri an absolute http or https URI without user-info, not null
   * @return this builder
   * @throws IllegalArgumentException if the URI is not such a URI
   */
  public RemoteKeySource.Builder jwksUri(URI jwksUri) {
    this.jwksUri = JwksUri.check(jwksUri);
    return self();
  }

  /**
   * Uses this HTTP client (proxy, TLS settings). Its own connect timeout applies; the request
   * timeout and size limit of this builder still do, and a response from another origin (if the
   * client follows redirects itself) is refused. Not closed by the source.
   *
   * @param httpClient the client, not null
   * @return this builder
   */
  public RemoteKeySource.Builder httpClient(HttpClient httpClient) {
    this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
    return self();
  }

  /**
   * Sets the TCP connect timeout of the default client. Default 2 s: room for one lost SYN
   * (retransmitted after 1 s), short enough that a blocked egress fails fast.
   *
   * @param timeout positive, not null
   * @return this builder
   */
  public RemoteKeySource.Builder connectTimeout(Duration timeout) {
    this.connectTimeout = positive(timeout, "connectTimeout");
    return self();
  }

  /**
   * Sets how long a fetch may take, from the request to the last byte, redirects included; also the
   * longest a lookup waits for keys. Default 2 s: a ~1 KiB document normally arrives in well under
   * 100 ms, and only a lookup with no usable keys (or an unknown key id) waits.
   *
   * @param timeout positive, not null
   * @return this builder
   */
  public RemoteKeySource.Builder requestTimeout(Duration timeout) {
    this.requestTimeout = positive(timeout, "requestTimeout");
    return self();
  }

  /**
   * Sets the largest accepted response body, in bytes. Default 64 KiB: Google's set is ~1 KiB, so
   * there is room for many more keys, yet a hostile server cannot make us buffer much.
   *
   * @param bytes at least 1024
   * @return this builder
   */
  public RemoteKeySource.Builder maxResponseBytes(int bytes) {
    if (bytes < 1024) {
      throw new IllegalArgumentException("maxResponseBytes must be at least 1024, got " + bytes);
    }
    this.maxResponseBytes = bytes;
    return self();
  }

  /**
   * Sets the bounds the {@code Cache-Control: max-age} is clamped to. Defaults 5 min and 24 h: the
   * lower bound keeps a {@code no-cache} or tiny max-age from turning into a fetch per request; the
   * upper bound makes a withdrawn key stop being trusted within a day whatever the server claims.
   *
   * @param min the shortest cache time, positive, not null
   * @param max the longest cache time, at least {@code min}, not null
   * @return this builder
   */
  public RemoteKeySource.Builder ttlBounds(Duration min, Duration max) {
    positive(min, "min");
    positive(max, "max");
    if (max.compareTo(min) < 0) {
      throw new IllegalArgumentException("max TTL " + max + " is shorter than min TTL " + min);
    }
    this.minTtl = min;
    this.maxTtl = max;
    return self();
  }

  /**
   * Sets the cache time when the response has no {@code max-age}, before clamping. Default 1 h: new
   * key ids force a refresh anyway, so this only bounds how long a withdrawn key lingers.
   *
   * @param ttl positive, not null
   * @return this builder
   */
  public RemoteKeySource.Builder defaultTtl(Duration ttl) {
    this.defaultTtl = positive(ttl, "defaultTtl");
    return self();
  }

  /**
   * Sets the share of the TTL after which a lookup starts a background refresh. Default 0.8: the
   * remaining fifth (12 min of an hour) leaves time for retries with backoff before the keys
   * expire, so a short outage never makes them stale.
   *
   * @param fraction between 0.1 and 1.0
   * @return this builder
   */
  public RemoteKeySource.Builder refreshAhead(double fraction) {
    if (!(fraction >= 0.1 && fraction <= 1.0)) {
      throw new IllegalArgumentException("refreshAhead must be within [0.1, 1.0], got " + fraction);
    }
    this.refreshAhead = fraction;
    return self();
  }

  /**
   * Sets the least time between two refreshes forced by unknown key ids. Default 30 s: a flood of
   * invented ids costs Google at most two fetches a minute per instance, and a genuinely new key is
   * seen within 30 s at worst.
   *
   * @param interval positive, not null
   * @return this builder
   */
  public RemoteKeySource.Builder forcedRefreshInterval(Duration interval) {
    this.forcedRefreshInterval = positive(interval, "forcedRefreshInterval");
    return self();
  }

  /**
   * Sets how long past their expiry the last good keys keep serving while fetches fail. Default 24
   * h: rides out a long outage of gstatic or of the egress path (a night, a weekend morning), yet
   * an app cut off from Google for longer fails closed instead of trusting keys that may have been
   * withdrawn. Zero never serves stale keys.
   *
   * @param staleness zero or positive, not null
   * @return this builder
   */
  public RemoteKeySource.Builder maxStaleness(Duration staleness) {
    if (Objects.requireNonNull(staleness, "maxStaleness").isNegative()) {
      throw new IllegalArgumentException("maxStaleness must not be negative");
    }
    this.maxStaleness = staleness;
    return self();
  }

  /**
   * Sets the clock for cache times. Default: the system UTC clock, or the verifier's clock when
   * this builder is given to {@link IapVerifier.Builder#remoteKeySource}.
   *
   * @param clock the clock, not null
   * @return this builder
   */
  public RemoteKeySource.Builder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return self();
  }

  /**
   * Sets the observer of fetches, rotations, staleness and rate limiting. Default: none, or the
   * verifier's listener when this builder is given to {@link IapVerifier.Builder#remoteKeySource}.
   *
   * @param listener the listener, not null
   * @return this builder
   */
  public RemoteKeySource.Builder eventListener(IapEventListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return self();
  }

  /**
   * The settings, without changing these: a verifier's URI and algorithm replace these when given,
   * its clock and listener apply where none was set.
   */
  KeySourceSettings settings(
      @Nullable URI uriOverride,
      @Nullable String algorithmOverride,
      Clock defaultClock,
      IapEventListener defaultListener) {
    return new KeySourceSettings(
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
        algorithmOverride != null ? algorithmOverride : algorithm);
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
    return d;
  }
}
