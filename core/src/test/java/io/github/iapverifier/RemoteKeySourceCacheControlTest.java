package io.github.iapverifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static io.github.iapverifier.KeySourceFixtures.eventually;
import static io.github.iapverifier.KeySourceFixtures.jwks;
import static io.github.iapverifier.KeySourceFixtures.p256;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long a fetched key set is used, from the response's caching headers. */
class RemoteKeySourceCacheControlTest extends KeySourceTestBase {

  private final ECKey key = p256("k1");

  /**
   * Asserts that keys fetched with these headers are used for exactly {@code expected}: a lookup
   * 1 ms before needs no fetch, a lookup at that instant fetches again. Refresh-ahead is off
   * (1.0) so that expiry itself is observed.
   */
  private void assertCachedFor(String cacheControl, String age, Duration expected) {
    var response =
        aResponse().withStatus(200).withBody(jwks(key)).withHeader("Content-Type", "application/json");
    if (cacheControl != null) {
      response = response.withHeader("Cache-Control", cacheControl);
    }
    if (age != null) {
      response = response.withHeader("Age", age);
    }
    respond(response);
    RemoteKeySource source = source(b -> b.refreshAhead(1.0));
    source.warmUp();
    assertThat(fetches()).isEqualTo(1);

    clock.advance(expected.minusMillis(1));
    assertThat(source.key("k1")).isNotNull();
    assertThat(fetches()).as("fetches 1 ms before the expected expiry").isEqualTo(1);

    clock.advance(Duration.ofMillis(1));
    assertThat(source.key("k1")).isNotNull();
    assertThat(fetches()).as("fetches at the expected expiry").isEqualTo(2);
  }

  @Test
  void keyWhenMaxAgeWithinBoundsThenCachedForMaxAge() {
    assertCachedFor("public, max-age=3600", null, Duration.ofHours(1));
  }

  @Test
  void keyWhenAgeHeaderThenSubtractedFromMaxAge() {
    assertCachedFor("public, max-age=3600", "600", Duration.ofSeconds(3000));
  }

  @Test
  void keyWhenMaxAgeAboveMaximumThenClampedToMaximum() {
    assertCachedFor("max-age=864000", null, Duration.ofHours(24));
  }

  @Test
  void keyWhenMaxAgeBelowMinimumThenClampedToMinimum() {
    assertCachedFor("max-age=10", null, Duration.ofMinutes(5));
  }

  @Test
  void keyWhenAgeExceedsMaxAgeThenClampedToMinimum() {
    assertCachedFor("max-age=600", "7200", Duration.ofMinutes(5));
  }

  @Test
  void keyWhenMaxAgeHasTooManyDigitsThenClampedToMaximum() {
    assertCachedFor("max-age=99999999999999999999999", null, Duration.ofHours(24));
  }

  @Test
  void keyWhenNoCacheControlThenDefaultTtl() {
    assertCachedFor(null, null, Duration.ofHours(1));
  }

  @Test
  void keyWhenCacheControlWithoutMaxAgeThenDefaultTtl() {
    assertCachedFor("public, must-revalidate", null, Duration.ofHours(1));
  }

  @Test
  void keyWhenNoCacheThenMinimumTtl() {
    assertCachedFor("no-cache", null, Duration.ofMinutes(5));
  }

  @Test
  void keyWhenNoStoreThenMinimumTtl() {
    assertCachedFor("private, no-store", null, Duration.ofMinutes(5));
  }

  @Test
  void keyWhenNoCacheAndMaxAgeThenNoCacheWins() {
    assertCachedFor("max-age=3600, no-cache", null, Duration.ofMinutes(5));
  }

  @Test
  void keyWhenSharedMaxAgeOnlyThenDefaultTtl() {
    // s-maxage is for shared caches; it must not be read as max-age.
    assertCachedFor("s-maxage=60", null, Duration.ofHours(1));
  }

  @Test
  void keyWhenCustomBoundsThenClampedToThem() {
    respond(
        aResponse()
            .withStatus(200)
            .withBody(jwks(key))
            .withHeader("Cache-Control", "max-age=86400"));
    RemoteKeySource source =
        source(b -> b.refreshAhead(1.0).ttlBounds(Duration.ofMinutes(1), Duration.ofMinutes(10)));
    source.warmUp();
    clock.advance(Duration.ofMinutes(10).minusMillis(1));
    source.key("k1");
    assertThat(fetches()).isEqualTo(1);
    clock.advance(Duration.ofMillis(1));
    source.key("k1");
    assertThat(fetches()).isEqualTo(2);
  }

  @Test
  void keyWhenEightyPercentOfTtlPassedThenRefreshesInBackground() {
    publish(jwks(key), "max-age=1000");
    RemoteKeySource source = source();
    source.warmUp();

    clock.advance(Duration.ofSeconds(800).minusMillis(1));
    assertThat(source.key("k1")).isNotNull();
    assertThat(fetches()).isEqualTo(1);

    clock.advance(Duration.ofMillis(1));
    assertThat(source.key("k1")).isNotNull();
    eventually("the background refresh completed", () -> events.fetched.size() == 2);
    assertThat(fetches()).isEqualTo(2);
    assertThat(source.lastFetchedAt()).contains(clock.instant());
  }
}
