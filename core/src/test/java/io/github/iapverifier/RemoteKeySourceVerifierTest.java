package io.github.iapverifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static io.github.iapverifier.KeySourceFixtures.AUDIENCE;
import static io.github.iapverifier.KeySourceFixtures.eventually;
import static io.github.iapverifier.KeySourceFixtures.jwks;
import static io.github.iapverifier.KeySourceFixtures.keyThreads;
import static io.github.iapverifier.KeySourceFixtures.p256;
import static io.github.iapverifier.KeySourceFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.jwk.ECKey;
import io.github.iapverifier.IapVerificationException.Reason;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The remote key source seen through the verifier: rotation, withdrawal, wiring, lifecycle. */
class RemoteKeySourceVerifierTest extends KeySourceTestBase {

  private final ECKey k1 = p256("k1");
  private final ECKey k2 = p256("k2");

  private IapVerifier verifier() {
    return closeLater(
        IapVerifier.builder()
            .audiences(AUDIENCE)
            .clock(clock)
            .jwksUri(jwksUri())
            .remoteKeySource(
                RemoteKeySource.builder()
                    .clock(clock)
                    .connectTimeout(TIMEOUT)
                    .requestTimeout(TIMEOUT))
            .eventListener(events)
            .build());
  }

  private static Reason rejection(IapVerifier verifier, String token) {
    IapVerificationException e =
        catchThrowableOfType(IapVerificationException.class, () -> verifier.verify(token));
    assertThat(e).as("rejected").isNotNull();
    return e.reason();
  }

  @Test
  void verifyWhenNewKidPublishedThenOneFetchAndTokenAccepted() {
    publish(jwks(k1), "max-age=3600");
    IapVerifier verifier = verifier();
    verifier.warmUp();
    assertThat(fetches()).isEqualTo(1);
    publish(jwks(k1, k2), "max-age=3600");

    IapIdentity who = verifier.verify(token(k2, clock.instant()));

    assertThat(who.email()).isEqualTo("alice@example.com");
    assertThat(fetches()).isEqualTo(2);
    verifier.verify(token(k2, clock.instant().minusSeconds(5)));
    verifier.verify(token(k1, clock.instant()));
    assertThat(fetches()).isEqualTo(2);
    assertThat(events.rotated).containsExactly(java.util.List.of(Set.of("k2"), Set.of()));
  }

  @Test
  void verifyWhenKidWithdrawnThenUnknownKeyAndCachedVerificationDropped() {
    publish(jwks(k1, k2), "max-age=300");
    IapVerifier verifier = verifier();
    String signedByK1 = token(k1, clock.instant());
    verifier.verify(signedByK1);
    verifier.verify(signedByK1);
    assertThat(events.verifiedFromCache).containsExactly(false, true);

    publish(jwks(k2), "max-age=300");
    clock.advance(Duration.ofSeconds(241)); // past 80% of 300 s; the token is still valid
    // Answered from the cache while the refresh runs in the background.
    verifier.verify(signedByK1);
    eventually("the rotation is seen", () -> events.rotated.size() == 1);
    assertThat(events.rotated.get(0)).containsExactly(Set.of(), Set.of("k1"));

    assertThat(rejection(verifier, signedByK1)).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(rejection(verifier, signedByK1)).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(verifier.verify(token(k2, clock.instant())).email()).isEqualTo("alice@example.com");
    assertThat(events.verifiedFromCache).containsExactly(false, true, true, false);
  }

  @Test
  void verifyWhenKeysRefreshedUnchangedThenCachedVerificationStillHit() {
    publish(jwks(k1), "max-age=300");
    IapVerifier verifier = verifier();
    String token = token(k1, clock.instant());
    verifier.verify(token);
    IapSigningKey before = verifier.keySource().key("k1");

    clock.advance(Duration.ofSeconds(241));
    verifier.verify(token); // starts the background refresh
    eventually("the refresh completed", () -> events.fetched.size() == 2);
    verifier.verify(token);

    assertThat(verifier.keySource().key("k1")).isSameAs(before);
    assertThat(events.verifiedFromCache).containsExactly(false, true, true);
    assertThat(fetches()).isEqualTo(2);
  }

  @Test
  void verifyWhenKeyReplacedUnderSameKidThenOldSignatureRejectedDespiteCache() {
    publish(jwks(k1), "max-age=300");
    IapVerifier verifier = verifier();
    String oldToken = token(k1, clock.instant());
    verifier.verify(oldToken);
    ECKey replacement = p256("k1");
    publish(jwks(replacement), "max-age=300");

    clock.advance(Duration.ofSeconds(241));
    verifier.verify(oldToken);
    eventually("the replacement is seen", () -> events.rotated.size() == 1);

    assertThat(rejection(verifier, oldToken)).isEqualTo(Reason.BAD_SIGNATURE);
    verifier.verify(token(replacement, clock.instant()));
  }

