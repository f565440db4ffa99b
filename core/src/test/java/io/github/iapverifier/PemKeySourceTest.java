package io.github.iapverifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.github.iapverifier.KeySourceFixtures.eventually;
import static io.github.iapverifier.KeySourceFixtures.p256;
import static io.github.iapverifier.KeySourceFixtures.p384;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.nimbusds.jose.jwk.ECKey;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.keys.PemKeySource;
import java.net.URI;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The per-kid PEM source AWS ALB keys come from, against a real HTTP server. */
class PemKeySourceTest extends KeySourceTestBase {

  static final String BASE = "/alb-keys";
  static final String KID = "c2f80c8b-c05c-4068-af14-17299f7896b1";

  /** The PEM form AWS serves: SubjectPublicKeyInfo, base64 in 64-character lines. */
  static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  static String pem(ECKey key) {
    try {
      return pem(key.toECPublicKey());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void serve(String kid, ResponseDefinitionBuilder response) {
    wm.stubFor(get(urlEqualTo(BASE + "/" + kid)).willReturn(response));
  }

  static void serveHeld(String kid, ResponseDefinitionBuilder response) {
    wm.stubFor(
        get(urlEqualTo(BASE + "/" + kid))
            .withServeEventListener(
                ServeEventListener.RequestPhase.BEFORE_RESPONSE_SENT,
                HeldResponses.NAME,
                Parameters.empty())
            .willReturn(response));
  }

  static int requests() {
    return wm.findAll(anyRequestedFor(anyUrl())).size();
  }

  PemKeySource pemSource(PemKeySource.Limits limits) {
    return closeLater(
        new PemKeySource(
            URI.create(wm.baseUrl() + BASE), null, TIMEOUT, TIMEOUT, limits, clock, events));
  }

  PemKeySource pemSource() {
    return pemSource(PemKeySource.Limits.DEFAULT);
  }

  @Test
  void keyWhenPublishedThenFetchedOnceAndSameInstanceEverAfter() throws Exception {
    ECKey key = p256(KID);
    serve(KID, aResponse().withBody(pem(key)));
    PemKeySource source = pemSource();

    IapSigningKey first = source.key(KID);
    clock.advance(Duration.ofDays(30));
    IapSigningKey again = source.key(KID);

    assertThat(first.publicKey()).isEqualTo(key.toECPublicKey());
    assertThat(again).isSameAs(first);
    assertThat(requests()).isEqualTo(1);
    assertThat(events.fetched).containsExactly(java.util.Set.of(KID));
    assertThat(source.status().usable()).isTrue();
    assertThat(source.status().fetchedAt()).isPresent();
  }

  @Test
  void keyIfLoadedWhenNotFetchedThenNullWithoutRequestAndHeldKeyAfterFetch() {
    serve(KID, aResponse().withBody(pem(p256(KID))));
    PemKeySource source = pemSource();

    assertThat(source.keyIfLoaded(KID)).isNull();
    assertThat(source.keyIfLoaded("not-a-uuid")).isNull();
    assertThat(requests()).isZero();

    IapSigningKey fetched = source.key(KID);
    assertThat(source.keyIfLoaded(KID)).isSameAs(fetched);
    assertThat(requests()).isEqualTo(1);
    source.close();
    assertThat(source.keyIfLoaded(KID)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../x",
        "%2F",
        "..%2F..%2Fetc%2Fpasswd",
        "c2f80c8b-c05c-4068-af14-17299f7896b1/../x",
        "c2f80c8b-c05c-4068-af14-17299f7896b1?x=1",
        "c2f80c8b-c05c-4068-af14-17299f7896b1#x",
        "c2f80c8b-c05c-4068-af14-17299f7896b",
        "c2f80c8b-c05c-4068-af14-17299f7896b1 ",
        "c2f80c8bc05c4068af1417299f7896b1",
        "g2f80c8b-c05c-4068-af14-17299f7896b1",
        "c2f80c8b-c05c-4068-af14-17299f7896b1\n",
        "key-1",
        ""
      })
  void keyWhenKidIsNotUuidThenUnknownKeyWithoutFetch(String kid) {
    PemKeySource source = pemSource();

    IapVerificationException e =
        catchThrowableOfType(IapVerificationException.class, () -> source.key(kid));

    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(requests()).isZero();
  }

  @Test
  void keyWhenKidIsVeryLongThenUnknownKeyWithoutFetchAndMessageBounded() {
    String kid = KID.repeat(1000);

    IapVerificationException e =
        catchThrowableOfType(IapVerificationException.class, () -> pemSource().key(kid));

    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(e.getMessage()).hasSizeLessThan(300);
    assertThat(requests()).isZero();
  }

  @ParameterizedTest
  @ValueSource(ints = {403, 404})
  void keyWhenEndpointSaysNotFoundThenUnknownKeyRememberedForAWhile(int status) {
    serve(KID, aResponse().withStatus(status));
    PemKeySource source = pemSource();

    assertThat(reasonOf(source, KID)).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(reasonOf(source, KID)).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(requests()).isEqualTo(1);

    clock.advance(PemKeySource.Limits.DEFAULT.unknownTtl().plusSeconds(1));
    assertThat(reasonOf(source, KID)).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(requests()).isEqualTo(2);
    assertThat(source.status().usable()).isTrue();
  }

  @Test
  void keyWhenEndpointFailsThenKeysUnavailableAndNotRemembered() {
    serve(KID, aResponse().withStatus(500));
    PemKeySource source = pemSource();

    assertThat(reasonOf(source, KID)).isEqualTo(Reason.KEYS_UNAVAILABLE);
    assertThat(source.status().usable()).isFalse();
    assertThat(source.status().lastError()).contains("IOException: HTTP 500");
    assertThat(events.failed).hasSize(1);

    ECKey key = p256(KID);
    serve(KID, aResponse().withBody(pem(key)));
    assertThat(source.key(KID).keyId()).isEqualTo(KID);
    assertThat(requests()).isEqualTo(2);
    assertThat(source.status().usable()).isTrue();
    assertThat(source.status().lastError()).isEmpty();
  }

  @Test
  void statusWhenAKeyIsHeldAndALaterFetchFailsThenStillUsable() {
    serve(KID, aResponse().withBody(pem(p256(KID))));
    String other = UUID.randomUUID().toString();
    serve(other, aResponse().withStatus(503));
    PemKeySource source = pemSource();
    source.key(KID);

    assertThat(reasonOf(source, other)).isEqualTo(Reason.KEYS_UNAVAILABLE);

    assertThat(source.status().usable()).isTrue();
    assertThat(source.status().lastError()).isPresent();
  }

  @Test
  void keyWhenResponseNeverComesThenKeysUnavailableAfterTimeout() {
    serveHeld(KID, aResponse().withBody(pem(p256(KID))));
    PemKeySource source = pemSource();

    assertThat(reasonOf(source, KID)).isEqualTo(Reason.KEYS_UNAVAILABLE);
    assertThat(events.failed).singleElement().asString().contains("HttpTimeoutException");
  }

  @Test
  void keyWhenBodyExceedsLimitThenKeysUnavailable() {
    serve(KID, aResponse().withBody(pem(p256(KID)) + " ".repeat(9000)));

    assertThat(reasonOf(pemSource(), KID)).isEqualTo(Reason.KEYS_UNAVAILABLE);
    assertThat(events.failed).singleElement().asString().contains("exceeds the limit");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"not a key", "garbage-rsa", "p384", "two-blocks", "private", "bad-base64"})
  void keyWhenBodyIsNotOneP256PemKeyThenKeysUnavailable(String body) throws Exception {
    String p256 = pem(p256(KID));
    String text =
        switch (body) {
          case "garbage-rsa" -> pem(KeySourceFixtures.rsa().toRSAKey().toRSAPublicKey());
          case "p384" -> pem(p384(KID).toECPublicKey());
          case "two-blocks" -> p256 + p256;
          case "private" -> p256.replace("PUBLIC KEY", "PRIVATE KEY");
          case "bad-base64" -> p256.replace("\n-----END", "*\n-----END");
          default -> body;
        };
    serve(KID, aResponse().withBody(text));

    assertThat(reasonOf(pemSource(), KID)).isEqualTo(Reason.KEYS_UNAVAILABLE);
  }

  @Test
  void keyWhenRedirectedToAnotherOriginThenKeysUnavailable() {
    serve(KID, aResponse().withStatus(302).withHeader("Location", "http://example.com/" + KID));

    assertThat(reasonOf(pemSource(), KID)).isEqualTo(Reason.KEYS_UNAVAILABLE);
    assertThat(events.failed).singleElement().asString().contains("is not followed");
  }

  @Test
  void keyWhenManyRandomKidsThenFetchesBoundedByBudget() {
    wm.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(404)));
    PemKeySource source = pemSource();
    int burst = PemKeySource.Limits.DEFAULT.burst();

