package io.github.iapverifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.github.iapverifier.KeySourceFixtures.PATIENCE;
import static io.github.iapverifier.KeySourceFixtures.eventually;
import static io.github.iapverifier.KeySourceFixtures.jwks;
import static io.github.iapverifier.KeySourceFixtures.p256;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Refresh ahead of expiry, refreshes forced by unknown key ids, and their rate limit. */
class RemoteKeySourceRefreshTest extends KeySourceTestBase {

  private final ECKey k1 = p256("k1");
  private final ECKey k2 = p256("k2");

  @Test
  void keyWhenPastRefreshPointThenAnswersAtOnceWithOldKeysWhileSlowRefreshRuns() {
    publish(jwks(k1), "max-age=600");
    RemoteKeySource source = source();
    source.warmUp();
    IapSigningKey old = source.key("k1");
    // The rotation publishes k2 beside k1, but the server holds the answer until released.
    respondHeld(aResponse().withBody(jwks(k1, k2)));

    clock.advance(Duration.ofSeconds(481)); // past 80% of 600 s
    IapSigningKey during = source.key("k1");

    assertThat(during).isSameAs(old);
    eventually("the slow refresh started", () -> held.holding() == 1);
    assertThat(source.key("k1")).as("while the refresh hangs").isSameAs(old);
    assertThat(source.lastFetchedAt()).as("still the old keys").contains(KeySourceFixtures.T0);

    held.releaseAll();
    eventually("the slow refresh completed", () -> events.fetched.size() == 2);
    assertThat(source.key("k2")).isNotNull();
    assertThat(source.key("k1")).as("an unchanged key stays the same instance").isSameAs(old);
    assertThat(fetches()).isEqualTo(2);
  }

  @Test
  void keyWhenKeysExpireWhileBackgroundRefreshStillRunsThenAnswersAtOnceWithThoseKeys() {
    publish(jwks(k1), "max-age=600");
    RemoteKeySource source = source();
    source.warmUp();
    IapSigningKey old = source.key("k1");
    respondHeld(aResponse().withBody(jwks(k1, k2)));
    clock.advance(Duration.ofSeconds(481)); // past 80% of 600 s: the slow refresh starts
    source.key("k1");
    eventually("the slow refresh started", () -> held.holding() == 1);

    clock.advance(Duration.ofSeconds(120)); // past expiry while that fetch still runs
    IapSigningKey during = source.key("k1");

    assertThat(during).isSameAs(old);
    assertThat(held.holding()).as("answered while the refresh still hangs").isEqualTo(1);
    assertThat(events.stale).hasSize(1);
    held.releaseAll();
    eventually("the slow refresh completed", () -> events.fetched.size() == 2);
    assertThat(source.key("k2")).isNotNull();
    assertThat(fetches()).isEqualTo(2);
  }

  @Test
  void keyWhenManyLookupsPastRefreshPointThenOneBackgroundFetch() throws Exception {
    publish(jwks(k1), "max-age=600");
    RemoteKeySource source = source();
    source.warmUp();
    respond(aResponse().withBody(jwks(k1)).withHeader("Cache-Control", "max-age=600").withFixedDelay(200));
    clock.advance(Duration.ofSeconds(500));

    runConcurrently(8, 50, i -> assertThat(source.key("k1")).isNotNull());

    eventually("the refresh completed", () -> events.fetched.size() == 2);
    assertThat(fetches()).isEqualTo(2);
  }

  @Test
  void keyWhenNewKidPublishedThenOneForcedFetchFindsIt() {
    publish(jwks(k1), "max-age=3600");
    RemoteKeySource source = source();
    source.warmUp();
    publish(jwks(k1, k2), "max-age=3600");

    assertThat(source.key("k2")).isNotNull();
    assertThat(fetches()).isEqualTo(2);
    assertThat(source.key("k2")).as("found in memory now").isNotNull();
    assertThat(fetches()).isEqualTo(2);
  }

  @Test
  void keyWhenFirstLookupFetchesThenUnknownKidFetchesNoSecondTime() {
    publish(jwks(k1), "max-age=3600");
    RemoteKeySource source = source();

    assertThat(source.key("nope")).isNull();
    assertThat(fetches()).as("the fetch made for this lookup is as fresh as it gets").isEqualTo(1);
    assertThat(events.rateLimited).isEmpty();
  }

  @Test
  void keyWhenUnknownKidWithinForcedRefreshIntervalThenRateLimitedWithoutFetch() {
    publish(jwks(k1), "max-age=3600");
    RemoteKeySource source = source();
    source.warmUp();

    assertThat(source.key("x1")).isNull();
    assertThat(fetches()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(30).minusMillis(1));
    assertThat(source.key("x2")).isNull();
    assertThat(fetches()).isEqualTo(2);
    assertThat(events.rateLimited).containsExactly("x2");

    clock.advance(Duration.ofMillis(1));
    assertThat(source.key("x3")).isNull();
    assertThat(fetches()).as("a new rate window").isEqualTo(3);
  }