  @Test
  void verifyWhenNoKeysCanBeFetchedThenKeysUnavailableNotUnknownKey() {
    respond(aResponse().withStatus(503));
    IapVerifier verifier = verifier();

    assertThat(rejection(verifier, token(k1, clock.instant()))).isEqualTo(Reason.KEYS_UNAVAILABLE);
    assertThat(rejection(verifier, token(k1, clock.instant()))).isEqualTo(Reason.KEYS_UNAVAILABLE);
    assertThat(fetches()).isEqualTo(1);
  }

  @Test
  void buildWhenJwksUriThenRemoteSourceFromThatUriAndWarmUpFetches() {
    publish(jwks(k1), "max-age=3600");
    IapVerifier verifier =
        closeLater(
            IapVerifier.builder().audiences(AUDIENCE).jwksUri(jwksUri()).eventListener(events).build());

    assertThat(verifier.keySource()).isInstanceOf(RemoteKeySource.class);
    assertThat(((RemoteKeySource) verifier.keySource()).jwksUri()).isEqualTo(jwksUri());
    assertThat(fetches()).as("nothing fetched before warmUp").isZero();
    verifier.warmUp();
    assertThat(fetches()).isEqualTo(1);
    assertThat(events.fetched).containsExactly(Set.of("k1"));
    assertThat(events.fetchUris).containsExactly(jwksUri());
  }

  @Test
  void buildWhenNoKeySourceSettingsThenGoogleUri() {
    IapVerifier verifier = closeLater(IapVerifier.builder().audiences(AUDIENCE).build());

    assertThat(((RemoteKeySource) verifier.keySource()).jwksUri())
        .isEqualTo(URI.create("https://www.gstatic.com/iap/verify/public_key-jwk"));
  }

  @Test
  void buildWhenRemoteKeySourceTunedThenItsSettingsApply() {
    // Never answered while the test runs: only a timeout can end the wait, and the message names
    // which one (the default is 2 s).
    respondHeld(aResponse().withBody(jwks(k1)));
    IapVerifier verifier =
        closeLater(
            IapVerifier.builder()
                .audiences(AUDIENCE)
                .remoteKeySource(
                    RemoteKeySource.builder()
                        .jwksUri(jwksUri())
                        .requestTimeout(Duration.ofMillis(200)))
                .build());

    IapVerificationException e =
        catchThrowableOfType(IapVerificationException.class, verifier::warmUp);
    assertThat(e.reason()).as("the 200 ms timeout cut the fetch").isEqualTo(Reason.KEYS_UNAVAILABLE);
    assertThat(e.getMessage()).contains("within 200 ms");
  }

  @Test
  void buildWhenVerifierHasClockAndListenerThenRemoteSourceUsesThemAndTunedBuilderIsUnchanged() {
    publish(jwks(k1), "max-age=300");
    RemoteKeySource.Builder tuned =
        RemoteKeySource.builder().connectTimeout(TIMEOUT).requestTimeout(TIMEOUT);
    IapVerifier verifier =
        closeLater(
            IapVerifier.builder()
                .audiences(AUDIENCE)
                .clock(clock)
                .jwksUri(jwksUri())
                .remoteKeySource(tuned)
                .eventListener(events)
                .build());
    verifier.warmUp();
    assertThat(events.fetched).hasSize(1);

    // Only the verifier's (test) clock is past the 300 s TTL: a refresh proves the source uses it.
    clock.advance(Duration.ofSeconds(301));
    verifier.verify(token(k1, clock.instant()));

    assertThat(fetches()).isEqualTo(2);
    assertThat(events.fetched).hasSize(2);
    RemoteKeySource fromTuned = closeLater(tuned.build());
    assertThat(fromTuned.jwksUri()).hasToString(RemoteKeySource.DEFAULT_JWKS_URI);
  }

  @Test
  void closeWhenVerifierCreatedTheSourceThenSourceClosedAndThreadGone() {
    Set<Thread> before = keyThreads();
    publish(jwks(k1), "max-age=3600");
    IapVerifier verifier = verifier();
    verifier.warmUp();
    assertThat(keyThreads()).hasSizeGreaterThan(before.size());

    verifier.close();

    eventually("the fetch thread ended", () -> before.containsAll(keyThreads()));
    assertThat(rejection(verifier, token(k1, clock.instant()))).isEqualTo(Reason.KEYS_UNAVAILABLE);
  }

  @Test
  void closeWhenKeySourcePassedInThenLeftOpen() {
    publish(jwks(k1), "max-age=3600");
    RemoteKeySource source = source();
    IapVerifier verifier =
        IapVerifier.builder().audiences(AUDIENCE).clock(clock).keySource(source).build();
    verifier.verify(token(k1, clock.instant()));

    verifier.close();

    assertThat(source.key("k1")).isNotNull();
  }
}
