package io.github.iapverifier;

import static io.github.iapverifier.TestIap.assertRejected;
import static io.github.iapverifier.TestProxyTokens.header;
import static io.github.iapverifier.TestProxyTokens.jwks;
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
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import io.github.iapverifier.IapIdentity.Source;
import io.github.iapverifier.IapVerificationException.Reason;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pomerium with generated keys, ES256 by default and RS256 when configured: the identity it signs,
 * both issuer spellings, its five-minute lifetime, and the hostile cases of RFC 8725.
 */
class PomeriumVerifierTest {

  static final String HOST = "app.example.com";
  static final String USER = "user-8f0d2d9a";
  static final String GROUP_ID = "00g1ab2cd3";
  static final String GROUP_NAME = "engineering";
  static final Instant NOW = TestIap.NOW;

  private static final ECKey EC = TestProxyTokens.ec("pomerium-ec");
  private static final RSAKey RSA = TestProxyTokens.rsa("pomerium-rsa");

  private final IapVerifier verifier = builder(EC).build();

  private static PomeriumBuilder builder(JWK key) {
    return IapVerifier.pomerium()
        .routeHost(HOST)
        .keySource(IapKeySource.fromJwks(jwks(key), key instanceof RSAKey ? "RS256" : "ES256"))
        .clock(TestIap.CLOCK);
  }

  /** What Pomerium's authorize service signs: every claim it sets, with both group forms. */
  static Map<String, Object> claims() {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", HOST);
    claims.put("aud", HOST);
    claims.put("jti", "6f1c2bde-3b1f-4b4e-9d7a-2f1c0e5a9b11");
    claims.put("iat", NOW.getEpochSecond());
    claims.put("exp", NOW.getEpochSecond() + 300);
    claims.put("sub", USER);
    claims.put("user", USER);
    claims.put("email", "user@example.com");
    claims.put("groups", List.of(GROUP_ID, GROUP_NAME));
    claims.put("sid", "session-4711");
    claims.put("name", "Ada Lovelace");
    return claims;
  }

  private static String token(Map<String, Object> claims) {
    return TestProxyTokens.token(EC, claims);
  }

  private static Map<String, Object> with(String name, Object value) {
    return TestProxyTokens.with(claims(), name, value);
  }

  // ---- identity

  @Test
  void verifyWhenGenuineTokenThenIdentityWithGroupIdsAndNames() {
    IapIdentity who = verifier.verify(token(claims()));

    assertThat(who.proxy()).isEqualTo(IapProxy.POMERIUM);
    assertThat(who.source()).isEqualTo(Source.OTHER);
    assertThat(who.subject()).isEqualTo(USER);
    assertThat(who.email()).isEqualTo("user@example.com");
    assertThat(who.groups()).containsExactly(GROUP_ID, GROUP_NAME);
    assertThat(who.audience()).isEqualTo(HOST);
    assertThat(who.issuedAt()).isEqualTo(NOW);
    assertThat(who.expiresAt()).isEqualTo(NOW.plusSeconds(300));
    assertThat(who.claims())
        .containsEntry("name", "Ada Lovelace")
        .containsEntry("sid", "session-4711")
        .containsKey("jti");
    assertThat(verifier.header()).isEqualTo("X-Pomerium-Jwt-Assertion");
  }

  @Test
  void verifyWhenNoGroupsOrNullGroupsThenEmptyGroups() {
    assertThat(verifier.verify(token(with("groups", List.of()))).groups()).isEmpty();
    assertThat(verifier.verify(token(with("groups", null))).groups()).isEmpty();
  }

  @Test
  void verifyWhenGroupsNotAnArrayOfStringsThenMalformed() {
    assertRejected(verifier, token(with("groups", List.of(GROUP_ID, 7))), Reason.MALFORMED);
    assertRejected(verifier, token(with("groups", GROUP_NAME)), Reason.MALFORMED);
  }

  @Test
  void verifyWhenSubMissingOrEmptyThenMissingClaim() {
    assertRejected(verifier, token(with("sub", null)), Reason.MISSING_CLAIM);
    assertRejected(verifier, token(with("sub", "")), Reason.MISSING_CLAIM);
  }

  @Test
  void verifyWhenEmailEmptyThenMissingClaim() {
    // Pomerium writes "" when it knows no email (some service accounts): no person to name.
    assertRejected(verifier, token(with("email", "")), Reason.MISSING_CLAIM);
  }

  @ParameterizedTest
  @ValueSource(strings = {"name", "sid", "jti"})
  void verifyWhenOptionalClaimNotAStringThenMalformed(String claim) {
    assertRejected(verifier, token(with(claim, 1)), Reason.MALFORMED);
  }

