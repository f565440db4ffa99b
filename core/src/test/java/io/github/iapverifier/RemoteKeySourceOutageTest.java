package io.github.iapverifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static io.github.iapverifier.KeySourceFixtures.eventually;
import static io.github.iapverifier.KeySourceFixtures.jwks;
import static io.github.iapverifier.KeySourceFixtures.p256;
import static io.github.iapverifier.KeySourceFixtures.p384;
import static io.github.iapverifier.KeySourceFixtures.rsa;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.nimbusds.jose.jwk.ECKey;
import io.github.iapverifier.IapVerificationException.Reason;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What lookups do while the key server fails in each way it can, with and without good keys. */
class RemoteKeySourceOutageTest extends KeySourceTestBase {

  private final ECKey k1 = p256("k1");

  enum Outage {
    HTTP_500(() -> aResponse().withStatus(500).withBody("oops"), "HTTP 500"),
    HTTP_404(() -> aResponse().withStatus(404), "HTTP 404"),
    /** Never answers while the test runs: only the timeout ends the wait. */
    TIMEOUT(() -> aResponse().withBody(jwks(p256("late"))), "HttpTimeoutException"),
    /** Takes a minute to drip: only the timeout ends the wait. */
    SLOW_BODY(
        () -> aResponse().withBody(jwks(p256("late"))).withChunkedDribbleDelay(50, 60_000),
        "HttpTimeoutException"),
    CONNECTION_RESET(
        // The JDK words a reset differently depending on when it notices it.
        () -> aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
        "Connection reset|Broken pipe|ClosedChannelException|EOF|received no bytes"),
    MALFORMED_JSON(() -> aResponse().withBody("{\"keys\": [{\"kty\": \"EC\""), "malformed key set"),
    EMPTY_KEYS(() -> aResponse().withBody("{\"keys\": []}"), "no usable EC P-256"),
    OVERSIZE_BODY(
        () ->
            aResponse()
                .withBody(
                    "{\"keys\":[], \"padding\": \"" + "x".repeat(65 * 1024) + "\"}"),
        "exceeds the limit of 65536 bytes"),
    RSA_ONLY(() -> aResponse().withBody(jwks(rsa())), "not EC"),
    P384_ONLY(() -> aResponse().withBody(jwks(p384("e1"))), "not P-256");

    final Supplier<ResponseDefinitionBuilder> response;
    /** A regular expression found in the error the source reports. */
    final String error;

    Outage(Supplier<ResponseDefinitionBuilder> response, String error) {
      this.response = response;
      this.error = error;
    }

