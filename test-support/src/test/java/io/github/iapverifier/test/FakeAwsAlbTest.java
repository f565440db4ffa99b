package io.github.iapverifier.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapProxy;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeAwsAlbTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  private FakeAwsAlb alb;

  @BeforeEach
  void start() {
    alb = FakeAwsAlb.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).start();
  }

  @AfterEach
  void stop() {
    alb.close();
  }

  @Test
  void tokenWhenDefaultsThenLoadBalancersHeaderAndPayload() throws Exception {
    String token = alb.token().email("ana@example.com").build();

    Map<String, Object> header = Http.segment(token, 0);
    assertThat(header)
        .containsEntry("typ", "JWT")
        .containsEntry("alg", "ES256")
        .containsEntry("kid", alb.currentKeyId())
        .containsEntry("signer", FakeAwsAlb.DEFAULT_SIGNER)
        .containsEntry("client", FakeAwsAlb.DEFAULT_CLIENT_ID)
        .containsEntry("iss", FakeAwsAlb.DEFAULT_ISSUER)
        .containsEntry("exp", NOW.plusSeconds(120).getEpochSecond());
    assertThat(alb.currentKeyId())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    Map<String, Object> payload = Http.segment(token, 1);
    assertThat(payload)
        .containsEntry("email", "ana@example.com")
        .containsEntry("username", "ana")
        .containsEntry("email_verified", "true")
        .containsEntry("iss", FakeAwsAlb.DEFAULT_ISSUER)
        .containsEntry("exp", NOW.plusSeconds(120).getEpochSecond())
        .doesNotContainKey("iat");
    assertThat((String) payload.get("sub"))
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  }

  @Test
  void tokenWhenBuiltThenEverySegmentPaddedAndSignatureOverPaddedTextVerifiesWithServedPem()
      throws Exception {
    // A payload whose length needs padding; the 64-byte signature always does (88 characters).
    String token = alb.token().email("a@example.com").build();
    for (String local = "ab"; !token.split("\\.")[1].endsWith("="); local += "c") {
      token = alb.token().email(local + "@example.com").build();
    }
    String[] parts = token.split("\\.", -1);

    assertThat(parts).hasSize(3);
    for (String part : parts) {
      assertThat(part.length() % 4).as(part).isZero();
      assertThat(part).matches("[A-Za-z0-9_-]+={0,2}");
    }
    assertThat(parts[2]).endsWith("==");
    assertThat(parts[2]).hasSize(88);

    HttpResponse<String> pem = Http.get(URI.create(alb.keyEndpoint() + "/" + alb.currentKeyId()));
    assertThat(pem.statusCode()).isEqualTo(200);
    assertThat(pem.body())
        .startsWith("-----BEGIN PUBLIC KEY-----\n")
        .endsWith("-----END PUBLIC KEY-----\n");
    assertThat(pem.body()).isEqualTo(alb.publicKeyPem(alb.currentKeyId()));
    ECDSAVerifier verifier = new ECDSAVerifier(parsePem(pem.body()));
    byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    Base64URL signature = Base64URL.encode(Base64.getUrlDecoder().decode(parts[2]));
    assertThat(verifier.verify(new JWSHeader(JWSAlgorithm.ES256), signed, signature)).isTrue();
    byte[] unpadded =
        (parts[0].replace("=", "") + "." + parts[1].replace("=", ""))
            .getBytes(StandardCharsets.US_ASCII);
    assertThat(verifier.verify(new JWSHeader(JWSAlgorithm.ES256), unpadded, signature)).isFalse();
  }

  @Test
  void tokenWhenWithoutPaddingThenNoPaddingAnywhereAndSignatureOverThatText() throws Exception {
    String token = alb.token().email("ab@example.com").withoutPadding().build();
    String[] parts = token.split("\\.", -1);

    assertThat(token).doesNotContain("=");
    ECDSAVerifier verifier = new ECDSAVerifier(parsePem(alb.publicKeyPem(alb.currentKeyId())));
    assertThat(
            verifier.verify(
                new JWSHeader(JWSAlgorithm.ES256),
                (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII),
                new Base64URL(parts[2])))
        .isTrue();
  }

  @Test
  void tokenWhenSignerClientAndHeaderOverriddenThenHeaderSaysSo() throws Exception {
    String token =
        alb.token().signer("arn:other").client(null).header("alg", "HS256").keyId("k").build();

    assertThat(Http.segment(token, 0))
        .containsEntry("signer", "arn:other")
        .containsEntry("alg", "HS256")
        .containsEntry("kid", "k")
        .doesNotContainKey("client");
  }

  @Test
  void keyEndpointWhenUnknownKidThen404AndWhenOutageThen503() throws Exception {
    assertThat(Http.get(URI.create(alb.keyEndpoint() + "/no-such-kid")).statusCode())
        .isEqualTo(404);
    assertThat(Http.get(URI.create(alb.keyEndpoint() + "/")).statusCode()).isEqualTo(404);

    alb.simulateOutage(true);
    assertThat(Http.get(URI.create(alb.keyEndpoint() + "/" + alb.currentKeyId())).statusCode())
        .isEqualTo(503);
    assertThat(alb.keyRequests()).isEqualTo(3);
  }

  @Test
  void rotateKeysWhenRotatedThenOldKidStillServedUntilRetired() throws Exception {
    String old = alb.currentKeyId();
    String fresh = alb.rotateKeys();

    assertThat(fresh).isNotEqualTo(old).isEqualTo(alb.currentKeyId());
    assertThat(Http.get(URI.create(alb.keyEndpoint() + "/" + old)).statusCode()).isEqualTo(200);
    assertThat(alb.keySource().key(old)).isNotNull();

    alb.retireOldKeys();
    assertThat(Http.get(URI.create(alb.keyEndpoint() + "/" + old)).statusCode()).isEqualTo(404);
    assertThat(alb.keySource().key(old)).isNull();
    assertThat(alb.keySource().key(fresh)).isNotNull();
  }

  @Test
  void verifierBuilderWhenTokenFetchedOverHttpThenCoreVerifierAcceptsWithExactIdentity() {
    try (IapVerifier verifier =
        alb.verifierBuilder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build()) {
      IapIdentity who = verifier.verify(alb.token().email("ana@example.com").build());

      assertThat(who.proxy()).isEqualTo(IapProxy.AWS_ALB);
      assertThat(who.email()).isEqualTo("ana@example.com");
      assertThat(who.subject())
          .isEqualTo(
              UUID.nameUUIDFromBytes("ana@example.com".getBytes(StandardCharsets.UTF_8))
                  .toString());
      assertThat(who.claims()).containsEntry("username", "ana");
      assertThat(who.audience()).isEqualTo(FakeAwsAlb.DEFAULT_SIGNER);
      assertThat(who.expiresAt()).isEqualTo(NOW.plusSeconds(120));
      assertThat(alb.keyRequests()).isEqualTo(1);
    }
  }

  @Test
  void verifierBuilderWhenEachInvalidTokenThenCoreVerifierRejectsWithItsReason() {
    Map<String, Reason> cases = new LinkedHashMap<>();
    cases.put(alb.token().signedWithUnpublishedKey().build(), Reason.BAD_SIGNATURE);
    cases.put(
        alb.token().signer(FakeAwsAlb.DEFAULT_SIGNER.replace("fake-alb", "other")).build(),
        Reason.WRONG_SIGNER);
    cases.put(alb.token().client("otherclient").build(), Reason.WRONG_SIGNER);
    cases.put(alb.token().issuer("https://other.example.com").build(), Reason.WRONG_ISSUER);
    cases.put(alb.token().issuedAt(NOW.minusSeconds(3600)).build(), Reason.EXPIRED);
    cases.put(alb.token().withoutPadding().build(), Reason.MALFORMED);
    cases.put(
        alb.token().keyId("00000000-0000-0000-0000-000000000000").build(), Reason.UNKNOWN_KEY);
    try (IapVerifier verifier =
        alb.verifierBuilder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build()) {
      cases.forEach(
          (token, reason) ->
              assertThatThrownBy(() -> verifier.verify(token))
                  .as(reason.name())
                  .isInstanceOfSatisfying(
                      IapVerificationException.class,
                      e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason)));
    }
  }

  @Test
  void rotateKeysWhenRotatedThenCoreVerifierFetchesTheNewKidAndStillAcceptsTheOld() {
    try (IapVerifier verifier =
        alb.verifierBuilder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build()) {
      String before = alb.token().build();
      alb.rotateKeys();
      String after = alb.token().build();

      assertThat(verifier.verify(after).email()).isEqualTo("user@example.com");
      assertThat(verifier.verify(before).email()).isEqualTo("user@example.com");
      assertThat(alb.keyRequests()).isEqualTo(2);
    }
  }

  static ECPublicKey parsePem(String pem) throws Exception {
    String base64 =
        pem.replace("-----BEGIN PUBLIC KEY-----", "")
            .replace("-----END PUBLIC KEY-----", "")
            .replaceAll("\\s", "");
    return (ECPublicKey)
        KeyFactory.getInstance("EC")
            .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }
}
