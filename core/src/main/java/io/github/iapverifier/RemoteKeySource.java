package io.github.iapverifier;

import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.Jwks;
import io.github.iapverifier.internal.LimitedBody;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default key source: fetches IAP's JSON Web Key Set over HTTPS and keeps it fresh.
 *
 * <ul>
 *   <li>Keys are cached for the response's {@code Cache-Control: max-age} minus its {@code Age},
 *       clamped to {@linkplain Builder#ttlBounds bounds}; {@code no-cache} and {@code no-store} mean the
 *       lower bound.
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
 *   <li>A key that stays published stays the same {@link IapSigningKey} instance across
 *       refreshes, so cached verifications survive them; a withdrawn key is gone at once.
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
  private static final Pattern NO_CACHE = Pattern.compile("(?:^|[,\\s])no-(?:cache|store)\\b");
  private static final long FIRST_BACKOFF = 1000;
  private static final long MAX_BACKOFF = Duration.ofMinutes(5).toMillis();
  private static final int MAX_REDIRECTS = 3;
  // Skipped keys are logged once each; the bound keeps a server that invents ids from growing it.
  private static final int MAX_REPORTED_SKIPS = 256;

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

  // Written only under lock (by fetch completion and close), read without it on the hot path.
  private final Object lock = new Object();
  private volatile Snapshot snapshot;
  private volatile long nextAttemptAt; // epoch millis before which no fetch starts (backoff)
  private volatile Throwable lastError;
  private volatile boolean closed;
  private volatile Thread fetchThread;
  private long backoff; // guarded by lock
  private CompletableFuture<Snapshot> inFlight; // guarded by lock
  private final AtomicLong lastForced = new AtomicLong(Long.MIN_VALUE / 2);

  /** The keys of one successful fetch and the times that govern them (epoch millis). */
  private record Snapshot(
      Map<String, IapSigningKey> keys, long fetchedAt, long refreshAt, long expiresAt) {}

  /*
   * Why by hand rather than nimbus's JWKSourceBuilder or a Caffeine loading cache: the cache time
   * comes from each response's Cache-Control (nimbus uses one fixed TTL; Caffeine's
   * refreshAfterWrite is one fixed duration for all entries), the keys must be converted once
   * into IapSigningKey instances that stay the same object across refreshes (the verified-token
   * cache relies on identity), and outage handling needs backoff plus bounded staleness with
   * events in our own listener. What is left is one volatile snapshot and one future; nimbus is
   * still used to parse and check the JWKS, and the HTTP client is the JDK's.
   */

  private RemoteKeySource(Builder b, URI uri, Clock clock, IapEventListener listener) {
    this.uri = uri;
    if ("http".equalsIgnoreCase(uri.getScheme()) && !isLoopback(uri.getHost())) {
      log.warn(
          "IAP keys are fetched over plain http from {}: keys fetched without TLS can be swapped"
              + " in transit; use https (plain http is meant for a local emulator on loopback)",
          uri);
    }
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
    this.clock = clock;
    this.listener = listener;
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "iap-verifier-keys");
              t.setDaemon(true);
              fetchThread = t;
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

  /**
   * {@inheritDoc}
   *
   * <p>Answers from memory in steady state. Waits for the network, at most the {@linkplain
   * Builder#requestTimeout request timeout} in all, only when no keys are held yet (or they
   * expired while idle), or for the one refresh an unknown {@code kid} may force.
   */
  @Override
  public IapSigningKey key(String keyId) {
    Objects.requireNonNull(keyId, "keyId");
    long now = clock.millis();
    Snapshot s = snapshot;
    if (s != null && now < s.refreshAt && !closed) {
      // Steady state, on every verification including cache hits: keep it to a map lookup.
      IapSigningKey key = s.keys.get(keyId);
      if (key != null) {
        return key;
      }
    }
    return lookUp(keyId, now, s);
  }

  private IapSigningKey lookUp(String keyId, long now, Snapshot before) {
    // One deadline for the whole lookup: it may wait for a fetch, then for a forced one.
    long deadline = System.nanoTime() + requestTimeout.toNanos();
    Snapshot s = current(now, deadline);
    IapSigningKey key = s.keys.get(keyId);
    if (key != null || s != before) {
      // Either found, or the keys were fetched during this very lookup: a forced refresh would
      // fetch the same document again.
      return key;
    }
    if (now < nextAttemptAt) {
      // Fetches are failing and asking again now would defeat the backoff; the last good keys
      // lack this kid, but only a successful fetch could tell whether it is published.
      throw unknownWhileFailing(keyId);
    }
    CompletableFuture<Snapshot> flight;
    long last = lastForced.get();
    if (now - last >= forcedInterval && lastForced.compareAndSet(last, now)) {
      flight = refresh(now);
    } else {
      // Rate limited; but a fetch already running may bring this key (a rotation seen by many
      // requests at once), and waiting for it costs no extra fetch.
      flight = running();
      if (flight == null) {
        Snapshot latest = snapshot;
        if (latest != s && latest != null) {
          // A fetch completed since this lookup read the keys: it decides.
          return latest.keys.get(keyId);
        }
        if (lastError != null) {
          throw unknownWhileFailing(keyId);
        }
        notify(l -> l.refreshRateLimited(keyId));
        return null;
      }
    }
    Snapshot refreshed = flight == null ? null : await(flight, deadline);
    if (refreshed == null) {
      // The fetch that would have decided failed or is late: an outage, not the token's fault.
      throw unknownWhileFailing(keyId);
    }
    return refreshed.keys.get(keyId);
  }

  private IapVerificationException unknownWhileFailing(String keyId) {
    Throwable e = lastError;
    return new IapVerificationException(
        Reason.KEYS_UNAVAILABLE,
        "kid '"
            + IapAudience.printable(keyId)
            + "' is not among the keys held and the current set could not be fetched from "
            + uri
            + " ("
            + (e != null ? describe(e) : "no answer within " + requestTimeout.toMillis() + " ms")
            + "); check outbound HTTPS access to that host",
        null);
  }

  /**
   * Fetches the keys now unless usable ones are held, waiting at most the request timeout. Call at
   * start-up so the first request does not wait.
   *
   * @throws IapVerificationException with {@link Reason#KEYS_UNAVAILABLE} if no keys could be had
   */
  public void warmUp() {
    current(clock.millis(), System.nanoTime() + requestTimeout.toNanos());
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
   * staleness, and the source is not closed.
   *
   * @return true if lookups can be answered from memory
   */
  public boolean hasUsableKeys() {
    Snapshot s = snapshot;
    return !closed && s != null && clock.millis() < s.expiresAt + maxStaleness;
  }

  /**
   * Returns the URI keys are fetched from.
   *
   * @return the URI, never null
   */
  public URI jwksUri() {
    return uri;
  }

  /**
   * Stops the fetch thread, abandoning a fetch in progress, and waits (at most the request timeout)
   * for it to end; lookups afterwards fail with {@link Reason#KEYS_UNAVAILABLE}. Idempotent.
   */
  @Override
  public void close() {
    CompletableFuture<Snapshot> flight;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      flight = inFlight;
    }
    // Interrupting the fetch thread cancels its HTTP exchange (see load).
    executor.shutdownNow();
    if (flight != null) {
      // A fetch dropped from the queue before it started would never release its waiters.
      flight.completeExceptionally(new IOException("the key source was closed"));
    }
    try {
      if (Thread.currentThread() == fetchThread) {
        // Closed by a listener on the fetch thread itself: it ends when the listener returns.
        log.debug("Key source closed from its own fetch thread");
      } else if (!executor.awaitTermination(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("The IAP key fetch thread did not stop within {}", requestTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ownsClient) {
      closeClient(client);
    }
  }

  /**
   * The one rule for a key set URI, shared by both builders: absolute http(s) with a host, and no
   * user-info (credentials in a URI end up in logs and events).
   */
  static URI checkJwksUri(URI jwksUri) {
    Objects.requireNonNull(jwksUri, "jwksUri");
    String scheme = jwksUri.getScheme();
    if (!("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))
        || jwksUri.getHost() == null
        || jwksUri.getRawUserInfo() != null) {
      String shown =
          jwksUri.getRawUserInfo() == null
              ? jwksUri.toString()
              : jwksUri.toString().replace(jwksUri.getRawUserInfo() + "@", "***@");
      throw new IllegalArgumentException(
          "jwksUri must be an absolute http(s) URI without user-info, such as "
              + DEFAULT_JWKS_URI
              + ", got '"
              + IapAudience.printable(shown)
              + "'");
    }
    return jwksUri;
  }

  /** Loopback by name or literal address, decided without DNS. */
  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost")
        || h.endsWith(".localhost")
        || h.equals("[::1]")
        || h.matches("127(\\.[0-9]{1,3}){3}");
  }

  /** Returns keys usable now, waiting for the network only when none are, until the deadline. */
  private Snapshot current(long now, long deadline) {
    if (closed) {
      throw unavailable("the key source is closed");
    }
    Snapshot s = snapshot;
    if (s != null && now < s.expiresAt) {
      if (now >= s.refreshAt) {
        refresh(now);
      }
      return s;
    }
    boolean stale = s != null && now < s.expiresAt + maxStaleness;
    if (stale && (lastError != null || refreshRunning())) {
      // An outage, or a refresh started before expiry that is still running: answer from the
      // last good keys at once; the fetch (or the retries, paced by the backoff) runs in the
      // background.
      refresh(now);
      notifyStale(s, now);
      return s;
    }
    // No keys yet, or they expired while the app was idle: this lookup has to wait.
    CompletableFuture<Snapshot> flight = refresh(now);
    Snapshot fetched = flight == null ? null : await(flight, deadline);
    if (fetched != null) {
      return fetched;
    }
    if (stale) {
      notifyStale(s, now);
      return s;
    }
    throw unavailable(flight == null ? null : "no keys within " + requestTimeout.toMillis() + " ms");
  }

  private boolean refreshRunning() {
    synchronized (lock) {
      return inFlight != null;
    }
  }

  private void notifyStale(Snapshot s, long now) {
    Duration age = Duration.ofMillis(now - s.fetchedAt);
    notify(l -> l.staleKeysServed(age));
  }

  private IapVerificationException unavailable(String why) {
    Throwable e = lastError;
    String detail = e != null ? describe(e) : why;
    return new IapVerificationException(
        Reason.KEYS_UNAVAILABLE,
        "IAP's signing keys are unavailable from "
            + uri
            + (detail == null ? "" : " (" + detail + ")")
            + "; check outbound HTTPS access to that host, or configure a static key source",
        null);
  }

  /** Waits for a fetch until the deadline (System.nanoTime); null if it failed or is late. */
  private static Snapshot await(CompletableFuture<Snapshot> flight, long deadline) {
    try {
      return flight.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException | TimeoutException | CancellationException e) {
      return null;
    }
  }

  private CompletableFuture<Snapshot> running() {
    synchronized (lock) {
      return inFlight;
    }
  }

  /**
   * Starts a fetch unless one is running (then returns that one), the last one failed too
   * recently, or the source is closed (then returns null).
   */
  private CompletableFuture<Snapshot> refresh(long now) {
    synchronized (lock) {
      if (inFlight != null) {
        return inFlight;
      }
      if (closed || now < nextAttemptAt) {
        return null;
      }
      CompletableFuture<Snapshot> flight = new CompletableFuture<>();
      try {
        executor.execute(() -> fetch(flight));
      } catch (RejectedExecutionException e) {
        return null;
      }
      inFlight = flight;
      return flight;
    }
  }

  private void fetch(CompletableFuture<Snapshot> flight) {
    long started = clock.millis();
    long startNanos = System.nanoTime();
    Snapshot loaded = null;
    Exception failure = null;
    try {
      loaded = load(started);
    } catch (IOException | InterruptedException | RuntimeException e) {
      failure = e;
    } finally {
      if (loaded == null && failure == null) {
        // An Error escaped load: still release the waiters and the single-flight slot.
        failure = new IOException("the fetch failed unexpectedly");
      }
      Snapshot previous;
      long delay = 0;
      synchronized (lock) {
        previous = snapshot;
        if (loaded != null) {
          loaded = keepInstances(previous, loaded);
          snapshot = loaded;
          lastError = null;
          backoff = 0;
          nextAttemptAt = 0;
        } else if (!closed) {
          delay = backoff == 0 ? FIRST_BACKOFF : Math.min(backoff * 2, MAX_BACKOFF);
          backoff = delay;
          nextAttemptAt = clock.millis() + delay;
          lastError = failure;
        }
        // Cleared before completing, so that a lookup woken by this fetch that wants another one
        // starts a new fetch instead of getting this finished one back.
        inFlight = null;
      }
      Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
      // Events before waking the waiters: whoever waited for this fetch (warmUp, a health
      // check) sees its events delivered. Listeners must not block, so this costs nothing.
      try {
        if (loaded != null) {
          reportFetched(previous, loaded, took);
        } else if (!closed) {
          reportFailed(failure, delay, took);
        }
      } finally {
        if (loaded != null) {
          flight.complete(loaded);
        } else {
          flight.completeExceptionally(failure);
        }
      }
    }
  }

  private void reportFetched(Snapshot previous, Snapshot loaded, Duration took) {
    Map<String, IapSigningKey> keys = loaded.keys;
    if (previous != null) {
      reportRotation(previous.keys, keys);
    }
    // Last, so that an observer who saw the fetch has seen its rotation too.
    notify(l -> l.keysFetched(uri, took, keys.keySet()));
  }

  private void reportRotation(Map<String, IapSigningKey> before, Map<String, IapSigningKey> keys) {
    // A kid whose key material changed counts as withdrawn and added.
    Set<String> added = new TreeSet<>();
    Set<String> removed = new TreeSet<>();
    keys.forEach((id, k) -> {
      if (before.get(id) != k) {
        added.add(id);
      }
    });
    before.forEach((id, k) -> {
      if (keys.get(id) != k) {
        removed.add(id);
      }
    });
    if (!added.isEmpty() || !removed.isEmpty()) {
      log.info("IAP keys rotated: added {}, removed {}", added, removed);
      Set<String> a = Collections.unmodifiableSet(added);
      Set<String> r = Collections.unmodifiableSet(removed);
      notify(l -> l.keysRotated(a, r));
    }
  }

  private void reportFailed(Exception failure, long delay, Duration took) {
    log.warn(
        "Fetching IAP keys from {} failed ({}); next attempt in {} ms at the earliest",
        uri,
        describe(failure),
        delay);
    notify(l -> l.keysFetchFailed(uri, took, failure));
  }

  /**
   * Returns the loaded snapshot with each key that is still published unchanged replaced by the
   * instance already in use: the verified-token cache honours an entry only while the source
   * returns the very instance that verified it, so a refresh must not invalidate it.
   */
  private static Snapshot keepInstances(Snapshot previous, Snapshot loaded) {
    if (previous == null) {
      return loaded;
    }
    Map<String, IapSigningKey> keys = new LinkedHashMap<>();
    loaded.keys.forEach((id, k) -> {
      IapSigningKey old = previous.keys.get(id);
      keys.put(id, old != null && sameKey(old, k) ? old : k);
    });
    return new Snapshot(
        Collections.unmodifiableMap(keys), loaded.fetchedAt, loaded.refreshAt, loaded.expiresAt);
  }

  private static boolean sameKey(IapSigningKey a, IapSigningKey b) {
    return Arrays.equals(a.publicKey().getEncoded(), b.publicKey().getEncoded());
  }

  private Snapshot load(long now) throws IOException, InterruptedException {
    // One deadline for the whole fetch, redirects and body included.
    long deadline = System.nanoTime() + requestTimeout.toNanos();
    URI target = uri;
    for (int hop = 0; ; hop++) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw timedOut();
      }
      HttpRequest request =
          HttpRequest.newBuilder(target)
              .timeout(Duration.ofNanos(remaining))
              .header("Accept", "application/json")
              .GET()
              .build();
      LimitedBody.Handler body = LimitedBody.handler(maxBytes);
      CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request, body);
      HttpResponse<byte[]> response;
      try {
        // Bounds the body too: HttpRequest.timeout covers only the wait for the headers, and a
        // server could drip the body a byte at a time.
        response = exchange.get(remaining, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        exchange.cancel(true); // aborts the exchange and closes its connection
        throw timedOut();
      } catch (InterruptedException e) {
        exchange.cancel(true);
        throw e;
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (body.exceeded()) {
          throw body.tooLarge();
        }
        if (cause instanceof HttpTimeoutException) {
          throw timedOut();
        }
        throw cause instanceof IOException ? (IOException) cause : new IOException(cause);
      }
      if (!sameOrigin(uri, response.uri())) {
        // Only possible with an injected client that follows redirects itself.
        throw new IOException("the response came from another origin, " + origin(response.uri()));
      }
      int status = response.statusCode();
      if (status >= 300 && status < 400 && hop < MAX_REDIRECTS) {
        URI next = response.headers().firstValue("Location").map(target::resolve).orElse(null);
        if (next == null || !sameOrigin(uri, next)) {
          throw new IOException(
              "HTTP "
                  + status
                  + " redirect "
                  + (next == null ? "without a Location" : "to " + origin(next))
                  + " is not followed: only redirects within "
                  + origin(uri)
                  + " are");
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
        if (reportedSkips.size() < MAX_REPORTED_SKIPS && reportedSkips.add(skipped)) {
          log.warn("Skipping key {} from {}", skipped, uri);
        }
      }
      if (jwks.keys().isEmpty()) {
        throw new IOException(
            "the key set holds no usable EC P-256 signing key (skipped: " + jwks.skipped() + ")");
      }
      long ttl = ttl(response);
      return new Snapshot(jwks.keys(), now, now + (long) (ttl * refreshAhead), now + ttl);
    }
  }

  private HttpTimeoutException timedOut() {
    return new HttpTimeoutException(
        "no complete response within " + requestTimeout.toMillis() + " ms");
  }

  private long ttl(HttpResponse<?> response) {
    String cacheControl =
        String.join(",", response.headers().allValues("Cache-Control")).toLowerCase(Locale.ROOT);
    long ttl = defaultTtl;
    Matcher m = MAX_AGE.matcher(cacheControl);
    if (NO_CACHE.matcher(cacheControl).find()) {
      // Revalidation on every use is not something a verifier can afford; the shortest allowed
      // cache time is the closest honest answer.
      ttl = minTtl;
    } else if (m.find()) {
      long seconds = parseSeconds(m.group(1));
      long age = response.headers().firstValue("Age").map(RemoteKeySource::parseSeconds).orElse(0L);
      ttl = Math.max(0, seconds - age) * 1000;
    }
    return Math.max(minTtl, Math.min(maxTtl, ttl));
  }

  private static long parseSeconds(String s) {
    String t = s.strip();
    try {
      return Math.max(0, Long.parseLong(t));
    } catch (NumberFormatException e) {
      // Too many digits saturates (RFC 9111 section 1.2.2); anything else counts as zero.
      return t.matches("\\d+") ? Long.MAX_VALUE / 1000 : 0;
    }
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme() != null
        && a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI u) {
    if (u.getPort() != -1) {
      return u.getPort();
    }
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  private static String origin(URI u) {
    return u.getScheme() + "://" + u.getHost() + ":" + port(u);
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static void closeClient(HttpClient client) {
    // HttpClient gained shutdownNow() in Java 21; on 17 its threads end when it is collected.
    // Reflection because this library compiles for 17.
    try {
      HttpClient.class.getMethod("shutdownNow").invoke(client);
    } catch (NoSuchMethodException e) {
      // Java 17-20: nothing to do.
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.debug("Shutting the HTTP client down failed", e);
    }
  }

  private void notify(Consumer<IapEventListener> event) {
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
    private Clock clock;
    private IapEventListener listener;

    private Builder() {}

    /**
     * Sets where keys are fetched from. Default {@value RemoteKeySource#DEFAULT_JWKS_URI}.
     *
     * @param jwksUri an absolute http or https URI without user-info, not null
     * @return this builder
     * @throws IllegalArgumentException if the URI is not such a URI
     */
    public Builder jwksUri(URI jwksUri) {
      this.jwksUri = checkJwksUri(jwksUri);
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
     * the longest a lookup waits for keys. Default 2 s: a ~1 KiB document normally arrives in
     * well under 100 ms, and only a lookup with no usable keys (or an unknown key id) waits.
     *
     * @param timeout positive, not null
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /**
     * Sets the largest accepted response body, in bytes. Default 64 KiB: Google's set is ~1 KiB,
     * so there is room for many more keys, yet a hostile server cannot make us buffer much.
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
     * request; the upper bound makes a withdrawn key stop being trusted within a day whatever
     * the server claims.
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
     * Sets the share of the TTL after which a lookup starts a background refresh. Default 0.8:
     * the remaining fifth (12 min of an hour) leaves time for retries with backoff before the
     * keys expire, so a short outage never makes them stale.
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
     * Sets the least time between two refreshes forced by unknown key ids. Default 30 s: a flood
     * of invented ids costs Google at most two fetches a minute per instance, and a genuinely new
     * key is seen within 30 s at worst.
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
     * yet an app cut off from Google for longer fails closed instead of trusting keys that may
     * have been withdrawn. Zero never serves stale keys.
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
     * verifier's listener when this builder is given to {@link IapVerifier.Builder#remoteKeySource}.
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
      return build(null, Clock.systemUTC(), IapEventListener.NONE);
    }

    /**
     * Builds for a verifier without changing this builder: the verifier's URI replaces this one
     * when set, its clock and listener apply where this builder set none.
     */
    RemoteKeySource build(URI uriOverride, Clock defaultClock, IapEventListener defaultListener) {
      return new RemoteKeySource(
          this,
          uriOverride != null ? uriOverride : jwksUri,
          clock != null ? clock : defaultClock,
          listener != null ? listener : defaultListener);
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