    List<Reason> reasons = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      reasons.add(reasonOf(source, UUID.randomUUID().toString()));
    }

    assertThat(requests()).isEqualTo(burst);
    assertThat(reasons.subList(0, burst)).containsOnly(Reason.UNKNOWN_KEY);
    assertThat(reasons.subList(burst, reasons.size())).containsOnly(Reason.KEYS_UNAVAILABLE);
    assertThat(events.rateLimited).hasSize(500 - burst);

    clock.advance(PemKeySource.Limits.DEFAULT.refill());
    assertThat(reasonOf(source, UUID.randomUUID().toString())).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(reasonOf(source, UUID.randomUUID().toString())).isEqualTo(Reason.KEYS_UNAVAILABLE);
    assertThat(requests()).isEqualTo(burst + 1);
  }

  @Test
  void keyWhenBudgetSpentThenKnownKidsStillServed() {
    serve(KID, aResponse().withBody(pem(p256(KID))));
    PemKeySource source = pemSource();
    IapSigningKey key = source.key(KID);
    wm.stubFor(get(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(404)));
    for (int i = 0; i < 50; i++) {
      reasonOf(source, UUID.randomUUID().toString());
    }

    assertThat(source.key(KID)).isSameAs(key);
  }

  @Test
  void keyWhenConcurrentLookupsOfOneKidThenOneFetch() throws Exception {
    ECKey key = p256(KID);
    serveHeld(KID, aResponse().withBody(pem(key)));
    PemKeySource source =
        closeLater(
            new PemKeySource(
                URI.create(wm.baseUrl() + BASE),
                null,
                TIMEOUT,
                Duration.ofSeconds(60),
                PemKeySource.Limits.DEFAULT,
                clock,
                events));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<IapSigningKey>> lookups = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        lookups.add(pool.submit(() -> source.key(KID)));
      }
      eventually("the one fetch is held", () -> held.holding() == 1);
      held.releaseAll();
      IapSigningKey first = lookups.get(0).get();
      for (Future<IapSigningKey> f : lookups) {
        assertThat(f.get()).isSameAs(first);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(requests()).isEqualTo(1);
  }

  @Test
  void keyWhenClosedThenKeysUnavailableAndStatusUnusable() {
    serve(KID, aResponse().withBody(pem(p256(KID))));
    PemKeySource source = pemSource();
    source.key(KID);

    source.close();

    assertThat(reasonOf(source, KID)).isEqualTo(Reason.KEYS_UNAVAILABLE);
    assertThat(source.status().usable()).isFalse();
    assertThat(catchThrowableOfType(IapVerificationException.class, source::warmUp).reason())
        .isEqualTo(Reason.KEYS_UNAVAILABLE);
  }

  @Test
  void warmUpWhenNothingFetchedThenNoRequestAndStatusUsable() {
    PemKeySource source = pemSource();

    source.warmUp();

    assertThat(requests()).isZero();
    assertThat(source.status().usable()).isTrue();
    assertThat(source.status().fetchedAt()).isEmpty();
    assertThat(source.status().uri()).contains(URI.create(wm.baseUrl() + BASE));
  }

  static Reason reasonOf(PemKeySource source, String kid) {
    return catchThrowableOfType(IapVerificationException.class, () -> source.key(kid)).reason();
  }
}
