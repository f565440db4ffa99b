package io.github.iapverifier;

import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.Jwks;
import io.github.iapverifier.internal.LimitedBody;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default key source: fetches IAP's JSON Web Key Set over HTTPS and keeps it fresh.
 *
 * <ul>
 *   <li>Keys are cached for the response's {@code Cache-Control: max-age} minus its {@code Age},
 *       clamped to [{@linkplain Builder#minTtl min}, {@linkplain Builder#maxTtl max}].
 *   <li>Once {@linkplain Builder#refreshAhead a share} of that time has passed, the next lookup
 *       starts a refresh in the background and keeps answering from the current keys: in steady
 *       state no request waits on the network.
 *   <li>A {@code kid} not in the set forces one refresh (single flight: concurrent lookups share
 *       it), at most once per {@linkplain Builder#forcedRefreshInterval interval}; then the key is
 *       unknown.
 *   <li>When refreshes fail, the last good keys keep serving up to a {@linkplain
 *       Builder#maxStaleness maximum staleness} past their expiry, while retries back off. With no
 *       usable keys, lookups fail fast with {@link Reason#KEYS_UNAVAILABLE}.
 *   <li>Every fetch has connect and response timeouts and a body size limit, follows redirects
 *       only to the same origin, and keeps only EC P-256 signing keys. {@code jku} and similar
 *       token headers are never consulted: the URI is configuration, not input.
 * </ul>
 *
 * <p>Thread-safe. Fetches run on one daemon thread that {@link #close()} stops.
 */
public final class RemoteKeySource implements IapKeySource, AutoCloseable {

  /** Where Google publishes IAP's keys. */
  public static final String DEFAULT_JWKS_URI = "https://www.gstatic.com/iap/verify/public_key-jwk";

  private static final Logger log = LoggerFactory.getLogger(RemoteKeySource.class);
  private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*\"?(\\d+)");
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  private static final int MAX_REDIRECTS = 3;

  private final URI uri;
  private final HttpClient client;
  private final boolean ownsClient;
  private final Duration requestTimeout;
  private final int maxBytes;
  private final long minTtl;
  private final long maxTtl;
  private final long defaultTtl;
  private final double refreshAhead;
  private final long forcedInterval;
  private final long maxStaleness;
  private final Clock clock;
  private final IapEventListener listener;
  private final ExecutorService executor;
  private final Set<String> reportedSkips = ConcurrentHashMap.newKeySet();

  private volatile Snapshot snapshot;
  private final Object lock = new Object();
  private CompletableFuture<Snapshot> inFlight; // guarded by lock
  private volatile long nextAttemptAt; // earliest time of the next fetch after a failure
  private volatile long backoff;
  private volatile Throwable lastError;
  private final AtomicLong lastForced = new AtomicLong(Long.MIN_VALUE / 2);
  private volatile boolean closed;

  /** The keys of one successful fetch and the times that govern them (epoch millis). */
  private record Snapshot(
      Map<String, IapSigningKey> keys, long fetchedAt, long refreshAt, long expiresAt) {}

  private RemoteKeySource(Builder b) {
    this.uri = b.jwksUri;
    this.ownsClient = b.httpClient == null;
    this.client =
        ownsClient
            ? HttpClient.newBuilder()
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build()
            : b.httpClient;
    this.requestTimeout = b.requestTimeout;
    this.maxBytes = b.maxResponseBytes;
    this.minTtl = b.minTtl.toMillis();
    this.maxTtl = b.maxTtl.toMillis();
    this.defaultTtl = b.defaultTtl.toMillis();
    this.refreshAhead = b.refreshAhead;
    this.forcedInterval = b.forcedRefreshInterval.toMillis();
    this.maxStaleness = b.maxStaleness.toMillis();
    this.clock = b.clock;
    this.listener = b.listener;
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "iap-verifier-keys");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts building a remote key source with the defaults described on {@link Builder}.
   *
   * @return a new builder, not thread-safe
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public IapSigningKey key(String keyId) {
    Objects.requireNonNull(keyId, "keyId");
    long now = clock.millis();
    Snapshot s = current(now);
    IapSigningKey key = s.keys.get(keyId);
    if (key != null) {
      return key;
    }
    long last = lastForced.get();
    if (now - last < forcedInterval || !lastForced.compareAndSet(last, now)) {
      notify(l -> l.refreshRateLimited(keyId));
      return null;
    }
    Snapshot refreshed = await(refresh(), s);
    return refreshed == null ? null : refreshed.keys.get(keyId);
  }

  /**
   * Fetches the keys now unless fresh ones are held, waiting at most the request timeout. Call at
   * start-up so the first request does not wait.
   *
   * @throws IapVerificationException with {@link Reason#KEYS_UNAVAILABLE} if no keys could be had
   */
  public void warmUp() {
    current(clock.millis());
  }

  /**
   * Returns when the keys in use were fetched, for health reporting.
   *
   * @return the fetch time, or empty before the first successful fetch
   */
  public Optional<Instant> lastFetchedAt() {
    Snapshot s = snapshot;
    return s == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(s.fetchedAt));
  }

  /**
   * Returns the last fetch failure since the last success, for health reporting.
   *
   * @return a description of the failure, or empty if the last fetch succeeded
   */
  public Optional<String> lastError() {
    Throwable e = lastError;
    return e == null ? Optional.empty() : Optional.of(describe(e));
  }

  /**
   * Tells whether keys can be served now without a fetch: fresh, or stale within the allowed
   * staleness.
   *
   * @return true if lookups can be answered from memory
   */
  public boolean hasUsableKeys() {
    Snapshot s = snapshot;
    return s != null && clock.millis() < s.expiresAt + maxStaleness;
  }

  /**
   * Returns the URI keys are fetched from.
   *
   * @return the URI, never null
   */
  public URI jwksUri() {
    return uri;
  }

  /** Stops the fetch thread; lookups afterwards fail with {@link Reason#KEYS_UNAVAILABLE}. */
  @Override
  public void close() {
    closed = true;
    executor.shutdownNow();
    if (ownsClient && (Object) client instanceof AutoCloseable) {
      // HttpClient is closeable from Java 21 on; on 17 its threads end when it is collected.
      try {
        ((AutoCloseable) (Object) client).close();
      } catch (Exception e) {
        log.debug("Closing the HTTP client failed", e);
      }
    }
  }

  /** Returns keys usable now, fetching synchronously only when there are none fresh. */
  private Snapshot current(long now) {
    Snapshot s = snapshot;
    if (s != null && now < s.expiresAt) {
      if (now >= s.refreshAt && now >= nextAttemptAt) {
        refresh();
      }
      return s;
    }
    boolean stale = s != null && now < s.expiresAt + maxStaleness;
    if (now < nextAttemptAt || closed) {
      // A fetch failed moments ago: answer at once instead of making every request wait.
      if (stale) {
        notifyStale(s, now);
        return s;
      }
      throw unavailable();
    }
    Snapshot fetched = await(refresh(), null);
    if (fetched != null) {
      return fetched;
    }
    if (stale) {
      notifyStale(s, now);
      return s;
    }
    throw unavailable();
  }

  private void notifyStale(Snapshot s, long now) {
    Duration age = Duration.ofMillis(now - s.fetchedAt);
    notify(l -> l.staleKeysServed(age));
  }

  private IapVerificationException unavailable() {
    Throwable e = lastError;
    return new IapVerificationException(
        Reason.KEYS_UNAVAILABLE,
        "IAP's signing keys are unavailable from "
            + uri
            + (e == null ? "" : " (" + describe(e) + ")")
            + "; check outbound HTTPS access to that host, or configure a static key source",
        null);
  }

  /** Waits for a fetch, bounded by the request timeout; null (or the fallback) if it failed. */
  private Snapshot await(CompletableFuture<Snapshot> future, Snapshot fallback) {
    try {
      return future.get(requestTimeout.toMillis() + 500, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fallback;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return fallback;
    }
  }

  /** Starts a fetch unless one is running; returns the running or new one. */
  private CompletableFuture<Snapshot> refresh() {
    synchronized (lock) {
      if (inFlight != null) {
        return inFlight;
      }
      CompletableFuture<Snapshot> f = new CompletableFuture<>();
      inFlight = f;
      try {
        executor.execute(() -> fetch(f));
      } catch (RuntimeException e) { // rejected after close
        inFlight = null;
        f.completeExceptionally(e);
      }
      return f;
    }
  }

  private void fetch(CompletableFuture<Snapshot> future) {
    long started = clock.millis();
    long startNanos = System.nanoTime();
    try {
      Snapshot s = load(started);
      Snapshot previous = snapshot;
      snapshot = s;
      lastError = null;
      backoff = 0;
      nextAttemptAt = 0;
      Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
      notify(l -> l.keysFetched(uri, took, s.keys.keySet()));
      if (previous != null && !previous.keys.keySet().equals(s.keys.keySet())) {
        Set<String> added = new HashSet<>(s.keys.keySet());
        added.removeAll(previous.keys.keySet());
        Set<String> removed = new HashSet<>(previous.keys.keySet());
        removed.removeAll(s.keys.keySet());
        log.info("IAP keys rotated: added {}, removed {}", added, removed);
        notify(l -> l.keysRotated(Set.copyOf(added), Set.copyOf(removed)));
      }
      future.complete(s);
    } catch (Exception e) {
      Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
      long delay = backoff == 0 ? 1000 : Math.min(backoff * 2, MAX_BACKOFF.toMillis());
      backoff = delay;
      nextAttemptAt = clock.millis() + delay;
      lastError = e;
      log.warn(
          "Fetching IAP keys from {} failed ({}); next attempt in {} ms",
          uri,
          describe(e),
          delay);
      notify(l -> l.keysFetchFailed(uri, took, e));
      future.completeExceptionally(e);
    } finally {
      synchronized (lock) {
        inFlight = null;
      }
    }
  }

  private Snapshot load(long now) throws IOException, InterruptedException {
    URI target = uri;
    for (int hop = 0; ; hop++) {
      HttpRequest request =
          HttpRequest.newBuilder(target)
              .timeout(requestTimeout)
              .header("Accept", "application/json")
              .GET()
              .build();
      HttpResponse<byte[]> response;
      try {
        response =
            client
                .sendAsync(request, LimitedBody.handler(maxBytes))
                .get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new IOException("no complete response within " + requestTimeout.toMillis() + " ms");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        throw cause instanceof IOException ? (IOException) cause : new IOException(cause);
      }
      int status = response.statusCode();
      if (status >= 300 && status < 400 && hop < MAX_REDIRECTS) {
        URI next =
            response.headers().firstValue("Location").map(target::resolve).orElse(null);
        if (next == null || !sameOrigin(uri, next)) {
          throw new IOException("HTTP " + status + " redirect to another origin is not followed");
        }
        target = next;
        continue;
      }
      if (status != 200) {
        throw new IOException("HTTP " + status);
      }
      Jwks jwks;
      try {
        jwks = Jwks.parse(new String(response.body(), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new IOException("malformed key set: " + e.getMessage());
      }
      for (String skipped : jwks.skipped()) {
        if (reportedSkips.add(skipped)) {
          log.warn("Skipping key {} from {}", skipped, uri);
        }
      }
      if (jwks.keys().isEmpty()) {
        throw new IOException("the key set holds no usable EC P-256 signing key");
      }
      long ttl = ttl(response);
      return new Snapshot(jwks.keys(), now, now + (long) (ttl * refreshAhead), now + ttl);
    }
  }

  private long ttl(HttpResponse<?> response) {
    String cacheControl =
        String.join(",", response.headers().allValues("Cache-Control")).toLowerCase(Locale.ROOT);
    Matcher m = MAX_AGE.matcher(cacheControl);
    long ttl = defaultTtl;
    if (m.find()) {
      long seconds = parseSeconds(m.group(1));
      long age = response.headers().firstValue("Age").map(RemoteKeySource::parseSeconds).orElse(0L);
      ttl = Math.max(0, seconds - age) * 1000;
    } else if (cacheControl.contains("no-cache") || cacheControl.contains("no-store")) {
      ttl = minTtl;
    }
    return Math.max(minTtl, Math.min(maxTtl, ttl));
  }

  private static long parseSeconds(String s) {
    try {
      return Math.max(0, Long.parseLong(s.strip()));
    } catch (NumberFormatException e) {
      return s.strip().matches("\\d+") ? Long.MAX_VALUE / 1000 : 0;
    }
  }

  private static boolean sameOrigin(URI a, URI b) {
    return Objects.equals(a.getScheme(), b.getScheme())
        && a.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost())
        && a.getPort() == b.getPort();
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private void notify(java.util.function.Consumer<IapEventListener> event) {
    try {
      event.accept(listener);
    } catch (RuntimeException e) {
      log.warn("IapEventListener threw; ignored", e);
    }
  }

  /**
   * Builds a {@link RemoteKeySource}. Defaults: Google's URI, 2 s connect and response timeouts,
   * 64 KiB body limit, TTL from {@code Cache-Control} clamped to [5 min, 24 h] (1 h without one),
   * refresh after 80% of the TTL, one forced refresh per 30 s, stale keys served up to 24 h past
   * expiry. Not thread-safe.
   */
  public static final class Builder {
    private URI jwksUri = URI.create(DEFAULT_JWKS_URI);
    private HttpClient httpClient;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration requestTimeout = Duration.ofSeconds(2);
    private int maxResponseBytes = 64 * 1024;
    private Duration minTtl = Duration.ofMinutes(5);
    private Duration maxTtl = Duration.ofHours(24);
    private Duration defaultTtl = Duration.ofHours(1);
    private double refreshAhead = 0.8;
    private Duration forcedRefreshInterval = Duration.ofSeconds(30);
    private Duration maxStaleness = Duration.ofHours(24);
    private Clock clock = Clock.systemUTC();
    private IapEventListener listener = IapEventListener.NONE;

    private Builder() {}

    /**
     * Sets where keys are fetched from. Default {@value RemoteKeySource#DEFAULT_JWKS_URI}.
     *
     * @param jwksUri an absolute http or https URI, not null
     * @return this builder
     */
    public Builder jwksUri(URI jwksUri) {
      Objects.requireNonNull(jwksUri, "jwksUri");
      String scheme = jwksUri.getScheme();
      if (!("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))
          || jwksUri.getHost() == null) {
        throw new IllegalArgumentException(
            "jwksUri must be an absolute http(s) URI, got '" + jwksUri + "'");
      }
      this.jwksUri = jwksUri;
      return this;
    }

    /**
     * Uses this HTTP client (proxy, TLS settings). Its own connect timeout and redirect policy
     * apply; the response timeout and size limit of this builder still do. Not closed by the
     * source.
     *
     * @param httpClient the client, not null
     * @return this builder
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /**
     * Sets the TCP connect timeout of the default client. Default 2 s.
     *
     * @param timeout positive, not null
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Sets how long a fetch may take from request to the last byte. Default 2 s.
     *
     * @param timeout positive, not null
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /**
     * Sets the largest accepted response body, in bytes. Default 64 KiB (Google's set is ~1 KiB).
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
     * Sets the bounds the {@code Cache-Control: max-age} is clamped to. Defaults 5 min and 24 h.
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
     * Sets the cache time when the response has no {@code max-age}, before clamping. Default 1 h.
     *
     * @param ttl positive, not null
     * @return this builder
     */
    public Builder defaultTtl(Duration ttl) {
      this.defaultTtl = positive(ttl, "defaultTtl");
      return this;
    }

    /**
     * Sets the share of the TTL after which a lookup starts a background refresh. Default 0.8.
     *
     * @param fraction between 0.1 and 1.0
     * @return this builder
     */
    public Builder refreshAhead(double fraction) {
      if (!(fraction >= 0.1 && fraction <= 1.0)) {
        throw new IllegalArgumentException("refreshAhead must be within [0.1, 1.0], got " + fraction);
      }
      this.refreshAhead = fraction;
      return this;
    }

    /**
     * Sets the least time between two refreshes forced by unknown key ids. Default 30 s.
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
     * 24 h; zero never serves stale keys.
     *
     * @param staleness zero or positive, not null
     * @return this builder
     */
    public Builder maxStaleness(Duration staleness) {
      Objects.requireNonNull(staleness, "maxStaleness");
      if (staleness.isNegative()) {
        throw new IllegalArgumentException("maxStaleness must not be negative");
      }
      this.maxStaleness = staleness;
      return this;
    }

    /**
     * Sets the clock for cache times. Default: the system UTC clock.
     *
     * @param clock the clock, not null
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the observer of fetches, rotations, staleness and rate limiting. Default: none.
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
      return new RemoteKeySource(this);
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
