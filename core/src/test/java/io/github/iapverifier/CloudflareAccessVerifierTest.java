package io.github.iapverifier;

import static io.github.iapverifier.TestIap.assertRejected;
import static io.github.iapverifier.TestIap.b64;
import static io.github.iapverifier.TestProxyTokens.header;
import static io.github.iapverifier.TestProxyTokens.jwks;
import static io.github.iapverifier.TestProxyTokens.token;
import static io.github.iapverifier.TestProxyTokens.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import io.github.iapverifier.IapIdentity.Source;
import io.github.iapverifier.IapInspection.Outcome;
import io.github.iapverifier.IapVerificationException.Reason;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cloudflare Access with generated RS256 keys: users and service tokens, and the hostile cases of
 * RFC 8725 (algorithm confusion, key and header tricks, audience and issuer, times, shape).
 */
class CloudflareAccessVerifierTest {

  static final String TEAM = "https://acme.cloudflareaccess.com";
  static final String AUD = "32eafc7626e974616deaf0dc3ce63d7bcbed58a2731e84d06bc3cdf1b53c4228";
  static final String USER = "7335d417-61da-459d-899c-0a01c76a2f94";
  static final String CLIENT_ID = "e367826f93b8d71185e03fe518aff3b4.access";
  static final Instant NOW = TestIap.NOW;

  // One key for the class: generating RSA keys is slow.
  private static final RSAKey KEY = TestProxyTokens.rsa("cf-key-1");
  private final IapVerifier verifier = builder().build();

  private CloudflareAccessBuilder builder() {
    return IapVerifier.cloudflareAccess()
        .teamDomain(TEAM)
        .audiences(AUD)
        .keySource(IapKeySource.fromJwks(jwks(KEY), "RS256"))
        .clock(TestIap.CLOCK);
  }

  static Map<String, Object> user() {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("aud", List.of(AUD));
    claims.put("email", "user@example.com");
    claims.put("exp", NOW.getEpochSecond() + 86_400);
    claims.put("iat", NOW.getEpochSecond() - 60);
    claims.put("nbf", NOW.getEpochSecond() - 60);
    claims.put("iss", TEAM);
    claims.put("type", "app");
    claims.put("identity_nonce", "6ei69kawdKzMIAPF");
    claims.put("sub", USER);
    claims.put("country", "US");
    return claims;
  }

  static Map<String, Object> serviceToken() {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("type", "app");
    claims.put("aud", AUD);
    claims.put("exp", NOW.getEpochSecond() + 3600);
    claims.put("iss", TEAM);
    claims.put("common_name", CLIENT_ID);
    claims.put("iat", NOW.getEpochSecond() - 60);
    claims.put("sub", "");
    return claims;
  }

  private String token(Map<String, Object> claims) {
    return TestProxyTokens.token(KEY, claims);
  }

  // ---- users and service tokens

  @Test
  void verifyWhenUserTokenThenIdentity() {
    IapIdentity who = verifier.verify(token(user()));

    assertThat(who.proxy()).isEqualTo(IapProxy.CLOUDFLARE_ACCESS);
    assertThat(who.source()).isEqualTo(Source.OTHER);
    assertThat(who.email()).isEqualTo("user@example.com");
    assertThat(who.subject()).isEqualTo(USER);
    assertThat(who.audience()).isEqualTo(AUD);
    assertThat(who.groups()).isEmpty();
    assertThat(who.issuedAt()).isEqualTo(NOW.minusSeconds(60));
    assertThat(who.expiresAt()).isEqualTo(NOW.plusSeconds(86_400));
    assertThat(who.claims()).containsEntry("country", "US");
    assertThat(who.claims()).containsEntry("identity_nonce", "6ei69kawdKzMIAPF");
  }

  @Test
  void verifyWhenServiceTokenThenSubjectNamesTheServiceTokenNotAUser() {
    IapIdentity who = verifier.verify(token(serviceToken()));

    assertThat(who.subject()).isEqualTo("service-token:" + CLIENT_ID);
    assertThat(who.email()).isEqualTo(CLIENT_ID).doesNotContain("@");
    assertThat(who.audience()).isEqualTo(AUD);
  }

