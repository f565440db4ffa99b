package io.github.iapverifier.internal.keys;

import static io.github.iapverifier.internal.Text.printable;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.iapverifier.IapEventListener;
import io.github.iapverifier.IapKeySource;
import io.github.iapverifier.IapSigningKey;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.SafeListener;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys published one PEM document per key id, at {@code <base>/<kid>}, as AWS publishes the keys of
 * Application Load Balancers. A key id's key never changes, so a fetched key is kept for good (the
 * same instance, bounded in number); nothing can be loaded ahead because no key id is known before
 * a token names it.
 *
 * <ul>
 *   <li>A key id must be a UUID before it is put in a URL; anything else is {@link
 *       Reason#UNKNOWN_KEY} without a fetch.
 *   <li>One fetch per key id at a time: concurrent lookups of it wait for the same fetch.
 *   <li>A 403 or 404 answer means the id is not published: {@link Reason#UNKNOWN_KEY}, remembered
 *       for a while so that repeats cost nothing. Any other failure (status, timeout, malformed
 *       body) is {@link Reason#KEYS_UNAVAILABLE}: only the endpoint's answer can tell.
 *   <li>Fetches for ids not yet known draw on a global budget (a burst, then one per interval), so
 *       tokens naming random ids cannot become a request flood; a lookup refused by it is {@link
 *       Reason#KEYS_UNAVAILABLE}, since nothing decided whether its id is published.
 * </ul>
 *
 * <p>Thread-safe. A lookup of a known id is one cache read.
 */
public final class PemKeySource implements IapKeySource, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PemKeySource.class);
  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /**
   * How much this source may fetch and remember. Immutable.
   *
   * @param maxBytes the largest accepted body (a PEM P-256 key is ~180 bytes)
   * @param maxKeys the most keys kept
   * @param maxUnknown the most unpublished ids remembered
   * @param unknownTtl how long an unpublished id is remembered
   * @param burst how many fetches may run back to back
   * @param refill the time after which the budget regains one fetch
   */
  public record Limits(
      int maxBytes, int maxKeys, int maxUnknown, Duration unknownTtl, int burst, Duration refill) {

    /** ~10 new ids a minute after a burst of 10; an ALB uses a handful of key ids. */
    public static final Limits DEFAULT =
        new Limits(8 * 1024, 1000, 10_000, Duration.ofMinutes(5), 10, Duration.ofSeconds(6));
  }

  private final URI base;
  private final HttpGet http;
  private final Duration requestTimeout;
  private final Clock clock;
  private final IapEventListener listener;
  private final FetchBudget budget;
  private final Cache<String, IapSigningKey> known;
  private final Cache<String, Boolean> unknown;
  private final ConcurrentHashMap<String, CompletableFuture<Object>> inFlight =
      new ConcurrentHashMap<>();
  private volatile @Nullable Instant lastFetchedAt;
  private volatile @Nullable String lastError;
  private volatile boolean closed;

  /**
   * Creates a source; nothing is fetched until a lookup.
   *
   * @param base the endpoint the key id is appended to, checked by {@link JwksUri#check}, with no
   *     query or fragment
   * @param httpClient a client to use, or null for one of this source's own
   * @param connectTimeout the own client's connect timeout
   * @param requestTimeout the bound of a fetch, and of a lookup's wait
   * @param limits what may be fetched and remembered
   * @param clock the clock of the budget and of remembered unknown ids
   * @param listener the observer of fetches
   */
  public PemKeySource(
      URI base,
      @Nullable HttpClient httpClient,
      Duration connectTimeout,
      Duration requestTimeout,
      Limits limits,
      Clock clock,
      IapEventListener listener) {
    this.base = base;
    JwksUri.warnIfPlainHttp(base, "ALB", log);
    this.http =
        new HttpGet(
            base, httpClient, connectTimeout, requestTimeout, limits.maxBytes(), "*/*", log);
    this.requestTimeout = requestTimeout;
    this.clock = clock;
    this.listener = SafeListener.of(listener);
    this.budget = new FetchBudget(limits.burst(), limits.refill().toMillis(), clock.millis());
    this.known = Caffeine.newBuilder().maximumSize(limits.maxKeys()).build();
    this.unknown =
        Caffeine.newBuilder()
            .maximumSize(limits.maxUnknown())
            .expireAfterWrite(limits.unknownTtl())
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .build();
  }

  @Override
  public IapSigningKey key(String keyId) {
    Objects.requireNonNull(keyId, "keyId");
    IapSigningKey key = known.getIfPresent(keyId);
    if (key != null && !closed) {
      return key;
    }
    if (closed) {
      throw new IapVerificationException(Reason.KEYS_UNAVAILABLE, "the key source is closed");
    }
    if (!UUID.matcher(keyId).matches()) {
      throw new IapVerificationException(
          Reason.UNKNOWN_KEY,
          "kid '" + printable(keyId) + "' is not an AWS key id (a UUID); no key is fetched for it");
    }
    long deadline = System.nanoTime() + requestTimeout.toNanos();
    CompletableFuture<Object> mine = new CompletableFuture<>();
    CompletableFuture<Object> running = inFlight.putIfAbsent(keyId, mine);
    Object answer = running != null ? await(running, keyId, deadline) : lead(keyId, mine);
    if (answer instanceof IapVerificationException e) {
      // A fresh exception per caller: one instance must not be thrown on several threads.
      throw new IapVerificationException(e.reason(), e.getMessage());
    }
    return (IapSigningKey) answer;
  }

  /**
   * Returns the key of this id if fetched before, without any network call; null otherwise (also
   * for ids known not to be published: {@link #key} gives their precise reason).
   */
  @Override
  public @Nullable IapSigningKey keyIfLoaded(String keyId) {
    Objects.requireNonNull(keyId, "keyId");
    return closed ? null : known.getIfPresent(keyId);
  }

  /** Decides the id on this thread, publishing the outcome to whoever joined. */
  private Object lead(String keyId, CompletableFuture<Object> mine) {
    Object answer = null;
    try {
      answer = decide(keyId);
    } catch (RuntimeException e) {
      answer = unavailable(keyId, "the lookup failed (" + e.getClass().getName() + ")");
    } finally {
      // The caches were written first: a lookup that finds no flight any more finds the answer.
      // Also after an Error, so that no waiter is left hanging.
      inFlight.remove(keyId, mine);
      mine.complete(answer != null ? answer : unavailable(keyId, "the lookup failed unexpectedly"));
    }
    return answer;
  }

  private Object decide(String keyId) {
    // Decided while this lookup was joining no flight: answer without fetching again.
    IapSigningKey key = known.getIfPresent(keyId);
    if (key != null) {
      return key;
    }
    if (unknown.getIfPresent(keyId) != null) {
      return notPublished(keyId);
    }
    if (!budget.tryAcquire(clock.millis())) {
      listener.refreshRateLimited(keyId);
      return unavailable(
          keyId, "fetches for new key ids are rate limited; too many unknown ids were named");
    }
    URI uri = URI.create(base + "/" + keyId);
    long start = System.nanoTime();
    try {
      HttpGet.Response r = http.get(uri);
      if (r.status() == 403 || r.status() == 404) {
        // S3, behind the GovCloud endpoints, answers 403 for a missing object.
        unknown.put(keyId, Boolean.TRUE);
        log.debug("No ALB key {} at {} (HTTP {})", keyId, uri, r.status());
        return notPublished(keyId);
      }
      if (r.status() != 200) {
        throw new IOException("HTTP " + r.status());
      }
      IapSigningKey fetched = IapSigningKey.of(keyId, Pem.publicKey(r.body()));
      fetched = known.asMap().merge(keyId, fetched, (held, ignored) -> held);
      lastFetchedAt = clock.instant();
      lastError = null;
      listener.keysFetched(uri, took(start), Set.of(keyId));
      return fetched;
    } catch (IOException | IllegalArgumentException e) {
      return failed(keyId, uri, start, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(keyId, uri, start, e);
    }
  }

  private Object failed(String keyId, URI uri, long start, Exception e) {
    String why = Backoff.describe(e);
    if (!closed) {
      lastError = why;
      log.warn("Fetching ALB key {} from {} failed ({})", keyId, uri, why);
      listener.keysFetchFailed(uri, took(start), e);
    }
    return unavailable(keyId, "fetching " + uri + " failed: " + why);
  }

  private Object await(CompletableFuture<Object> running, String keyId, long deadline) {
    try {
      return running.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return unavailable(keyId, "interrupted while waiting for its fetch");
    } catch (ExecutionException | TimeoutException e) {
      return unavailable(keyId, "no answer within " + requestTimeout.toMillis() + " ms");
    }
  }

  private static IapVerificationException notPublished(String keyId) {
    return new IapVerificationException(
        Reason.UNKNOWN_KEY, "kid '" + keyId + "' is not a published AWS ALB key");
  }

  private IapVerificationException unavailable(String keyId, String why) {
    return new IapVerificationException(
        Reason.KEYS_UNAVAILABLE,
        "the key of kid '"
            + printable(keyId)
            + "' could not be had from "
            + base
            + " ("
            + why
            + "); check outbound HTTPS access to that host");
  }

  private static Duration took(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Usable unless closed, or no key is held and the last fetch failed: lookups of the ids held
   * never need the network.
   */
  @Override
  public Status status() {
    String error = lastError;
    Instant fetched = lastFetchedAt;
    boolean usable = !closed && (error == null || known.estimatedSize() > 0);
    return new Status(
        Optional.of(base), usable, Optional.ofNullable(fetched), Optional.ofNullable(error));
  }

  /**
   * Does nothing but fail once closed: no key id is known before a token names one, so there is
   * nothing to load ahead.
   */
  @Override
  public void warmUp() {
    if (closed) {
      throw new IapVerificationException(Reason.KEYS_UNAVAILABLE, "the key source is closed");
    }
  }

  /** Releases the HTTP client; lookups afterwards fail with KEYS_UNAVAILABLE. Idempotent. */
  @Override
  public void close() {
    closed = true;
    http.close();
  }
}
