package io.github.iapverifier;

import static io.github.iapverifier.KeySourceFixtures.AUDIENCE;
import static io.github.iapverifier.KeySourceFixtures.jwks;
import static io.github.iapverifier.KeySourceFixtures.p256;
import static io.github.iapverifier.KeySourceFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.nimbusds.jose.jwk.ECKey;
import io.github.iapverifier.IapVerificationException.Reason;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The non-blocking entry point: {@code verifyIfReady} and the {@code keyIfLoaded} lookups it relies
 * on, against keys really served over HTTP.
 */
class IapVerifierIfReadyTest extends KeySourceTestBase {

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

  @Test
  void verifyIfReadyWhenNoKeysLoadedThenEmptyWithoutFetchOrEvent() {
    publish(jwks(k1), "max-age=3600");
    IapVerifier verifier = verifier();

    assertThat(verifier.verifyIfReady(token(k1, clock.instant()))).isEmpty();
    assertThat(verifier.keySource().keyIfLoaded("k1")).isNull();

    assertThat(fetches()).isZero();
    assertThat(events.verifiedFromCache).isEmpty();
    assertThat(events.rejected).isEmpty();
    // verify, on a thread that may wait, then decides; after it, the key is at hand.
    assertThat(verifier.verify(token(k1, clock.instant())).email()).isEqualTo("alice@example.com");
    assertThat(verifier.keySource().keyIfLoaded("k1")).isSameAs(verifier.keySource().key("k1"));
  }

  @Test
  void verifyIfReadyWhenKeysWarmThenIdentityAndEventsAsVerify() {
    publish(jwks(k1), "max-age=3600");
    IapVerifier verifier = verifier();
    verifier.warmUp();
    String token = token(k1, clock.instant());

    IapIdentity first = verifier.verifyIfReady(token).orElseThrow();
    IapIdentity repeat = verifier.verifyIfReady(token).orElseThrow();

    assertThat(first.email()).isEqualTo("alice@example.com");
    assertThat(repeat).isSameAs(first);
    assertThat(events.verifiedFromCache).containsExactly(false, true);
    // The same cache as verify's.
    assertThat(verifier.verify(token)).isSameAs(first);
    assertThat(events.verifiedFromCache).containsExactly(false, true, true);
    assertThat(fetches()).isEqualTo(1);
  }

  @Test
  void verifyIfReadyWhenKidNotHeldThenEmptyAndNoForcedFetchUntilVerify() {
    publish(jwks(k1), "max-age=3600");
    IapVerifier verifier = verifier();
    verifier.warmUp();
    publish(jwks(k1, k2), "max-age=3600");
    String signedByK2 = token(k2, clock.instant());

    assertThat(verifier.verifyIfReady(signedByK2)).isEmpty();
    assertThat(fetches()).isEqualTo(1);
    assertThat(events.rejected).isEmpty();

    assertThat(verifier.verify(signedByK2).email()).isEqualTo("alice@example.com");
    assertThat(fetches()).isEqualTo(2);
    assertThat(verifier.verifyIfReady(token(k2, clock.instant().minusSeconds(1)))).isPresent();
  }

  @Test
  void verifyIfReadyWhenRejectedThenThrowsAsVerifyAndReportsIt() {
    publish(jwks(k1), "max-age=3600");
    IapVerifier verifier = verifier();
    verifier.warmUp();
    String expired = token(k1, clock.instant().minus(Duration.ofHours(1)));

    assertThatExceptionOfType(IapVerificationException.class)
        .isThrownBy(() -> verifier.verifyIfReady(expired))
        .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRED));
    assertThatExceptionOfType(IapVerificationException.class)
        .isThrownBy(() -> verifier.verifyIfReady(null))
        .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.MISSING));
    // Cheap checks need no key: decided even while none is loaded.
    IapVerifier cold = verifier();
    assertThatExceptionOfType(IapVerificationException.class)
        .isThrownBy(() -> cold.verifyIfReady("not.a.token"))
        .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
    assertThat(events.rejected).extracting(IapVerificationException::reason)
        .containsExactly(Reason.EXPIRED, Reason.MISSING, Reason.MALFORMED);
    assertThat(fetches()).isEqualTo(1);
  }

  @Test
  void verifyIfReadyWhenSignatureBadThenBadSignature() {
    publish(jwks(k1), "max-age=3600");
    IapVerifier verifier = verifier();
    verifier.warmUp();
    ECKey impostor = p256("k1"); // same kid, another key

    assertThatExceptionOfType(IapVerificationException.class)
        .isThrownBy(() -> verifier.verifyIfReady(token(impostor, clock.instant())))
        .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
  }

  @Test
  void keyIfLoadedWhenRefreshDueThenHeldKeyAndRefreshRunsInBackground() {
    publish(jwks(k1), "max-age=300");
    RemoteKeySource source = source();
    source.warmUp();
    IapSigningKey held = source.keyIfLoaded("k1");
    assertThat(held).isNotNull().isSameAs(source.key("k1"));
    assertThat(source.keyIfLoaded("k2")).isNull();

    clock.advance(Duration.ofSeconds(241)); // past 80% of 300 s
    assertThat(source.keyIfLoaded("k1")).isSameAs(held);
    KeySourceFixtures.eventually("the refresh ran", () -> fetches() == 2);

    clock.advance(Duration.ofSeconds(301)); // expired while idle: key() would wait
    assertThat(source.keyIfLoaded("k1")).isNull();
    assertThat(fetches()).isEqualTo(2);
  }

  @Test
  void keyIfLoadedWhenClosedThenNull() {
    publish(jwks(k1), "max-age=3600");
    RemoteKeySource source = source();
    source.warmUp();
    source.close();

    assertThat(source.keyIfLoaded("k1")).isNull();
  }

  @Test
  void keyIfLoadedWhenSourceOnlyImplementsKeyThenNullAndVerifyIfReadyEmpty() {
    TestIap iap = new TestIap();
    IapKeySource lambda = iap.keySource()::key;
    IapVerifier verifier =
        closeLater(
            IapVerifier.builder()
                .audiences(TestIap.AUDIENCE)
                .clock(TestIap.CLOCK)
                .keySource(lambda)
                .eventListener(events)
                .build());
    String token = iap.token();

    assertThat(lambda.keyIfLoaded(iap.keyId())).isNull();
    assertThat(verifier.verifyIfReady(token)).isEmpty();
    assertThat(verifier.verify(token).email()).isEqualTo(TestIap.EMAIL);
    // A cached verification is not dropped because this source cannot answer without blocking.
    assertThat(verifier.verifyIfReady(token)).isEmpty();
    verifier.verify(token);
    assertThat(events.verifiedFromCache).containsExactly(false, true);
  }
}