  // ---- issuer and audience

  @Test
  void verifyWhenIssuerInUriFormatThenAccepted() {
    assertThat(verifier.verify(token(with("iss", "https://" + HOST + "/"))).subject())
        .isEqualTo(USER);
  }

  @Test
  void verifyWhenAudienceInArrayThenAccepted() {
    assertThat(verifier.verify(token(with("aud", List.of("other.example.com", HOST)))).subject())
        .isEqualTo(USER);
  }

  @Test
  void verifyWhenAudienceInUriFormThenWrongAudience() {
    // Pomerium's aud is always the bare host name; only iss has a uri form.
    assertRejected(verifier, token(with("aud", "https://" + HOST + "/")), Reason.WRONG_AUDIENCE);
  }

  @Test
  void verifyWhenRouteHostHasAPortThenNamesCompareWithoutItAndKeysComeFromIt() {
    try (IapVerifier ported = builder(EC).routeHost("app.example.com:8443").build()) {
      assertThat(ported.verify(token(claims())).audience()).isEqualTo(HOST);
    }
    try (IapVerifier remote = IapVerifier.pomerium().routeHost("app.example.com:8443").build()) {
      assertThat(((RemoteKeySource) remote.keySource()).jwksUri())
          .isEqualTo(URI.create("https://app.example.com:8443/.well-known/pomerium/jwks.json"));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "other.example.com",
        "https://app.example.com",
        "http://app.example.com/",
        "APP.example.com",
        "app.example.com.",
        "authenticate.example.com"
      })
  void verifyWhenIssuerIsNotTheRouteHostThenWrongIssuer(String iss) {
    assertRejected(verifier, token(with("iss", iss)), Reason.WRONG_ISSUER);
  }