    /** Makes the key server fail this way from now on. */
    void start() {
      if (this == TIMEOUT) {
        respondHeld(response.get());
      } else {
        respond(response.get());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Outage.class)
  void keyWhenOutageAndNoKeysThenKeysUnavailableWithinTimeoutThenAtOnce(Outage outage) {
    outage.start();
    RemoteKeySource source = source();

    // Slow and hanging servers take far longer than the timeout: an answer at all is within it.
    IapVerificationException first = catchKeysUnavailable(() -> source.key("k1"));
    assertThat(first.getMessage()).contains(jwksUri().toString()).doesNotContainIgnoringCase("token");

    eventually("the failure is recorded", () -> events.failed.size() == 1);
    assertThat(source.lastError()).hasValueSatisfying(e -> assertThat(e).containsPattern(outage.error));
    IapVerificationException second = catchKeysUnavailable(() -> source.key("k1"));
    assertThat(second.getMessage()).containsPattern(outage.error);
    assertThat(fetches()).as("no fetch while backing off").isEqualTo(1);
    assertThat(source.hasUsableKeys()).isFalse();
    assertThat(events.fetched).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Outage.class)
  void keyWhenOutageAndGoodKeysHeldThenStaleKeysServedAtOnce(Outage outage) {
    publish(jwks(k1), "max-age=600");
    RemoteKeySource source = source();
    source.warmUp();
    IapSigningKey good = source.key("k1");
    outage.start();

    // Lookups never wait for a background refresh (RemoteKeySourceRefreshTest holds one to show
    // it); here, what they answer while each kind of failure is under way.
    clock.advance(Duration.ofSeconds(500)); // past the refresh point: a background refresh fails
    assertThat(source.key("k1")).isSameAs(good);
    eventually("the background refresh failed", () -> events.failed.size() == 1);
    assertThat(events.stale).as("still fresh").isEmpty();

    clock.advance(Duration.ofSeconds(200)); // past expiry
    assertThat(source.key("k1")).isSameAs(good);
    assertThat(events.stale).first().isEqualTo(Duration.ofSeconds(700));
    assertThat(source.lastError()).hasValueSatisfying(e -> assertThat(e).containsPattern(outage.error));
    assertThat(source.hasUsableKeys()).isTrue();
    eventually("the background retry failed", () -> events.failed.size() == 2);

    clock.advance(Duration.ofHours(24)); // past expiry + maximum staleness
    catchKeysUnavailable(() -> source.key("k1"));
    assertThat(source.hasUsableKeys()).isFalse();
  }

  @Test
  void keyWhenExpiredWhileIdleAndServerHangsThenStaleKeysWithinTimeout() {
    publish(jwks(k1), "max-age=600");
    RemoteKeySource source = source();
    source.warmUp();
    IapSigningKey good = source.key("k1");
    Outage.TIMEOUT.start();
    clock.advance(Duration.ofSeconds(601));

    // The server never answers: only the timeout can end this lookup's wait for fresh keys.
    assertThat(source.key("k1")).isSameAs(good);
    assertThat(events.stale).hasSize(1);
    eventually("the fetch timed out", () -> events.failed.size() == 1);
    assertThat(source.lastError()).hasValueSatisfying(e -> assertThat(e).contains("HttpTimeoutException"));
  }

  @Test
  void keyWhenMaxStalenessZeroThenKeysUnavailableRightAfterExpiry() {
    publish(jwks(k1), "max-age=600");
    RemoteKeySource source = source(b -> b.maxStaleness(Duration.ZERO));
    source.warmUp();
    respond(aResponse().withStatus(503));
    clock.advance(Duration.ofSeconds(599));
    assertThat(source.key("k1")).isNotNull();
    clock.advance(Duration.ofSeconds(1));
    catchKeysUnavailable(() -> source.key("k1"));
    assertThat(events.stale).isEmpty();
  }

  @Test
  void keyWhenCustomMaxStalenessThenStaleKeysUntilThen() {
    publish(jwks(k1), "max-age=600");
    RemoteKeySource source = source(b -> b.maxStaleness(Duration.ofMinutes(10)));
    source.warmUp();
    respond(aResponse().withStatus(503));
    clock.advance(Duration.ofSeconds(500));
    source.key("k1");
    eventually("the refresh failed", () -> events.failed.size() == 1);
    clock.advance(Duration.ofSeconds(100 + 600).minusMillis(1));
    assertThat(source.key("k1")).isNotNull();
    clock.advance(Duration.ofMillis(1));
    catchKeysUnavailable(() -> source.key("k1"));
  }

  @Test
  void keyWhenFailuresRepeatThenBackoffDoublesFromOneSecondToFiveMinutes() {
    respond(aResponse().withStatus(500));
    RemoteKeySource source = source();
    long[] delays = {1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300};
    catchKeysUnavailable(() -> source.key("k1"));
    int expected = 1;
    for (long delay : delays) {
      clock.advance(Duration.ofSeconds(delay).minusMillis(1));
      catchKeysUnavailable(() -> source.key("k1"));
      assertThat(fetches()).as("1 ms before the %d s backoff ends", delay).isEqualTo(expected);
      clock.advance(Duration.ofMillis(1));
      catchKeysUnavailable(() -> source.key("k1"));
      assertThat(fetches()).as("when the %d s backoff ends", delay).isEqualTo(++expected);
    }
  }

  @Test
  void keyWhenUnknownKidWhileBackingOffThenKeysUnavailableWithoutFetch() {
    publish(jwks(k1), "max-age=600");
    RemoteKeySource source = source();
    source.warmUp();
    respond(aResponse().withStatus(500));
    clock.advance(Duration.ofSeconds(500));
    source.key("k1");
    eventually("the refresh failed", () -> events.failed.size() == 1);

    // Only a successful fetch could tell whether k-new is published: the server's fault (503).
    catchKeysUnavailable(() -> source.key("k-new"));
    assertThat(fetches()).isEqualTo(2);

    publish(jwks(k1, p256("k-new")), "max-age=600");
    clock.advance(Duration.ofSeconds(1)); // the backoff ends
    assertThat(source.key("k-new")).isNotNull();
  }

  @Test
  void keyWhenOutageEndsWithoutKeysThenNextLookupAfterBackoffFetchesAndRecovers() {
    respond(aResponse().withStatus(500));
    RemoteKeySource source = source();
    catchKeysUnavailable(() -> source.key("k1"));
    assertThat(source.lastError()).isPresent();
    publish(jwks(k1), "max-age=600");

    catchKeysUnavailable(() -> source.key("k1")); // still backing off
    clock.advance(Duration.ofSeconds(1));
    assertThat(source.key("k1")).isNotNull();

    assertThat(source.lastError()).isEmpty();
    assertThat(source.lastFetchedAt()).contains(clock.instant());
    assertThat(fetches()).isEqualTo(2);
  }

  @Test
  void keyWhenOutageEndsWithStaleKeysThenBackgroundRetryRecovers() {
    publish(jwks(k1), "max-age=600");
    RemoteKeySource source = source();
    source.warmUp();
    IapSigningKey good = source.key("k1");
    respond(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
    clock.advance(Duration.ofSeconds(700));
    assertThat(source.key("k1")).isSameAs(good); // the idle expiry: one synchronous attempt
    assertThat(source.lastError()).isPresent();

    publish(jwks(k1, p256("k2")), "max-age=600");
    clock.advance(Duration.ofSeconds(1));
    assertThat(source.key("k1")).isSameAs(good);
    eventually("the background retry succeeded", () -> source.lastError().isEmpty());
    assertThat(source.key("k2")).isNotNull();
    assertThat(fetches()).isEqualTo(3);
    int staleBefore = events.stale.size();
    source.key("k1");
    assertThat(events.stale).as("fresh again").hasSize(staleBefore);
  }

  private static IapVerificationException catchKeysUnavailable(Runnable lookup) {
    IapVerificationException e =
        catchThrowableOfType(IapVerificationException.class, lookup::run);
    assertThat(e).as("KEYS_UNAVAILABLE thrown").isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.KEYS_UNAVAILABLE);
    return e;
  }
}