  @Test
  void keyWhenCustomForcedRefreshIntervalThenHonoured() {
    publish(jwks(k1), "max-age=3600");
    RemoteKeySource source = source(b -> b.forcedRefreshInterval(Duration.ofSeconds(5)));
    source.warmUp();
    source.key("x1");
    clock.advance(Duration.ofMillis(4999));
    source.key("x2");
    assertThat(fetches()).isEqualTo(2);
    clock.advance(Duration.ofMillis(1));
    source.key("x3");
    assertThat(fetches()).isEqualTo(3);
  }

  @Test
  void keyWhenUnknownKidFloodFromManyThreadsThenExactlyOneFetchPerRateWindow() throws Exception {
    publish(jwks(k1), "max-age=3600");
    RemoteKeySource source = source();
    source.warmUp();

    for (int window = 1; window <= 3; window++) {
      runConcurrently(16, 200, i -> assertThat(source.key(UUID.randomUUID().toString())).isNull());
      wm.verify(exactly(1 + window), getRequestedFor(urlEqualTo(PATH)));
      // Known keys keep working in the middle of a flood.
      assertThat(source.key("k1")).isNotNull();
      clock.advance(Duration.ofSeconds(30));
    }
    assertThat(events.rateLimited).hasSizeGreaterThan(3 * 16 * 200 - 100);
  }

  @Test
  void keyWhenRateLimitedWhileForcedFetchRunsThenJoinsItAndFindsNewKey() throws Exception {
    publish(jwks(k1), "max-age=3600");
    RemoteKeySource source = source(b -> b.requestTimeout(Duration.ofSeconds(3)));
    source.warmUp();
    respond(aResponse().withBody(jwks(k1, k2)).withFixedDelay(400));

    // Many requests carry the new kid at once: the first forces the fetch, the others, rate
    // limited, wait for that same fetch instead of being told the key is unknown.
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<IapSigningKey>> results =
          java.util.stream.IntStream.range(0, 8)
              .mapToObj(
                  i ->
                      pool.submit(
                          () -> {
                            go.await();
                            return source.key("k2");
                          }))
              .toList();
      go.countDown();
      for (Future<IapSigningKey> r : results) {
        assertThat(r.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isNotNull();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(fetches()).isEqualTo(2);
  }

  @Test
  void keyWhenRefreshedSetUnchangedThenSameInstancesAndNoRotationEvent() {
    publish(jwks(k1, k2), "max-age=600");
    RemoteKeySource source = source();
    source.warmUp();
    IapSigningKey before = source.key("k1");

    clock.advance(Duration.ofSeconds(500));
    source.key("k1");
    eventually("the refresh completed", () -> events.fetched.size() == 2);

    assertThat(source.key("k1")).isSameAs(before);
    assertThat(events.rotated).isEmpty();
  }

  @Test
  void keyWhenKeyMaterialReplacedUnderSameKidThenNewInstanceAndRotationEvent() throws Exception {
    publish(jwks(k1), "max-age=600");
    RemoteKeySource source = source();
    source.warmUp();
    IapSigningKey before = source.key("k1");
    ECKey replacement = p256("k1");
    publish(jwks(replacement), "max-age=600");

    clock.advance(Duration.ofSeconds(500));
    source.key("k1");
    eventually("the refresh completed", () -> events.fetched.size() == 2);

    IapSigningKey after = source.key("k1");
    assertThat(after).isNotSameAs(before);
    assertThat(((ECPublicKey) after.publicKey()).getW())
        .isEqualTo(replacement.toECPublicKey().getW());
    assertThat(events.rotated).containsExactly(List.of(Set.of("k1"), Set.of("k1")));
  }

  @Test
  void keyWhenExpiredWhileIdleThenNextLookupFetchesSynchronously() {
    publish(jwks(k1), "max-age=600");
    RemoteKeySource source = source();
    source.warmUp();
    publish(jwks(k2), "max-age=600");

    clock.advance(Duration.ofHours(2));
    assertThat(source.key("k1")).as("expired keys are not used when fresh ones can be had").isNull();
    assertThat(source.key("k2")).isNotNull();
    assertThat(fetches()).isEqualTo(2);
    assertThat(events.stale).isEmpty();
  }

  interface Body {
    void run(int i) throws Exception;
  }

  /** Runs {@code perThread} calls on each of {@code threads} threads, all started together. */
  static void runConcurrently(int threads, int perThread, Body body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      AtomicInteger n = new AtomicInteger();
      CompletableFuture<?>[] all = new CompletableFuture<?>[threads];
      for (int t = 0; t < threads; t++) {
        all[t] =
            CompletableFuture.runAsync(
                () -> {
                  try {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                      body.run(n.incrementAndGet());
                    }
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                },
                pool);
      }
      go.countDown();
      CompletableFuture.allOf(all).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
  }
}