  @Test
  void verifyWhenServiceTokenAlsoCarriesAnEmailThenItIsNotTakenForAUser() {
    IapIdentity who = verifier.verify(token(with(serviceToken(), "email", "ceo@example.com")));

    assertThat(who.subject()).isEqualTo("service-token:" + CLIENT_ID);
    assertThat(who.email()).isEqualTo(CLIENT_ID);
  }

  @Test
  void verifyWhenServiceTokenWithoutCommonNameThenMissingClaim() {
    assertRejected(
        verifier, token(with(serviceToken(), "common_name", null)), Reason.MISSING_CLAIM);
    assertRejected(verifier, token(with(serviceToken(), "common_name", "")), Reason.MISSING_CLAIM);
  }

  @Test
  void verifyWhenSubAbsentAndNoCommonNameThenMissingClaim() {
    assertRejected(verifier, token(with(user(), "sub", null)), Reason.MISSING_CLAIM);
  }

  @Test
  void verifyWhenUserTokenWithoutEmailThenMissingClaim() {
    assertRejected(verifier, token(with(user(), "email", null)), Reason.MISSING_CLAIM);
  }

  @Test
  void verifyWhenGroupsClaimThenGroups() {
    IapIdentity who =
        verifier.verify(token(with(user(), "groups", List.of("Finance-Team", "ops"))));

    assertThat(who.groups()).containsExactly("Finance-Team", "ops");
  }

  @Test
  void verifyWhenGroupsNotAnArrayOfStringsThenMalformed() {
    assertRejected(verifier, token(with(user(), "groups", "Finance-Team")), Reason.MALFORMED);
    assertRejected(verifier, token(with(user(), "groups", List.of(1))), Reason.MALFORMED);
  }

  @Test
  void verifyWhenOldTokenWithNonceAndNoTypeThenAccepted() {
    Map<String, Object> old = with(with(user(), "type", null), "identity_nonce", null);
    old.put("nonce", "da1e194d");

    assertThat(verifier.verify(token(old)).claims()).containsEntry("nonce", "da1e194d");
  }

  @Test
  void verifyWhenGlobalSessionTokenThenWrongAudience() {
    assertRejected(verifier, token(with(user(), "type", "org")), Reason.WRONG_AUDIENCE);
  }

  @Test
  void verifyWhenTypeNotAStringThenMalformed() {
    assertRejected(verifier, token(with(user(), "type", 1)), Reason.MALFORMED);
  }

  @Test
  void verifyWhenRepeatedThenSameIdentityFromCache() {
    String t = token(user());
    assertThat(verifier.verify(t)).isSameAs(verifier.verify(t));
  }

  @Test
  void inspectWhenUserTokenThenEveryCheckPassed() {
    IapInspection inspection = verifier.inspect(token(user()));

    assertThat(inspection.steps()).allMatch(s -> s.outcome() == Outcome.PASSED);
    assertThat(inspection.identity()).map(IapIdentity::subject).contains(USER);
  }

  // ---- audience

  @Test
  void verifyWhenAudIsAStringThenAccepted() {
    assertThat(verifier.verify(token(with(user(), "aud", AUD))).audience()).isEqualTo(AUD);
  }

  @Test
  void verifyWhenAudArrayHoldsAnotherTagAndOursThenAccepted() {
    assertThat(verifier.verify(token(with(user(), "aud", List.of("other", AUD)))).audience())
        .isEqualTo(AUD);
  }

  @Test
  void verifyWhenAudIsAnotherApplicationsTagThenWrongAudience() {
    assertRejected(
        verifier,
        token(with(user(), "aud", List.of("f" + AUD.substring(1)))),
        Reason.WRONG_AUDIENCE);
    assertRejected(verifier, token(with(user(), "aud", List.of())), Reason.WRONG_AUDIENCE);
    assertRejected(verifier, token(with(user(), "aud", null)), Reason.WRONG_AUDIENCE);
  }

