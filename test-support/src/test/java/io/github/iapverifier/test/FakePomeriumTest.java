package io.github.iapverifier.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapProxy;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FakePomeriumTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @ParameterizedTest
  @ValueSource(strings = {"ES256", "RS256"})
  void tokenWhenBuiltThenPomeriumsClaimsSignedWithTheServedKey(String algorithm) throws Exception {
    try (FakePomerium pomerium =
        FakePomerium.builder()
            .algorithm(algorithm)
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .start()) {
      SignedJWT jwt =
          SignedJWT.parse(
              pomerium
                  .token()
                  .email("ana@example.com")
                  .name("Ana")
                  .groups("g-1", "admins")
                  .build());
      HttpResponse<String> jwks = Http.get(pomerium.jwksUri());

      assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.parse(algorithm));
      assertThat(jwt.getHeader().getKeyID()).matches("[0-9a-f]{64}");
      Map<String, Object> claims = Http.segment(jwt.serialize(), 1);
      assertThat(claims)
          .containsEntry("iss", FakePomerium.DEFAULT_ROUTE_HOST)
          .containsEntry("aud", FakePomerium.DEFAULT_ROUTE_HOST)
          .containsEntry("email", "ana@example.com")
          .containsEntry("name", "Ana")
          .containsEntry("groups", List.of("g-1", "admins"))
          .containsEntry("iat", NOW.getEpochSecond())
          .containsEntry("exp", NOW.plusSeconds(300).getEpochSecond())
          .containsEntry("user", claims.get("sub"))
          .containsKeys("sid", "jti");
      assertThat(jwks.statusCode()).isEqualTo(200);
      assertThat(jwks.headers().firstValue("Cache-Control")).hasValue("max-age=60");
      assertThat(pomerium.jwksUri().getPath()).isEqualTo("/.well-known/pomerium/jwks.json");
      JWK key = JWKSet.parse(jwks.body()).getKeyByKeyId(pomerium.currentKeyId());
      assertThat(key.isPrivate()).isFalse();
      JWSVerifier verifier =
          key instanceof ECKey ec ? new ECDSAVerifier(ec) : new RSASSAVerifier((RSAKey) key);
      assertThat(jwt.verify(verifier)).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ES256", "RS256"})
  void verifierBuilderWhenTokensThenCoreVerifierAcceptsValidAndRejectsEachInvalidKind(
      String algorithm) {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    try (FakePomerium pomerium = FakePomerium.builder().algorithm(algorithm).clock(clock).start();
        IapVerifier verifier = pomerium.verifierBuilder().clock(clock).build()) {
      IapIdentity ana =
          verifier.verify(
              pomerium.token().email("ana@example.com").groups("g-1", "admins").build());

      assertThat(ana.proxy()).isEqualTo(IapProxy.POMERIUM);
      assertThat(ana.email()).isEqualTo("ana@example.com");
      assertThat(ana.groups()).containsExactly("g-1", "admins");
      assertThat(ana.expiresAt()).isEqualTo(NOW.plusSeconds(300));
      Map<String, Reason> cases = new LinkedHashMap<>();
      cases.put(pomerium.token().signedWithUnpublishedKey().build(), Reason.BAD_SIGNATURE);
      cases.put(pomerium.token().audience("other.example.com").build(), Reason.WRONG_AUDIENCE);
      cases.put(pomerium.token().issuer("other.example.com").build(), Reason.WRONG_ISSUER);
      cases.put(pomerium.token().issuedAt(NOW.minusSeconds(3600)).build(), Reason.EXPIRED);
      FakeCloudflareAccessTest.assertRejected(verifier, cases);
    }
  }

  @Test
  void verifierBuilderWhenRs256FakeAndEs256VerifierThenRejectedNeverAccepted() {
    try (FakePomerium rsa = FakePomerium.builder().algorithm("RS256").start();
        IapVerifier es256 = rsa.verifierBuilder().algorithm("ES256").build()) {
      String token = rsa.token().build();

      assertThatThrownBy(() -> es256.verify(token))
          .isInstanceOfSatisfying(
              IapVerificationException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_ALGORITHM));
    }
  }

  @Test
  void tokenWhenTwoMintedThenFreshTokenAndSessionIds() throws Exception {
    try (FakePomerium pomerium = FakePomerium.start()) {
      Map<String, Object> first = Http.segment(pomerium.token().build(), 1);
      Map<String, Object> second = Http.segment(pomerium.token().build(), 1);

      assertThat(first.get("jti")).isNotEqualTo(second.get("jti"));
      assertThat(first.get("sid")).isNotEqualTo(second.get("sid"));
      assertThat(Http.segment(pomerium.token().sessionId("s").build(), 1))
          .containsEntry("sid", "s");
    }
  }

  @Test
  void algorithmWhenNeitherEs256NorRs256ThenRefused() {
    assertThatThrownBy(() -> FakePomerium.builder().algorithm("HS256"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ES256 or RS256");
  }
}
