package io.github.iapverifier.internal.keys;

import io.github.iapverifier.IapEventListener;
import io.github.iapverifier.IapKeySource;
import io.github.iapverifier.IapSigningKey;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.SafeListener;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key lifecycle: answers lookups from the current {@link KeySet} and decides when to fetch a
 * new one (refresh ahead of expiry in the background, one forced refresh per interval for an
 * unknown kid, a synchronous fetch only with no usable keys), when stale keys may serve (bounded,
 * while fetches fail) and whose fault a failed lookup is. Fetching is {@link KeySetFetcher}'s,
 * cache times {@link CacheControl}'s, the single flight {@link FetchThread}'s, failures {@link
 * Backoff}'s. Thread-safe; lookups in steady state are one volatile read and a map lookup.
 */
public final class RefreshingKeySource implements IapKeySource, AutoCloseable {

  // The public facade's name, so that logging configured for it keeps working.
  private static final Logger log =
      LoggerFactory.getLogger("io.github.iapverifier.RemoteKeySource");

  private final URI uri;
  private final KeySetFetcher fetcher;
  private final CacheControl cacheControl;
  private final FetchThread flights;
  private final Duration requestTimeout;
  private final double refreshAhead;
  private final long forcedInterval;
  private final long maxStaleness;
  private final Clock clock;
  private final IapEventListener listener;

  // Written only under lock (by fetch completion and close), read without it on the hot path.
  private final Object lock = new Object();
  private final Backoff backoff = new Backoff();
  private volatile @Nullable KeySet current;
  private volatile boolean closed;
  private final AtomicLong lastForced = new AtomicLong(Long.MIN_VALUE / 2);

  /**
   * Creates a source; nothing is fetched until the first lookup or {@link #warmUp()}.
   *
   * @param s the settings, validated
   */
  public RefreshingKeySource(KeySourceSettings s) {
    this.uri = s.uri();
    JwksUri.warnIfPlainHttp(uri, "IAP", log);
    this.fetcher =
        new KeySetFetcher(
            uri,
            s.httpClient(),
            s.connectTimeout(),
            s.requestTimeout(),
            s.maxBytes(),
            s.algorithm(),
            log);
    this.cacheControl =
        new CacheControl(s.minTtl().toMillis(), s.maxTtl().toMillis(), s.defaultTtl().toMillis());
    this.requestTimeout = s.requestTimeout();
    this.refreshAhead = s.refreshAhead();
    this.forcedInterval = s.forcedRefreshInterval().toMillis();
    this.maxStaleness = s.maxStaleness().toMillis();
    this.clock = s.clock();
    this.listener = SafeListener.of(s.listener());
    this.flights = new FetchThread(lock, this::fetch, log);
  }

  @Override
  public @Nullable IapSigningKey key(String keyId) {
    Objects.requireNonNull(keyId, "keyId");
    long now = clock.millis();
    KeySet s = current;
    if (s != null && now < s.refreshAt() && !closed) {
      // Steady state, on every verification including cache hits: keep it to a map lookup.
      IapSigningKey key = s.keys().get(keyId);
      if (key != null) {
        return key;
      }
    }
    return lookUp(keyId, now, s);
  }

  /**
   * Returns the held key of this id when usable keys are held, without waiting for any fetch (a
   * background refresh may be started, as {@link #key} would); null when {@link #key} might wait.
   */
  @Override
  public @Nullable IapSigningKey keyIfLoaded(String keyId) {
    Objects.requireNonNull(keyId, "keyId");
    if (closed) {
      return null;
    }
    long now = clock.millis();
    KeySet s = current;
    if (s != null && now < s.refreshAt()) {
      return s.keys().get(keyId);
    }
    KeySet held = held(now, s);
    return held == null ? null : held.keys().get(keyId);
  }

  private @Nullable IapSigningKey lookUp(String keyId, long now, @Nullable KeySet before) {
    // One deadline for the whole lookup: it may wait for a fetch, then for a forced one.
    long deadline = System.nanoTime() + requestTimeout.toNanos();
    KeySet s = usable(now, deadline);
    IapSigningKey key = s.keys().get(keyId);
    if (key != null || s != before) {
      // Either found, or the keys were fetched during this very lookup: a forced refresh would
      // fetch the same document again.
      return key;
    }
    if (backoff.holds(now)) {
      // Fetches are failing and asking again now would defeat the backoff; the last good keys
      // lack this kid, but only a successful fetch could tell whether it is published.
      throw unknownWhileFailing(keyId);
    }
    FetchThread.Flight flight;
    long last = lastForced.get();
    if (now - last >= forcedInterval && lastForced.compareAndSet(last, now)) {
      flight = refresh(now);
    } else {
      // Rate limited; but a fetch already running may bring this key (a rotation seen by many
      // requests at once), and waiting for it costs no extra fetch.
      flight = flights.running();
      if (flight == null) {
        KeySet latest = current;
        if (latest != s && latest != null) {
          // A fetch completed since this lookup read the keys: it decides.
          return latest.keys().get(keyId);
        }
        if (backoff.lastError() != null) {
          throw unknownWhileFailing(keyId);
        }
        listener.refreshRateLimited(keyId);
        return null;
      }
    }
    KeySet refreshed = flight == null ? null : flight.await(deadline);
    if (refreshed == null) {
      // The fetch that would have decided failed or is late: an outage, not the token's fault.
      throw unknownWhileFailing(keyId);
    }
    return refreshed.keys().get(keyId);
  }

