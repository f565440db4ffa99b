package io.github.iapverifier.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapKeySource;
import io.github.iapverifier.IapProxy;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeCloudflareAccessTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  private FakeCloudflareAccess access;

  @BeforeEach
  void start() {
    access = FakeCloudflareAccess.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).start();
  }

  @AfterEach
  void stop() {
    access.close();
  }

  @Test
  void tokenWhenUserThenCloudflaresClaimsWithAudienceArray() throws Exception {
    SignedJWT jwt = SignedJWT.parse(access.token().email("ana@example.com").build());

    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    assertThat(jwt.getHeader().getType().getType()).isEqualTo("JWT");
    assertThat(jwt.getHeader().getKeyID()).matches("[0-9a-f]{64}").isEqualTo(access.currentKeyId());
    Map<String, Object> claims = Http.segment(jwt.serialize(), 1);
    assertThat(claims)
        .containsEntry("aud", List.of(FakeCloudflareAccess.DEFAULT_AUDIENCE))
        .containsEntry("email", "ana@example.com")
        .containsEntry("iss", FakeCloudflareAccess.DEFAULT_TEAM_DOMAIN)
        .containsEntry("type", "app")
        .containsEntry("country", "US")
        .containsEntry("iat", NOW.getEpochSecond())
        .containsEntry("nbf", NOW.getEpochSecond())
        .containsEntry("exp", NOW.plusSeconds(24 * 3600).getEpochSecond())
        .doesNotContainKey("common_name");
    assertThat((String) claims.get("identity_nonce")).hasSize(16);
    assertThat((String) claims.get("sub"))
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  }

  @Test
  void tokenWhenServiceTokenThenAudienceStringCommonNameAndEmptySubject() throws Exception {
    Map<String, Object> claims =
        Http.segment(
            access.token().serviceToken("88bf3b6d86161464f6509f7219099e57.access").build(), 1);

    assertThat(claims)
        .containsEntry("aud", FakeCloudflareAccess.DEFAULT_AUDIENCE)
        .containsEntry("common_name", "88bf3b6d86161464f6509f7219099e57.access")
        .containsEntry("sub", "")
        .containsEntry("type", "app")
        .doesNotContainKeys("email", "country", "identity_nonce");
  }

  @Test
  void jwksUriWhenFetchedThenPublicRsaKeysOf2048BitsThatVerifyTheTokens() throws Exception {
    HttpResponse<String> response = Http.get(access.jwksUri());

    assertThat(access.jwksUri().getPath()).isEqualTo("/cdn-cgi/access/certs");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).doesNotContain("\"d\"").doesNotContain("\"p\"");
    RSAKey key = (RSAKey) JWKSet.parse(response.body()).getKeyByKeyId(access.currentKeyId());
    assertThat(key.size()).isEqualTo(2048);
    assertThat(key.getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    assertThat(SignedJWT.parse(access.token().build()).verify(new RSASSAVerifier(key))).isTrue();
    assertThat(
            SignedJWT.parse(access.token().signedWithUnpublishedKey().build())
                .verify(new RSASSAVerifier(key)))
        .isFalse();
    assertThat(Http.get(URI.create(access.jwksUri() + "x")).statusCode()).isEqualTo(404);
  }

  @Test
  void jwksUriWhenReadByTheCoreAsRs256ThenEveryPublishedKeyAsTheFakesKeySourceHasIt()
      throws Exception {
    String old = access.currentKeyId();
    String fresh = access.rotateKeys();

    IapKeySource served = IapKeySource.fromJwks(Http.get(access.jwksUri()).body(), "RS256");

    for (String kid : List.of(old, fresh)) {
      assertThat(served.key(kid).publicKey()).isEqualTo(access.keySource().key(kid).publicKey());
      assertThat(served.key(kid).algorithm()).isEqualTo("RS256");
    }
    String body = Http.get(access.jwksUri()).body();
    assertThatThrownBy(() -> IapKeySource.fromJwks(body, "ES256"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verifierBuilderWhenUserAndServiceTokensThenCoreVerifierAcceptsOverHttp() {
    try (IapVerifier verifier = access.verifierBuilder().clock(clock()).build()) {
      IapIdentity ana = verifier.verify(access.token().email("ana@example.com").build());
      IapIdentity service = verifier.verify(access.token().serviceToken("88bf3b6d.access").build());

      assertThat(ana.proxy()).isEqualTo(IapProxy.CLOUDFLARE_ACCESS);
      assertThat(ana.email()).isEqualTo("ana@example.com");
      assertThat(ana.audience()).isEqualTo(FakeCloudflareAccess.DEFAULT_AUDIENCE);
      assertThat(ana.expiresAt()).isEqualTo(NOW.plusSeconds(24 * 3600));
      // The core names a service token by its client id, never as a person's address.
      assertThat(service.email()).isEqualTo("88bf3b6d.access");
      assertThat(service.subject()).isEqualTo("service-token:88bf3b6d.access");
      assertThat(service.claims()).containsEntry("common_name", "88bf3b6d.access");
      assertThat(access.jwksRequests()).isEqualTo(1);
    }
  }

  @Test
  void verifierBuilderWhenEachInvalidTokenThenCoreVerifierRejectsWithItsReason() {
    Map<String, Reason> cases = new LinkedHashMap<>();
    cases.put(access.token().signedWithUnpublishedKey().build(), Reason.BAD_SIGNATURE);
    cases.put(access.token().audience("0".repeat(64)).build(), Reason.WRONG_AUDIENCE);
    cases.put(
        access.token().issuer("https://other.cloudflareaccess.com").build(), Reason.WRONG_ISSUER);
    cases.put(access.token().issuedAt(NOW.minusSeconds(25 * 3600)).build(), Reason.EXPIRED);
    cases.put(access.token().issuedAt(NOW.plusSeconds(300)).build(), Reason.ISSUED_IN_FUTURE);
    try (IapVerifier verifier = access.verifierBuilder().clock(clock()).build()) {
      assertRejected(verifier, cases);
    }
  }

  static void assertRejected(IapVerifier verifier, Map<String, Reason> cases) {
    cases.forEach(
        (token, reason) ->
            assertThatThrownBy(() -> verifier.verify(token))
                .as(reason.name())
                .isInstanceOfSatisfying(
                    IapVerificationException.class,
                    e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason)));
  }

  private static Clock clock() {
    return Clock.fixed(NOW, ZoneOffset.UTC);
  }

  @Test
  void rotateKeysWhenRotatedThenBothPublishedUntilRetired() throws Exception {
    String old = access.currentKeyId();
    String fresh = access.rotateKeys();

    assertThat(JWKSet.parse(Http.get(access.jwksUri()).body()).getKeys()).hasSize(2);
    access.retireOldKeys();
    JWKSet after = JWKSet.parse(Http.get(access.jwksUri()).body());
    assertThat(after.getKeyByKeyId(old)).isNull();
    assertThat(after.getKeyByKeyId(fresh)).isNotNull();
    assertThat(access.jwksRequests()).isEqualTo(2);
  }
}
