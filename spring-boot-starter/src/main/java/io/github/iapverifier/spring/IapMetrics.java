package io.github.iapverifier.spring;

import io.github.iapverifier.IapEventListener;
import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapProxy;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * Micrometer meters from the verifier's events. Tags are bounded enumerations only (proxy, outcome,
 * reason, result): never an email, a key id or anything else a client controls. Every meter carries
 * {@code proxy=<config name>} ({@code google-iap}, {@code cloudflare-access}, {@code aws-alb},
 * {@code pomerium}), so that dashboards tell which proxy's assertions they count.
 *
 * <ul>
 *   <li>{@code iap.verifications} (counter): {@code outcome=verified|rejected}, {@code
 *       reason=none|<Reason>};
 *   <li>{@code iap.token.cache} (counter): {@code result=hit|miss} per accepted assertion;
 *   <li>{@code iap.keys.fetch} (timer): {@code outcome=success|failure};
 *   <li>{@code iap.keys.rotations}, {@code iap.keys.stale} (stale keys served) and {@code
 *       iap.keys.refresh.rate.limited} (counters).
 * </ul>
 *
 * <p>Thread-safe: every meter is created up front, so events only increment.
 */
final class IapMetrics implements IapEventListener {

  private final Counter verified;
  private final Map<Reason, Counter> rejected = new EnumMap<>(Reason.class);
  private final Counter cacheHits;
  private final Counter cacheMisses;
  private final Timer fetchSuccess;
  private final Timer fetchFailure;
  private final Counter rotations;
  private final Counter stale;
  private final Counter rateLimited;

  /** The tag every meter carries. */
  static final String PROXY_TAG = "proxy";

  IapMetrics(MeterRegistry registry, IapProxy proxy) {
    Tags tags = Tags.of(PROXY_TAG, proxy.configName());
    verified = verifications(registry, tags, "verified", "none");
    for (Reason reason : Reason.values()) {
      rejected.put(reason, verifications(registry, tags, "rejected", reason.name()));
    }
    cacheHits = cache(registry, tags, "hit");
    cacheMisses = cache(registry, tags, "miss");
    fetchSuccess = fetch(registry, tags, "success");
    fetchFailure = fetch(registry, tags, "failure");
    rotations =
        Counter.builder("iap.keys.rotations")
            .description("Changes of the proxy's published key set")
            .tags(tags)
            .register(registry);
    stale =
        Counter.builder("iap.keys.stale")
            .description(
                "Lookups answered with keys past their cache time because refreshes failed")
            .tags(tags)
            .register(registry);
    rateLimited =
        Counter.builder("iap.keys.refresh.rate.limited")
            .description("Refreshes for unknown key ids refused by the rate limit")
            .tags(tags)
            .register(registry);
  }

  private static Counter verifications(
      MeterRegistry registry, Tags tags, String outcome, String reason) {
    return Counter.builder("iap.verifications")
        .description("Assertions verified or rejected")
        .tags(tags)
        .tag("outcome", outcome)
        .tag("reason", reason)
        .register(registry);
  }

  private static Counter cache(MeterRegistry registry, Tags tags, String result) {
    return Counter.builder("iap.token.cache")
        .description("Accepted assertions answered from the verified-token cache, or verified")
        .tags(tags)
        .tag("result", result)
        .register(registry);
  }

  private static Timer fetch(MeterRegistry registry, Tags tags, String outcome) {
    return Timer.builder("iap.keys.fetch")
        .description("Fetches of the proxy's keys")
        .tags(tags)
        .tag("outcome", outcome)
        .register(registry);
  }

  @Override
  public void verified(IapIdentity identity, boolean fromCache) {
    verified.increment();
    (fromCache ? cacheHits : cacheMisses).increment();
  }

  @Override
  public void rejected(IapVerificationException failure) {
    rejected.get(failure.reason()).increment();
  }

  @Override
  public void keysFetched(URI uri, Duration took, Set<String> keyIds) {
    fetchSuccess.record(took);
  }

  @Override
  public void keysFetchFailed(URI uri, Duration took, Throwable error) {
    fetchFailure.record(took);
  }

  @Override
  public void keysRotated(Set<String> added, Set<String> removed) {
    rotations.increment();
  }

  @Override
  public void staleKeysServed(Duration age) {
    stale.increment();
  }

  @Override
  public void refreshRateLimited(String keyId) {
    rateLimited.increment();
  }
}