  /** Returns keys usable now, waiting for the network only when none are, until the deadline. */
  private KeySet usable(long now, long deadline) {
    if (closed) {
      throw unavailable("the key source is closed");
    }
    KeySet s = current;
    KeySet held = held(now, s);
    if (held != null) {
      return held;
    }
    boolean stale = s != null && now < s.expiresAt() + maxStaleness;
    // No keys yet, or they expired while the app was idle: this lookup has to wait.
    FetchThread.Flight flight = refresh(now);
    KeySet fetched = flight == null ? null : flight.await(deadline);
    if (fetched != null) {
      return fetched;
    }
    if (stale) {
      notifyStale(s, now);
      return s;
    }
    throw unavailable(
        flight == null ? null : "no keys within " + requestTimeout.toMillis() + " ms");
  }

  /** Returns keys {@code s} if usable now without waiting, starting a refresh if due; else null. */
  private @Nullable KeySet held(long now, @Nullable KeySet s) {
    if (s == null) {
      return null;
    }
    if (now < s.expiresAt()) {
      if (now >= s.refreshAt()) {
        refresh(now);
      }
      return s;
    }
    if (now < s.expiresAt() + maxStaleness
        && (backoff.lastError() != null || flights.running() != null)) {
      // An outage, or a refresh started before expiry that is still running: answer from the
      // last good keys at once; the fetch (or the retries, paced by the backoff) runs in the
      // background.
      refresh(now);
      notifyStale(s, now);
      return s;
    }
    return null;
  }

  /** Starts a fetch unless one runs (then joins it), the backoff holds or the source is closed. */
  private FetchThread.@Nullable Flight refresh(long now) {
    synchronized (lock) {
      FetchThread.Flight running = flights.running();
      return running != null || closed || backoff.holds(now) ? running : flights.start();
    }
  }

  /** Runs on the fetch thread; returns the loaded keys or throws why there are none. */
  private KeySet fetch() throws Exception {
    long started = clock.millis();
    long startNanos = System.nanoTime();
    KeySet loaded = null;
    Exception failure = null;
    try {
      KeySetFetcher.Fetched f = fetcher.fetch();
      long ttl = cacheControl.ttl(f.headers());
      loaded = new KeySet(f.keys(), started, started + (long) (ttl * refreshAhead), started + ttl);
    } catch (IOException | InterruptedException | RuntimeException e) {
      failure = e;
    } finally {
      if (loaded == null && failure == null) {
        // An Error escaped: still release the waiters and the single-flight slot.
        failure = new IOException("the fetch failed unexpectedly");
      }
      loaded = completed(loaded, failure, Duration.ofNanos(System.nanoTime() - startNanos));
    }
    if (loaded == null) {
      throw failure;
    }
    return loaded;
  }

  /** Stores the outcome and reports it; returns the keys now in use, or null after a failure. */
  private @Nullable KeySet completed(
      @Nullable KeySet loaded, @Nullable Exception failure, Duration took) {
    KeySet previous;
    long delay = 0;
    synchronized (lock) {
      previous = current;
      if (loaded != null) {
        loaded = previous == null ? loaded : loaded.keepingInstancesOf(previous);
        current = loaded;
        backoff.succeeded();
      } else if (!closed) {
        delay = backoff.failed(failure, clock.millis());
      }
      // Cleared before the waiters wake, so that a lookup woken by this fetch that wants another
      // one starts a new fetch instead of getting this finished one back.
      flights.finished();
    }
    // Events before waking the waiters: whoever waited for this fetch (warmUp, a health check)
    // sees its events delivered. Listeners must not block, so this costs nothing.
    if (loaded != null) {
      if (previous != null) {
        KeySet.Rotation r = loaded.since(previous);
        if (!r.isEmpty()) {
          log.info("IAP keys rotated: added {}, removed {}", r.added(), r.removed());
          listener.keysRotated(r.added(), r.removed());
        }
      }
      // Last, so that an observer who saw the fetch has seen its rotation too.
      listener.keysFetched(uri, took, loaded.keys().keySet());
    } else if (!closed) {
      log.warn(
          "Fetching IAP keys from {} failed ({}); next attempt in {} ms at the earliest",
          uri,
          Backoff.describe(failure),
          delay);
      listener.keysFetchFailed(uri, took, failure);
    }
    return loaded;
  }

  /**
   * Fetches the keys now unless usable ones are held, waiting at most the request timeout.
   *
   * @throws IapVerificationException with {@link Reason#KEYS_UNAVAILABLE} if no keys could be had
   */
  @Override
  public void warmUp() {
    usable(clock.millis(), System.nanoTime() + requestTimeout.toNanos());
  }

  @Override
  public Status status() {
    KeySet s = current;
    Throwable e = backoff.lastError();
    boolean usable = !closed && s != null && clock.millis() < s.expiresAt() + maxStaleness;
    return new Status(
        Optional.of(uri),
        usable,
        s == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(s.fetchedAt())),
        e == null ? Optional.empty() : Optional.of(Backoff.describe(e)));
  }

  /**
   * Returns the URI keys are fetched from.
   *
   * @return the URI
   */
  public URI uri() {
    return uri;
  }

  /**
   * Stops the fetch thread, abandoning a fetch in progress, and waits (at most the request timeout)
   * for it to end; lookups afterwards fail with {@link Reason#KEYS_UNAVAILABLE}. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    flights.close(requestTimeout);
    fetcher.close();
  }

  private void notifyStale(KeySet s, long now) {
    listener.staleKeysServed(Duration.ofMillis(now - s.fetchedAt()));
  }

  private IapVerificationException unavailable(@Nullable String why) {
    return backoff.unavailable(uri, why);
  }

  private IapVerificationException unknownWhileFailing(String keyId) {
    return backoff.unknownKid(uri, keyId, requestTimeout);
  }
}