  @Test
  void verifyWhenAudNeitherStringNorArrayOfStringsThenMalformed() {
    assertRejected(verifier, token(with(user(), "aud", 42)), Reason.MALFORMED);
    assertRejected(verifier, token(with(user(), "aud", List.of(AUD, 42))), Reason.MALFORMED);
  }

  @Test
  void verifyWhenOneOfSeveralConfiguredTagsThenAccepted() {
    IapVerifier two = builder().audiences("second-tag").build();

    assertThat(two.verify(token(with(user(), "aud", "second-tag"))).audience())
        .isEqualTo("second-tag");
    assertThat(two.audiences()).extracting(IapAudience::value).containsExactly(AUD, "second-tag");
    assertThat(two.audiences())
        .extracting(IapAudience::kind)
        .containsOnly(IapAudience.Kind.OTHER_PROXY);
  }

  // ---- issuer

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://evil.cloudflareaccess.com",
        "https://acme.cloudflareaccess.com/",
        "http://acme.cloudflareaccess.com",
        "acme.cloudflareaccess.com",
        "https://ACME.cloudflareaccess.com",
        ""
      })
  void verifyWhenIssuerIsNotTheTeamDomainThenWrongIssuer(String iss) {
    assertRejected(verifier, token(with(user(), "iss", iss)), Reason.WRONG_ISSUER);
  }

  @Test
  void verifyWhenIssuerMissingOrNotAStringThenWrongIssuer() {
    assertRejected(verifier, token(with(user(), "iss", null)), Reason.WRONG_ISSUER);
    assertRejected(verifier, token(with(user(), "iss", List.of(TEAM))), Reason.WRONG_ISSUER);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "acme.cloudflareaccess.com",
        "https://acme.cloudflareaccess.com/",
        "HTTPS://Acme.CloudflareAccess.com",
        " https://acme.cloudflareaccess.com "
      })
  void buildWhenTeamDomainInAnyAcceptedFormThenSameIssuer(String teamDomain) {
    IapVerifier v = builder().teamDomain(teamDomain).build();

    assertThat(v.verify(token(user())).subject()).isEqualTo(USER);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://acme.cloudflareaccess.com",
        "https://acme.cloudflareaccess.com/path",
        "https://user@acme.cloudflareaccess.com",
        "https://acme.cloudflareaccess.com?x=1",
        "",
        "acme .cloudflareaccess.com"
      })
  void teamDomainWhenNotAHostOrHttpsOriginThenIllegalArgument(String teamDomain) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapVerifier.cloudflareAccess().teamDomain(teamDomain))
        .withMessageContaining("teamDomain");
  }

  // ---- times

  @Test
  void verifyWhenExpiredThenExpired() {
    Map<String, Object> claims = with(user(), "exp", NOW.getEpochSecond() - 31);
    assertRejected(verifier, token(claims), Reason.EXPIRED);
  }

  @Test
  void verifyWhenExpiredWithinSkewThenAccepted() {
    Map<String, Object> claims = with(user(), "exp", NOW.getEpochSecond() - 29);
    assertThat(verifier.verify(token(claims)).subject()).isEqualTo(USER);
  }

  @Test
  void verifyWhenIssuedInFutureThenIssuedInFuture() {
    Map<String, Object> claims = with(user(), "iat", NOW.getEpochSecond() + 31);
    assertRejected(verifier, token(claims), Reason.ISSUED_IN_FUTURE);
  }

  @Test
  void verifyWhenNotBeforeInFutureThenIssuedInFuture() {
    Map<String, Object> claims = with(user(), "nbf", NOW.getEpochSecond() + 31);
    assertRejected(verifier, token(claims), Reason.ISSUED_IN_FUTURE);
  }

  @Test
  void verifyWhenIatMissingThenMissingClaim() {
    assertRejected(verifier, token(with(user(), "iat", null)), Reason.MISSING_CLAIM);
  }

  @Test
  void verifyWhenSessionOfAMonthThenAcceptedWithoutTenMinuteCap() {
    Map<String, Object> claims = with(user(), "iat", NOW.getEpochSecond() - 60);
    claims.put("exp", NOW.getEpochSecond() - 60 + Duration.ofDays(31).toSeconds());

    assertThat(verifier.verify(token(claims)).subject()).isEqualTo(USER);
  }

  @Test
  void verifyWhenLifetimeBeyondAMonthThenLifetimeTooLong() {
    Map<String, Object> claims = with(user(), "iat", NOW.getEpochSecond() - 60);
    claims.put("exp", NOW.getEpochSecond() - 60 + Duration.ofDays(32).toSeconds());

    assertRejected(verifier, token(claims), Reason.LIFETIME_TOO_LONG);
  }

  // ---- algorithm confusion and header tricks

  @Test
  void verifyWhenHs256KeyedWithTheRsaPublicKeyThenUnsupportedAlgorithm() throws JOSEException {
    // The classic confusion: an HMAC over the token keyed with the (public) RSA key's bytes.
    byte[] secret = KEY.toRSAPublicKey().getEncoded();
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(KEY.getKeyID()).build(),
            new Payload(user()));
    jws.sign(new MACSigner(secret));

    assertRejected(verifier, jws.serialize(), Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void verifyWhenUnsecuredJwtThenUnsupportedAlgorithm() {
    Map<String, Object> h = header(KEY);
    h.put("alg", "none");
    String unsigned = TestProxyTokens.token(KEY, h, user());

    assertRejected(
        verifier,
        unsigned.substring(0, unsigned.lastIndexOf('.') + 1),
        Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void verifyWhenEs256TokenThenUnsupportedAlgorithm() {
    ECKey ec = TestProxyTokens.ec(KEY.getKeyID());

    assertRejected(verifier, TestProxyTokens.token(ec, user()), Reason.UNSUPPORTED_ALGORITHM);
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS384", "RS512", "PS256", "rs256", "RS256 ", "ES256", "HS256"})
  void verifyWhenAlgIsNotExactlyRs256ThenUnsupportedAlgorithm(String alg) {
    Map<String, Object> h = header(KEY);
    h.put("alg", alg);

    assertRejected(verifier, TestProxyTokens.token(KEY, h, user()), Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void verifyWhenKeySourceHoldsAnEcKeyUnderTheKidThenUnsupportedAlgorithm() {
    ECKey ec = TestProxyTokens.ec(KEY.getKeyID());
    IapVerifier mixed = builder().keySource(IapKeySource.fromJwks(jwks(ec))).build();

    assertRejected(mixed, token(user()), Reason.UNSUPPORTED_ALGORITHM);
  }

  @ParameterizedTest
  @ValueSource(strings = {"crit", "jku", "jwk", "x5u", "x5c", "b64", "zip"})
  void verifyWhenHeaderParameterNotForAccessThenUnsupportedAlgorithm(String parameter) {
    Map<String, Object> h = header(KEY);
    h.put(parameter, "https://evil.example/keys");

    assertRejected(verifier, TestProxyTokens.token(KEY, h, user()), Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void verifyWhenKidUnknownThenUnknownKey() {
    RSAKey other = TestProxyTokens.rsa("cf-key-2");
    assertRejected(verifier, TestProxyTokens.token(other, user()), Reason.UNKNOWN_KEY);
  }

  @Test
  void verifyWhenKidMissingThenUnknownKey() {
    Map<String, Object> h = header(KEY);
    h.remove("kid");
    assertRejected(verifier, TestProxyTokens.token(KEY, h, user()), Reason.UNKNOWN_KEY);
  }

  @Test
  void verifyWhenSignedByAnotherKeyUnderThePublishedKidThenBadSignature() {
    RSAKey forger = TestProxyTokens.rsa(KEY.getKeyID());
    assertRejected(verifier, TestProxyTokens.token(forger, user()), Reason.BAD_SIGNATURE);
  }

  @Test
  void verifyWhenSignatureNotTheModulusLengthThenBadSignature() {
    String t = token(user());
    byte[] signature = java.util.Base64.getUrlDecoder().decode(t.substring(t.lastIndexOf('.') + 1));
    String input = t.substring(0, t.lastIndexOf('.'));

    assertRejected(
        verifier, input + "." + b64(Arrays.copyOf(signature, 255)), Reason.BAD_SIGNATURE);
    assertRejected(
        verifier, input + "." + b64(Arrays.copyOf(signature, 257)), Reason.BAD_SIGNATURE);
    assertRejected(verifier, input + "." + b64(new byte[256]), Reason.BAD_SIGNATURE);
  }

  @Test
  void verifyWhenSignatureMovedOntoModifiedPayloadThenBadSignature() {
    String genuine = token(user());
    String forged = token(with(user(), "email", "ceo@example.com"));
    String moved =
        forged.substring(0, forged.lastIndexOf('.')) + genuine.substring(genuine.lastIndexOf('.'));

    assertRejected(verifier, moved, Reason.BAD_SIGNATURE);
  }

  // ---- shape

  @Test
  void verifyWhenOver8KiBThenMalformed() {
    Map<String, Object> big = with(user(), "pad", "x".repeat(8 * 1024));
    assertRejected(verifier, token(big), Reason.MALFORMED);
  }

  @Test
  void verifyWhenSegmentsPaddedThenMalformed() {
    Map<String, Object> claims = user();
    for (int extra = 0; extra < 3; extra++) {
      String t = token(with(claims, "x", "y".repeat(extra)));
      String[] parts = t.split("\\.");
      String padded = parts[0] + "=." + parts[1] + "." + parts[2];
      assertRejected(verifier, padded, Reason.MALFORMED);
    }
  }

  @Test
  void verifyWhenMissingThenMissingNamingTheAccessHeader() {
    assertThat(assertRejected(verifier, null, Reason.MISSING).getMessage())
        .contains("Cf-Access-Jwt-Assertion");
  }

  // ---- configuration

  @Test
  void buildWhenTeamDomainMissingThenIllegalStateNamingIt() {
    assertThatIllegalStateException()
        .isThrownBy(() -> IapVerifier.cloudflareAccess().audiences(AUD).build())
        .withMessageContaining("teamDomain");
  }

  @Test
  void buildWhenAudiencesMissingThenIllegalStateNamingThem() {
    assertThatIllegalStateException()
        .isThrownBy(() -> IapVerifier.cloudflareAccess().teamDomain(TEAM).build())
        .withMessageContaining("audiences");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "two words", "tab\there"})
  void audiencesWhenBlankOrWhitespaceThenIllegalArgument(String tag) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapVerifier.cloudflareAccess().audiences(tag));
  }

  @Test
  void buildWhenKeySourceAndJwksUriThenIllegalState() {
    assertThatIllegalStateException()
        .isThrownBy(() -> builder().jwksUri(URI.create("https://keys.example/certs")).build());
  }

  @Test
  void buildWhenNoKeySourceThenTeamCertsFetchedWithRs256() {
    try (IapVerifier remote =
        IapVerifier.cloudflareAccess()
            .teamDomain("acme.cloudflareaccess.com")
            .audiences(AUD)
            .build()) {
      assertThat(((RemoteKeySource) remote.keySource()).jwksUri())
          .isEqualTo(URI.create("https://acme.cloudflareaccess.com/cdn-cgi/access/certs"));
      assertThat(remote.proxy()).isEqualTo(IapProxy.CLOUDFLARE_ACCESS);
      assertThat(remote.header()).isEqualTo("Cf-Access-Jwt-Assertion");
    }
  }

  @Test
  void fromJwksWhenRs256ThenOnlyRsaKeysOfAtLeast2048BitsKept() {
    RSAKey small = TestProxyTokens.rsa("small", 1024);
    ECKey ec = TestProxyTokens.ec("ec");
    IapKeySource source = IapKeySource.fromJwks(jwks(KEY, small, ec), "RS256");

    assertThat(source.key("cf-key-1").algorithm()).isEqualTo("RS256");
    assertThat(source.key("small")).isNull();
    assertThat(source.key("ec")).isNull();
  }
}
