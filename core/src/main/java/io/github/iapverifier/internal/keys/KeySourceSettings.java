package io.github.iapverifier.internal.keys;

import io.github.iapverifier.IapEventListener;
import io.github.iapverifier.RemoteKeySource;
import io.github.iapverifier.RemoteKeySource.Builder;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The settings of a {@link RefreshingKeySource}, validated as {@link Draft} collects them.
 * Immutable.
 *
 * @param uri where the key set is
 * @param httpClient a client to use, or null for one of the source's own
 * @param connectTimeout the own client's connect timeout
 * @param requestTimeout the bound of a whole fetch, and of a lookup's wait
 * @param maxBytes the largest accepted body
 * @param minTtl the shortest cache time
 * @param maxTtl the longest cache time
 * @param defaultTtl the cache time without {@code max-age}
 * @param refreshAhead the share of the cache time after which a refresh starts
 * @param forcedRefreshInterval the least time between refreshes forced by unknown key ids
 * @param maxStaleness how long past expiry the last good keys serve while fetches fail
 * @param clock the clock of cache times
 * @param listener the observer of fetches and keys
 * @param algorithm the algorithm whose keys are kept, {@code ES256} or {@code RS256}
 */
public record KeySourceSettings(
    URI uri,
    @Nullable HttpClient httpClient,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxBytes,
    Duration minTtl,
    Duration maxTtl,
    Duration defaultTtl,
    double refreshAhead,
    Duration forcedRefreshInterval,
    Duration maxStaleness,
    Clock clock,
    IapEventListener listener,
    String algorithm) {

  /**
   * The settings being collected by the public builder: each setter checks its value and fails with
   * a message naming the setting, so the public builder is setters and documentation only. Not
   * thread-safe.
   */
  public static final class Draft {
    private URI uri = URI.create(RemoteKeySource.DEFAULT_JWKS_URI);
    private @Nullable HttpClient httpClient;
    private Duration connectTimeout = Builder.DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = Builder.DEFAULT_REQUEST_TIMEOUT;
    private int maxBytes = Builder.DEFAULT_MAX_RESPONSE_BYTES;
    private Duration minTtl = Builder.DEFAULT_MIN_TTL;
    private Duration maxTtl = Builder.DEFAULT_MAX_TTL;
    private Duration defaultTtl = Builder.DEFAULT_TTL;
    private double refreshAhead = Builder.DEFAULT_REFRESH_AHEAD;
    private Duration forcedRefreshInterval = Builder.DEFAULT_FORCED_REFRESH_INTERVAL;
    private Duration maxStaleness = Builder.DEFAULT_MAX_STALENESS;
    private @Nullable Clock clock;
    private @Nullable IapEventListener listener;
    private String algorithm = "ES256";

    /** Starts from the public defaults ({@link Builder}'s constants). */
    public Draft() {}

    /** Sets the key set URI, checked by {@link JwksUri#check}. */
    public void uri(URI uri) {
      this.uri = JwksUri.check(uri);
    }

    /** Sets the HTTP client, not null. */
    public void httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
    }

    /** Sets the connect timeout, positive. */
    public void connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
    }

    /** Sets the request timeout, positive. */
    public void requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
    }

    /** Sets the body limit, at least 1 KiB. */
    public void maxResponseBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxResponseBytes must be at least 1024, got " + bytes);
      }
      this.maxBytes = bytes;
    }

    /** Sets the cache time bounds, both positive, {@code min <= max}. */
    public void ttlBounds(Duration min, Duration max) {
      positive(min, "min");
      positive(max, "max");
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException("max TTL " + max + " is shorter than min TTL " + min);
      }
      this.minTtl = min;
      this.maxTtl = max;
    }

    /** Sets the cache time without {@code max-age}, positive. */
    public void defaultTtl(Duration ttl) {
      this.defaultTtl = positive(ttl, "defaultTtl");
    }

    /** Sets the refresh-ahead share, within [0.1, 1.0]. */
    public void refreshAhead(double fraction) {
      if (!(fraction >= 0.1 && fraction <= 1.0)) {
        throw new IllegalArgumentException(
            "refreshAhead must be within [0.1, 1.0], got " + fraction);
      }
      this.refreshAhead = fraction;
    }

    /** Sets the least time between forced refreshes, positive. */
    public void forcedRefreshInterval(Duration interval) {
      this.forcedRefreshInterval = positive(interval, "forcedRefreshInterval");
    }

    /** Sets the longest staleness, zero or positive. */
    public void maxStaleness(Duration staleness) {
      if (Objects.requireNonNull(staleness, "maxStaleness").isNegative()) {
        throw new IllegalArgumentException("maxStaleness must not be negative");
      }
      this.maxStaleness = staleness;
    }

    /** Sets the clock, not null. */
    public void clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Sets the algorithm whose keys are kept, {@code ES256} or {@code RS256}. */
    public void algorithm(String algorithm) {
      this.algorithm = Jwks.algorithm(Objects.requireNonNull(algorithm, "algorithm"));
    }

    /** Sets the listener, not null. */
    public void listener(IapEventListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Returns the settings without changing this draft.
     *
     * @param uriOverride a URI that replaces this draft's, or null
     * @param algorithmOverride an algorithm that replaces this draft's, or null
     * @param defaultClock the clock unless this draft has one
     * @param defaultListener the listener unless this draft has one
     * @return the settings
     */
    public KeySourceSettings build(
        @Nullable URI uriOverride,
        @Nullable String algorithmOverride,
        Clock defaultClock,
        IapEventListener defaultListener) {
      return new KeySourceSettings(
          uriOverride != null ? uriOverride : uri,
          httpClient,
          connectTimeout,
          requestTimeout,
          maxBytes,
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
}