  @Test
  void verifyWhenAudienceIsAnotherRouteThenWrongAudience() {
    assertRejected(verifier, token(with("aud", "other.example.com")), Reason.WRONG_AUDIENCE);
    assertRejected(verifier, token(with("aud", null)), Reason.WRONG_AUDIENCE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"app.example.com", "https://app.example.com/", "HTTPS://App.Example.COM"})
  void buildWhenRouteHostInAnyAcceptedFormThenSameHost(String routeHost) {
    IapVerifier v = builder(EC).routeHost(routeHost).build();

    assertThat(v.verify(token(claims())).audience()).isEqualTo(HOST);
    assertThat(v.audiences()).extracting(IapAudience::value).containsExactly(HOST);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://app.example.com/path", "http://app.example.com", "", "a b"})
  void routeHostWhenNotAHostThenIllegalArgument(String routeHost) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapVerifier.pomerium().routeHost(routeHost))
        .withMessageContaining("routeHost");
  }

  // ---- times

  @Test
  void verifyWhenExpiredThenExpired() {
    Map<String, Object> claims = with("iat", NOW.getEpochSecond() - 400);
    claims.put("exp", NOW.getEpochSecond() - 100);
    assertRejected(verifier, token(claims), Reason.EXPIRED);
  }

  @Test
  void verifyWhenIssuedInFutureThenIssuedInFuture() {
    Map<String, Object> claims = with("iat", NOW.getEpochSecond() + 31);
    claims.put("exp", NOW.getEpochSecond() + 331);
    assertRejected(verifier, token(claims), Reason.ISSUED_IN_FUTURE);
  }

  @Test
  void verifyWhenLifetimeLongerThanFiveMinutesPlusSkewThenLifetimeTooLong() {
    assertThat(verifier.verify(token(with("exp", NOW.getEpochSecond() + 360))).subject())
        .isEqualTo(USER);
    assertRejected(
        verifier, token(with("exp", NOW.getEpochSecond() + 361)), Reason.LIFETIME_TOO_LONG);
  }

  @Test
  void verifyWhenIatMissingThenMissingClaim() {
    assertRejected(verifier, token(with("iat", null)), Reason.MISSING_CLAIM);
  }

  // ---- algorithms, pinned by configuration

  @Test
  void verifyWhenRs256ConfiguredThenRs256TokenAccepted() {
    IapVerifier rs = builder(RSA).algorithm("RS256").build();

    assertThat(rs.verify(TestProxyTokens.token(RSA, claims())).subject()).isEqualTo(USER);
  }

  @Test
  void verifyWhenRs256ConfiguredThenEs256TokenUnsupportedAlgorithm() {
    IapVerifier rs = builder(RSA).algorithm("RS256").build();
    ECKey sameKid = TestProxyTokens.ec(RSA.getKeyID());

    assertRejected(rs, TestProxyTokens.token(sameKid, claims()), Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void verifyWhenEs256ConfiguredThenRs256TokenUnsupportedAlgorithm() {
    RSAKey sameKid = TestProxyTokens.rsa(EC.getKeyID());

    assertRejected(
        verifier, TestProxyTokens.token(sameKid, claims()), Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void verifyWhenRs256TokenAndKeySourceHoldsRsaKeyButEs256ConfiguredThenUnsupportedAlgorithm() {
    // The algorithm comes from configuration only: neither the token nor the key source's
    // contents can switch it.
    IapVerifier es = builder(RSA).build();

    assertRejected(es, TestProxyTokens.token(RSA, claims()), Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void verifyWhenEs256ConfiguredAndKeySourceHoldsRsaKeyUnderKidThenUnsupportedAlgorithm() {
    IapVerifier es = builder(RSA).build();
    Map<String, Object> h = header(RSA);
    h.put("alg", "ES256");

    assertRejected(es, TestProxyTokens.token(RSA, h, claims()), Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void verifyWhenHs256KeyedWithThePublicKeyThenUnsupportedAlgorithm() throws JOSEException {
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(EC.getKeyID()).build(),
            new Payload(claims()));
    jws.sign(new MACSigner(Arrays.copyOf(EC.toECPublicKey().getEncoded(), 64)));

    assertRejected(verifier, jws.serialize(), Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void verifyWhenUnsecuredJwtThenUnsupportedAlgorithm() {
    Map<String, Object> h = header(EC);
    h.put("alg", "none");
    String t = TestProxyTokens.token(EC, h, claims());

    assertRejected(verifier, t.substring(0, t.lastIndexOf('.') + 1), Reason.UNSUPPORTED_ALGORITHM);
  }

  @ParameterizedTest
  @ValueSource(strings = {"HS256", "PS256", "ES384", "es256", "none"})
  void algorithmWhenNotEs256OrRs256ThenIllegalArgument(String alg) {
    assertThatIllegalArgumentException().isThrownBy(() -> IapVerifier.pomerium().algorithm(alg));
  }

  @ParameterizedTest
  @ValueSource(strings = {"crit", "jku", "jwk", "x5u", "x5c"})
  void verifyWhenHeaderParameterNotForPomeriumThenUnsupportedAlgorithm(String parameter) {
    Map<String, Object> h = header(EC);
    h.put(parameter, "https://evil.example/jwks.json");

    assertRejected(verifier, TestProxyTokens.token(EC, h, claims()), Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void verifyWhenKidUnknownThenUnknownKey() {
    ECKey other = TestProxyTokens.ec("pomerium-other");
    assertRejected(verifier, TestProxyTokens.token(other, claims()), Reason.UNKNOWN_KEY);
  }

  @Test
  void verifyWhenSignedByAnotherKeyUnderThePublishedKidThenBadSignature() {
    ECKey forger = TestProxyTokens.ec(EC.getKeyID());
    assertRejected(verifier, TestProxyTokens.token(forger, claims()), Reason.BAD_SIGNATURE);
  }

  @Test
  void verifyWhenOver8KiBThenMalformed() {
    assertRejected(verifier, token(with("name", "x".repeat(8 * 1024))), Reason.MALFORMED);
  }

  @Test
  void verifyWhenSegmentPaddedThenMalformed() {
    String[] parts = token(claims()).split("\\.");
    assertRejected(verifier, parts[0] + "." + parts[1] + "." + parts[2] + "=", Reason.MALFORMED);
  }

  // ---- configuration

  @Test
  void buildWhenRouteHostMissingThenIllegalStateNamingIt() {
    assertThatIllegalStateException()
        .isThrownBy(() -> IapVerifier.pomerium().build())
        .withMessageContaining("routeHost");
  }

  @Test
  void buildWhenNoKeySourceThenRouteJwksFetched() {
    try (IapVerifier remote = IapVerifier.pomerium().routeHost(HOST).build()) {
      assertThat(((RemoteKeySource) remote.keySource()).jwksUri())
          .isEqualTo(URI.create("https://app.example.com/.well-known/pomerium/jwks.json"));
      assertThat(remote.proxy()).isEqualTo(IapProxy.POMERIUM);
    }
  }

  @Test
  void buildWhenJwksUriSetThenItIsUsed() {
    URI uri = URI.create("https://authenticate.example.com/.well-known/pomerium/jwks.json");
    try (IapVerifier remote = IapVerifier.pomerium().routeHost(HOST).jwksUri(uri).build()) {
      assertThat(((RemoteKeySource) remote.keySource()).jwksUri()).isEqualTo(uri);
    }
  }
}
