package io.github.iapverifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static io.github.iapverifier.KeySourceFixtures.PATIENCE;
import static io.github.iapverifier.KeySourceFixtures.eventually;
import static io.github.iapverifier.KeySourceFixtures.jwks;
import static io.github.iapverifier.KeySourceFixtures.keyThreads;
import static io.github.iapverifier.KeySourceFixtures.p256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.http.Fault;
import com.nimbusds.jose.jwk.ECKey;
import io.github.iapverifier.IapVerificationException.Reason;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/** Closing, and the events observers see. */
class RemoteKeySourceLifecycleTest extends KeySourceTestBase {

  private final ECKey k1 = p256("k1");

  @Test
  void closeWhenIdleThenFetchThreadStopsAndLookupsFailWithKeysUnavailable() {
    Set<Thread> before = keyThreads();
    publish(jwks(k1), "max-age=3600");
    RemoteKeySource source = source();
    source.warmUp();
    assertThat(keyThreads()).hasSizeGreaterThan(before.size());

    source.close();

    eventually("the fetch thread ended", () -> before.containsAll(keyThreads()));
    assertKeysUnavailable(() -> source.key("k1"));
    assertKeysUnavailable(source::warmUp);
    assertThat(source.hasUsableKeys()).isFalse();
    assertThat(fetches()).isEqualTo(1);
    assertThatCode(source::close).as("idempotent").doesNotThrowAnyException();
  }

  @Test
  void closeWhenFetchInFlightThenWaitingLookupReleasedAndThreadStops() throws Exception {
    Set<Thread> before = keyThreads();
    respondHeld(aResponse().withBody(jwks(k1)));
    RemoteKeySource source = source(b -> b.requestTimeout(Duration.ofMinutes(5)));
    CompletableFuture<IapSigningKey> waiting = CompletableFuture.supplyAsync(() -> source.key("k1"));
    eventually("the fetch is under way", () -> held.holding() == 1);

    // The server never answers while held: close must not wait for the fetch (nor its timeout).
    CompletableFuture<Void> closing = CompletableFuture.runAsync(source::close);
    eventually("close returned", closing::isDone);
    assertThat(held.holding()).as("the response is still held").isEqualTo(1);

    ExecutionException e =
        catchThrowableOfType(
            ExecutionException.class, () -> waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
    assertThat(e.getCause()).isInstanceOf(IapVerificationException.class);
    assertThat(((IapVerificationException) e.getCause()).reason()).isEqualTo(Reason.KEYS_UNAVAILABLE);
    eventually("the fetch thread ended", () -> before.containsAll(keyThreads()));
    assertThat(events.failed).as("closing is not an outage").isEmpty();
  }

  @Test
  @EnabledForJreRange(min = JRE.JAVA_21) // HttpClient can be shut down from Java 21 on
  void closeWhenOwnClientThenItsThreadsEnd() {
    Set<Thread> before = httpClientThreads();
    publish(jwks(k1), "max-age=3600");
    RemoteKeySource source = source();
    source.warmUp();
    assertThat(httpClientThreads()).hasSizeGreaterThan(before.size());

    source.close();

    eventually("the client's threads ended", () -> before.containsAll(httpClientThreads()));
  }

  private static Set<Thread> httpClientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("HttpClient-") && t.isAlive())
        .collect(Collectors.toSet());
  }

  @Test
  void eventsWhenFetchedThenUriKeyIdsAndDuration() {
    publish(jwks(k1, p256("k2")), "max-age=3600");
    RemoteKeySource source = source();
    long start = System.nanoTime();
    source.warmUp();
    Duration warmUp = Duration.ofNanos(System.nanoTime() - start);

    assertThat(events.fetched).containsExactly(Set.of("k1", "k2"));
    assertThat(events.fetchUris).containsExactly(jwksUri());
    assertThat(events.fetchDurations.get(0))
        .as("part of the warm-up")
        .isPositive()
        .isLessThanOrEqualTo(warmUp);
    assertThat(events.rotated).as("the first set is no rotation").isEmpty();
    assertThat(events.failed).isEmpty();
  }

  @Test
  void eventsWhenFetchFailsThenErrorAndDuration() {
    respond(aResponse().withFault(Fault.EMPTY_RESPONSE));
    RemoteKeySource source = source();
    assertKeysUnavailable(() -> source.key("k1"));

    eventually("the failure is reported", () -> events.failed.size() == 1);
    assertThat(events.failed.get(0)).isInstanceOf(java.io.IOException.class);
    assertThat(events.fetchUris).containsExactly(jwksUri());
    assertThat(events.fetched).isEmpty();
  }

  @Test
  void eventsWhenKeySetChangesThenRotatedWithAddedAndRemoved() {
    publish(jwks(k1, p256("k2")), "max-age=3600");
    RemoteKeySource source = source();
    source.warmUp();
    publish(jwks(p256("k2"), p256("k3")), "max-age=3600");

    source.key("k3"); // forces a refresh

    // k2 is a different key under the same id: withdrawn and added.
    assertThat(events.rotated).containsExactly(List.of(Set.of("k2", "k3"), Set.of("k1", "k2")));
  }

  @Test
  void eventsWhenListenerThrowsThenLookupsUnaffected() {
    RemoteKeySource source =
        source(
            b ->
                b.eventListener(
                    new IapEventListener() {
                      @Override
                      public void keysFetched(URI uri, Duration took, Set<String> keyIds) {
                        throw new IllegalStateException("listener bug");
                      }

                      @Override
                      public void keysFetchFailed(URI uri, Duration took, Throwable error) {
                        throw new IllegalStateException("listener bug");
                      }

                      @Override
                      public void keysRotated(Set<String> added, Set<String> removed) {
                        throw new IllegalStateException("listener bug");
                      }

                      @Override
                      public void staleKeysServed(Duration age) {
                        throw new IllegalStateException("listener bug");
                      }

                      @Override
                      public void refreshRateLimited(String keyId) {
                        throw new IllegalStateException("listener bug");
                      }
                    }));
    publish(jwks(k1), "max-age=600");
    source.warmUp();
    assertThat(source.key("k1")).isNotNull();
    publish(jwks(k1, p256("k2")), "max-age=600");
    assertThat(source.key("k2")).as("after a rotation event that threw").isNotNull();
    assertThat(source.key("x")).as("after a rate-limit event that throws").isNull();
    assertThat(source.key("y")).isNull();

    respond(aResponse().withStatus(500));
    clock.advance(Duration.ofSeconds(601));
    assertThat(source.key("k1")).as("stale, after failure and stale events that threw").isNotNull();
    assertThat(source.key("k1")).isNotNull();
    assertThat(source.lastError()).isPresent();
  }

  private static void assertKeysUnavailable(Runnable call) {
    IapVerificationException e = catchThrowableOfType(IapVerificationException.class, call::run);
    assertThat(e).as("KEYS_UNAVAILABLE thrown").isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.KEYS_UNAVAILABLE);
  }
}
