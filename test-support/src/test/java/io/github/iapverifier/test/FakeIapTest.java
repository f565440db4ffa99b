package io.github.iapverifier.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FakeIapTest {

  private FakeIap iap;
  private IapVerifier verifier;

  @BeforeEach
  void start() {
    iap = FakeIap.start();
    verifier = iap.verifierBuilder().build();
  }

  @AfterEach
  void stop() {
    verifier.close();
    iap.close();
  }

  @Test
  void tokenWhenDefaultsThenVerifiesAgainstHttpJwks() {
    IapIdentity who =
        verifier.verify(
            iap.token()
                .email("ana@example.com")
                .accessLevels("accessPolicies/1/accessLevels/corp")
                .build());

    assertThat(who.email()).isEqualTo("ana@example.com");
    assertThat(who.subject()).matches("accounts\\.google\\.com:[0-9]{21}");
    assertThat(who.hostedDomain()).contains("example.com");
    assertThat(who.accessLevels()).containsExactly("accessPolicies/1/accessLevels/corp");
    assertThat(who.audience()).isEqualTo(FakeIap.DEFAULT_AUDIENCE);
    assertThat(Duration.between(who.issuedAt(), who.expiresAt())).isEqualTo(Duration.ofMinutes(10));
    assertThat(iap.jwksRequests()).isEqualTo(1);
  }

  @Test
  void jwksUriWhenFetchedThenServesPublicKeysOnly() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(iap.jwksUri()).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Cache-Control")).contains("public, max-age=300");
    assertThat(response.body()).contains(iap.currentKeyId(), "\"crv\":\"P-256\"").doesNotContain("\"d\"");
    assertThat(iap.jwksUri().getHost()).isEqualTo("127.0.0.1");
  }

  @ParameterizedTest
  @EnumSource(FakeIap.SecureTokenTest.class)
  void tokenWhenSecureTokenTestCaseThenVerifierAnswersLikeIapExpects(FakeIap.SecureTokenTest type) {
    Map<FakeIap.SecureTokenTest, Reason> expected =
        Map.of(
            FakeIap.SecureTokenTest.SIGNATURE, Reason.BAD_SIGNATURE,
            FakeIap.SecureTokenTest.FUTURE_ISSUE, Reason.ISSUED_IN_FUTURE,
            FakeIap.SecureTokenTest.PAST_EXPIRATION, Reason.EXPIRED,
            FakeIap.SecureTokenTest.ISSUER, Reason.WRONG_ISSUER,
            FakeIap.SecureTokenTest.AUDIENCE, Reason.WRONG_AUDIENCE);
    String token = iap.token(type);

    if (type == FakeIap.SecureTokenTest.NOT_SET) {
      assertThat(verifier.verify(token).email()).isEqualTo("user@example.com");
    } else {
      assertThatThrownBy(() -> verifier.verify(token))
          .isInstanceOfSatisfying(
              IapVerificationException.class,
              e -> assertThat(e.reason()).isEqualTo(expected.get(type)));
    }
  }

  @Test
  void secureTokenTestWhenIdentitySetThenKeepsItAndStillFails() throws Exception {
    String token =
        iap.token()
            .email("ana@example.com")
            .secureTokenTest(FakeIap.SecureTokenTest.ISSUER)
            .build();

    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOfSatisfying(
            IapVerificationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_ISSUER));
    assertThat(SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("email"))
        .isEqualTo("ana@example.com");
  }

  @Test
  void googleSubjectWhenEmailGivenThenMatchesTheTokensSubject() {
    assertThat(verifier.verify(iap.token().email("ana@example.com").build()).subject())
        .isEqualTo(FakeIap.googleSubject("ana@example.com"))
        .isNotEqualTo(FakeIap.googleSubject("bob@example.com"));
  }

  @Test
  void rotateKeysWhenNewKeySignsThenVerifierFetchesOnceAndAccepts() {
    String before = iap.token().build();
    verifier.verify(before);

    String newKid = iap.rotateKeys();
    IapIdentity who = verifier.verify(iap.token().email("bo@example.com").build());

    assertThat(iap.currentKeyId()).isEqualTo(newKid);
    assertThat(who.email()).isEqualTo("bo@example.com");
    assertThat(iap.jwksRequests()).isEqualTo(2);
    assertThat(verifier.verify(before).email()).isEqualTo("user@example.com");
  }

  @Test
  void retireOldKeysWhenKeyWithdrawnThenItsTokensAreRejected() {
    String old = iap.token().build();
    iap.rotateKeys();
    iap.retireOldKeys();

    IapVerifier offline = IapVerifier.builder().audiences(iap.audience()).keySource(iap.keySource()).build();

    assertThatThrownBy(() -> offline.verify(old))
        .isInstanceOfSatisfying(
            IapVerificationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY));
    assertThat(offline.verify(iap.token().build()).email()).isEqualTo("user@example.com");
  }

  @Test
  void identityPlatformWhenSetThenPrefixedClaimsAndDetails() {
    IapIdentity who =
        verifier.verify(
            iap.token()
                .email("eve@partner.org")
                .identityPlatform("gcip-project")
                .tenant("tenant-1")
                .displayName("Eve")
                .build());

    assertThat(who.source()).isEqualTo(IapIdentity.Source.GCIP);
    assertThat(who.email()).isEqualTo("securetoken.google.com/gcip-project:eve@partner.org");
    assertThat(who.subject()).startsWith("securetoken.google.com/gcip-project:");
    assertThat(who.hostedDomain()).isEmpty();
    assertThat(who.identityPlatform())
        .hasValueSatisfying(
            p -> {
              assertThat(p.email()).contains("eve@partner.org");
              assertThat(p.tenantId()).contains("tenant-1");
              assertThat(p.signInProvider()).contains("password");
              assertThat(p.displayName()).contains("Eve");
              assertThat(p.emailVerified()).isTrue();
            });
  }

  @Test
  void simulateOutageWhenNoKeysYetThenKeysUnavailable() {
    iap.simulateOutage(true);

    assertThatThrownBy(() -> verifier.verify(iap.token().build()))
        .isInstanceOfSatisfying(
            IapVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.KEYS_UNAVAILABLE));
  }

  @Test
  void closeWhenCalledThenEndpointStopsAnswering() {
    URI uri = iap.jwksUri();
    iap.close();

    assertThatThrownBy(
            () ->
                HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(1))
                    .build()
                    .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.io.IOException.class);
  }
}
