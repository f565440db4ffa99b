package io.github.iapverifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.github.iapverifier.TestAlb.padded;
import static io.github.iapverifier.TestAlb.unpadded;
import static io.github.iapverifier.TestIap.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.keys.PemKeySource;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hostile-input suite for AWS ALB (RFC 8725 and ALB's own rules): signer and client pinned by
 * configuration, padded segments signed as received, ES256 only, key ids that never reach a URL
 * unless they are UUIDs, and a key endpoint that fails in every way.
 */
class AwsAlbHostileInputTest {

  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final TestAlb alb = new TestAlb();
  private final KeySourceFixtures.RecordingListener events =
      new KeySourceFixtures.RecordingListener();

  @BeforeEach
  void publishKey() {
    wm.stubFor(get(urlEqualTo("/keys/" + alb.keyId())).willReturn(aResponse().withBody(alb.pem())));
  }

  AwsAlbBuilder builder() {
    return IapVerifier.awsAlb()
        .keyEndpoint(URI.create(wm.baseUrl() + "/keys"))
        .signers(TestAlb.SIGNER)
        .clientIds(TestAlb.CLIENT)
        .clock(TestAlb.CLOCK)
        .eventListener(events);
  }

  IapVerifier verifier() {
    return builder().build();
  }

  static int fetches() {
    return wm.findAll(anyRequestedFor(anyUrl())).size();
  }

  String token(Map<String, Object> header) {
    return alb.token(header, TestAlb.claims());
  }

  String tokenWithClaims(Map<String, Object> claims) {
    return alb.token(alb.header(), claims);
  }

  @Test
  void verifyWhenGenuinePaddedTokenThenAccepted() {
    String token = alb.token();
    try (IapVerifier verifier = verifier()) {
      IapIdentity who = verifier.verify(token);

      assertThat(token).contains("=");
      assertThat(who.email()).isEqualTo(TestAlb.EMAIL);
      assertThat(who.subject()).isEqualTo(TestAlb.SUBJECT);
      assertThat(who.claims()).containsEntry("username", "ada");
      assertThat(who.proxy()).isEqualTo(IapProxy.AWS_ALB);
    }
  }

  @Test
  void verifyWhenRepeatedThenFromCacheWithOneKeyFetch() {
    String token = alb.token();
    try (IapVerifier verifier = verifier()) {
      verifier.verify(token);
      verifier.verify(token);
      verifier.verify(alb.token()); // another token, same kid: the key is not fetched again
    }
    assertThat(events.verifiedFromCache).containsExactly(false, true, false);
    assertThat(fetches()).isEqualTo(1);
  }

  // ---- signer, client, issuer: in the header, checked before any key is fetched

  @Test
  void verifyWhenSignedForAnotherLoadBalancerThenWrongSignerWithoutFetch() {
    Map<String, Object> h = alb.header();
    h.put("signer", TestAlb.OTHER_SIGNER);
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, token(h), Reason.WRONG_SIGNER);
    }
    assertThat(fetches()).isZero();
  }

  @Test
  void verifyWhenSignerMissingThenWrongSigner() {
    Map<String, Object> h = alb.header();
    h.remove("signer");
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, token(h), Reason.WRONG_SIGNER);
    }
  }

  @Test
  void verifyWhenSignerIsAPrefixOrCaseVariantThenWrongSigner() {
    try (IapVerifier verifier = verifier()) {
      for (String signer :
          new String[] {
            TestAlb.SIGNER.substring(0, TestAlb.SIGNER.length() - 1),
            TestAlb.SIGNER + "0",
            TestAlb.SIGNER.toUpperCase(java.util.Locale.ROOT),
            TestAlb.SIGNER + " "
          }) {
        Map<String, Object> h = alb.header();
        h.put("signer", signer);
        assertRejected(verifier, token(h), Reason.WRONG_SIGNER);
      }
    }
  }

  @Test
  void verifyWhenSignerNotAStringThenMalformed() {
    Map<String, Object> h = alb.header();
    h.put("signer", java.util.List.of(TestAlb.SIGNER));
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, token(h), Reason.MALFORMED);
    }
  }

  @Test
  void verifyWhenOneOfSeveralSignersThenAccepted() {
    Map<String, Object> h = alb.header();
    h.put("signer", TestAlb.OTHER_SIGNER);
    try (IapVerifier verifier = builder().signers(TestAlb.OTHER_SIGNER).build()) {
      assertThat(verifier.verify(token(h)).audience()).isEqualTo(TestAlb.OTHER_SIGNER);
      assertThat(verifier.verify(alb.token()).audience()).isEqualTo(TestAlb.SIGNER);
    }
  }

  @Test
  void verifyWhenClientDiffersThenWrongSigner() {
    Map<String, Object> h = alb.header();
    h.put("client", "another-client");
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, token(h), Reason.WRONG_SIGNER);
    }
    assertThat(fetches()).isZero();
  }

  @Test
  void verifyWhenClientMissingAndClientsConfiguredThenWrongSigner() {
    Map<String, Object> h = alb.header();
    h.remove("client");
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, token(h), Reason.WRONG_SIGNER);
    }
  }

  @Test
  void verifyWhenNoClientsConfiguredThenAnyClientAccepted() {
    Map<String, Object> h = alb.header();
    h.put("client", "another-client");
    try (IapVerifier verifier =
        IapVerifier.awsAlb()
            .keyEndpoint(URI.create(wm.baseUrl() + "/keys"))
            .signers(TestAlb.SIGNER)
            .clock(TestAlb.CLOCK)
            .build()) {
      assertThat(verifier.verify(token(h)).email()).isEqualTo(TestAlb.EMAIL);
    }
  }

  @Test
  void verifyWhenIssuerNotConfiguredOneThenWrongIssuer() {
    Map<String, Object> h = alb.header();
    h.put("iss", "https://evil.example.com");
    try (IapVerifier verifier = builder().issuers(TestAlb.ISSUER).build()) {
      assertRejected(verifier, token(h), Reason.WRONG_ISSUER);
      assertThat(verifier.verify(alb.token()).email()).isEqualTo(TestAlb.EMAIL);
    }
  }

  // ---- padding: ALB pads every segment and signs the padded text

  @Test
  void verifyWhenSegmentsUnpaddedThenMalformed() {
    // Validly signed over the unpadded text, but ALB never sends that spelling.
    String header = unpadded(TestAlb.json(alb.header()).getBytes(StandardCharsets.UTF_8));
    String payload = unpadded(TestAlb.json(TestAlb.claims()).getBytes(StandardCharsets.UTF_8));
    String token = alb.sign(header, payload, false);
    assertThat(token).doesNotContain("=");
    assertThat(padded(TestAlb.json(alb.header()).getBytes(StandardCharsets.UTF_8))).contains("=");
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, token, Reason.MALFORMED);
    }
  }

  @Test
  void verifyWhenOnlyTheSignatureUnpaddedThenMalformed() {
    String header = padded(TestAlb.json(alb.header()).getBytes(StandardCharsets.UTF_8));
    String payload = padded(TestAlb.json(TestAlb.claims()).getBytes(StandardCharsets.UTF_8));
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, alb.sign(header, payload, false), Reason.MALFORMED);
    }
  }

  @Test
  void verifyWhenSignedOverUnpaddedTextButSentPaddedThenBadSignature() {
    // The signature must cover the exact bytes received, padding included.
    byte[] h = TestAlb.json(alb.header()).getBytes(StandardCharsets.UTF_8);
    byte[] p = TestAlb.json(TestAlb.claims()).getBytes(StandardCharsets.UTF_8);
    byte[] signature = alb.signature(unpadded(h) + "." + unpadded(p));
    String token = padded(h) + "." + padded(p) + "." + padded(signature);
    assertThat(padded(h) + padded(p)).contains("=");
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, token, Reason.BAD_SIGNATURE);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"extra-pad", "pad-in-middle", "pad-only", "three-pads"})
  void verifyWhenPaddingWrongThenMalformed(String how) {
    String token = alb.token();
    int dot = token.indexOf('.');
    String header = token.substring(0, dot);
    String rest = token.substring(dot);
    String bad =
        switch (how) {
          case "extra-pad" -> header + "====" + rest;
          case "pad-in-middle" -> header.substring(0, 4) + "=" + header.substring(5) + rest;
          case "pad-only" -> "====" + rest;
          default -> header.replaceAll("=+$", "") + "===" + rest;
        };
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, bad, Reason.MALFORMED);
    }
  }

  // ---- algorithm confusion: ES256 only, never chosen by the token

  @ParameterizedTest
  @ValueSource(strings = {"HS256", "none", "RS256", "ES384", "es256", "ES256 ", "PS256", "EdDSA"})
  void verifyWhenAlgIsNotEs256ThenUnsupportedAlgorithm(String alg) {
    Map<String, Object> h = alb.header();
    h.put("alg", alg);
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, token(h), Reason.UNSUPPORTED_ALGORITHM);
    }
    assertThat(fetches()).isZero();
  }

  @Test
  void verifyWhenHs256KeyedWithThePemThenUnsupportedAlgorithm() throws Exception {
    // Key confusion: HMAC with the published PEM text (or its DER) as the secret.
    try (IapVerifier verifier = verifier()) {
      for (byte[] secret :
          new byte[][] {
            alb.pem().getBytes(StandardCharsets.US_ASCII), alb.key().toECPublicKey().getEncoded()
          }) {
        assertRejected(
            verifier,
            nimbusSigned(JWSAlgorithm.HS256, new MACSigner(secret)),
            Reason.UNSUPPORTED_ALGORITHM);
      }
    }
  }

  @Test
  void verifyWhenRs256OrEs384SignedThenUnsupportedAlgorithm() throws Exception {
    try (IapVerifier verifier = verifier()) {
      assertRejected(
          verifier,
          nimbusSigned(JWSAlgorithm.RS256, new RSASSASigner(new RSAKeyGenerator(2048).generate())),
          Reason.UNSUPPORTED_ALGORITHM);
      assertRejected(
          verifier,
          nimbusSigned(
              JWSAlgorithm.ES384, new ECDSASigner(new ECKeyGenerator(Curve.P_384).generate())),
          Reason.UNSUPPORTED_ALGORITHM);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jku", "jwk", "x5u", "x5c", "crit"})
  void verifyWhenKeyFetchingHeaderPresentThenUnsupportedAlgorithm(String parameter) {
    Map<String, Object> h = alb.header();
    h.put(parameter, "https://evil.example.com/keys");
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, token(h), Reason.UNSUPPORTED_ALGORITHM);
    }
    assertThat(fetches()).isZero();
  }

  /** A token of the ALB's shape, signed by nimbus with another algorithm, padded as ALB pads. */
  String nimbusSigned(JWSAlgorithm alg, JWSSigner signer) throws JOSEException {
    Map<String, Object> h = alb.header();
    h.put("alg", alg.getName());
    String header = padded(TestAlb.json(h).getBytes(StandardCharsets.UTF_8));
    String payload = padded(TestAlb.json(TestAlb.claims()).getBytes(StandardCharsets.UTF_8));
    String input = header + "." + payload;
    Base64URL signature =
        signer.sign(new JWSHeader.Builder(alg).build(), input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + padded(signature.decode());
  }

  // ---- key ids: a UUID or no fetch at all

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../x",
        "%2F",
        "..%2F..%2Fkeys",
        "/etc/passwd",
        "c2f80c8b-c05c-4068-af14-17299f7896b1/../../x",
        "c2f80c8b-c05c-4068-af14-17299f7896b1?x",
        "http://evil.example.com/",
        "key-1"
      })
  void verifyWhenKidIsNotAUuidThenUnknownKeyWithoutFetch(String kid) {
    Map<String, Object> h = alb.header();
    h.put("kid", kid);
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, token(h), Reason.UNKNOWN_KEY);
    }
    assertThat(fetches()).isZero();
  }

  @Test
  void verifyWhenKidVeryLongThenUnknownKeyWithBoundedMessage() {
    Map<String, Object> h = alb.header();
    h.put("kid", alb.keyId().repeat(100));
    try (IapVerifier verifier = verifier()) {
      assertThat(assertRejected(verifier, token(h), Reason.UNKNOWN_KEY).getMessage())
          .hasSizeLessThan(300);
    }
    assertThat(fetches()).isZero();
  }

  @Test
  void verifyWhenKidMissingThenUnknownKey() {
    Map<String, Object> h = alb.header();
    h.remove("kid");
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, token(h), Reason.UNKNOWN_KEY);
    }
    assertThat(fetches()).isZero();
  }

  @Test
  void verifyWhenKeyEndpointSays404ThenUnknownKey() {
    Map<String, Object> h = alb.header();
    h.put("kid", UUID.randomUUID().toString());
    wm.stubFor(get(urlEqualTo("/keys/" + h.get("kid"))).willReturn(aResponse().withStatus(404)));
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, token(h), Reason.UNKNOWN_KEY);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503, 429, 401})
  void verifyWhenKeyEndpointFailsThenKeysUnavailable(int status) {
    wm.resetMappings();
    wm.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(status)));
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, alb.token(), Reason.KEYS_UNAVAILABLE);
      assertThat(verifier.keySource().status().lastError()).isPresent();
      assertThat(verifier.keySource().status().usable()).isFalse();
    }
  }

  @Test
  void verifyWhenKeyEndpointTooSlowThenKeysUnavailable() {
    wm.resetMappings();
    // Far beyond the source's 500 ms deadline: only the deadline can end the wait.
    wm.stubFor(get(anyUrl()).willReturn(aResponse().withBody(alb.pem()).withFixedDelay(5_000)));
    try (PemKeySource slow =
            new PemKeySource(
                URI.create(wm.baseUrl() + "/keys"),
                null,
                Duration.ofSeconds(2),
                Duration.ofMillis(500),
                PemKeySource.Limits.DEFAULT,
                TestAlb.CLOCK,
                events);
        IapVerifier verifier =
            IapVerifier.awsAlb()
                .signers(TestAlb.SIGNER)
                .clock(TestAlb.CLOCK)
                .keySource(slow)
                .build()) {
      assertRejected(verifier, alb.token(), Reason.KEYS_UNAVAILABLE);
    }
  }

  @Test
  void verifyWhenFloodOfRandomKidsThenFetchesBoundedAndKnownKidStillServed() {
    wm.stubFor(get(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(404)));
    try (IapVerifier verifier = builder().tokenCacheSize(0).build()) {
      verifier.verify(alb.token());
      for (int i = 0; i < 300; i++) {
        Map<String, Object> h = alb.header();
        h.put("kid", UUID.randomUUID().toString());
        IapVerificationException e =
            catchThrowableOfType(IapVerificationException.class, () -> verifier.verify(token(h)));
        assertThat(e.reason()).isIn(Reason.UNKNOWN_KEY, Reason.KEYS_UNAVAILABLE);
      }

      assertThat(verifier.verify(alb.token()).email()).isEqualTo(TestAlb.EMAIL);
    }
    int budget = PemKeySource.Limits.DEFAULT.burst();
    assertThat(fetches()).isEqualTo(budget);
    assertThat(events.rateLimited).hasSize(300 - (budget - 1));
  }

  // ---- times: exp in the header, no iat

  @Test
  void verifyWhenHeaderExpPastBeyondSkewThenExpired() {
    Map<String, Object> h = alb.header();
    h.put("exp", TestAlb.NOW.getEpochSecond() - 31);
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, token(h), Reason.EXPIRED);
    }
  }

  @Test
  void verifyWhenHeaderExpPastWithinSkewThenAccepted() {
    Map<String, Object> h = alb.header();
    h.put("exp", TestAlb.NOW.getEpochSecond() - 29);
    try (IapVerifier verifier = verifier()) {
      assertThat(verifier.verify(token(h)).email()).isEqualTo(TestAlb.EMAIL);
    }
  }

  @Test
  void verifyWhenHeaderExpMissingThenMissingClaim() {
    Map<String, Object> h = alb.header();
    h.remove("exp");
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, token(h), Reason.MISSING_CLAIM);
    }
  }

  @Test
  void verifyWhenHeaderExpNotANumberThenMalformed() {
    Map<String, Object> h = alb.header();
    h.put("exp", String.valueOf(TestAlb.NOW.getEpochSecond() + 60));
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, token(h), Reason.MALFORMED);
    }
  }

  @Test
  void verifyWhenOnlyPayloadExpPastThenHeaderExpGoverns() {
    // ALB's exp is the header's; the payload is the IdP's userinfo, whatever it carries.
    Map<String, Object> c = TestAlb.claims();
    c.put("exp", TestAlb.NOW.getEpochSecond() - 3600);
    try (IapVerifier verifier = verifier()) {
      assertThat(verifier.verify(tokenWithClaims(c)).email()).isEqualTo(TestAlb.EMAIL);
    }
  }

  // ---- claims

  @ParameterizedTest
  @ValueSource(strings = {"sub", "email"})
  void verifyWhenIdentityClaimMissingThenMissingClaim(String claim) {
    Map<String, Object> c = TestAlb.claims();
    c.remove(claim);
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, tokenWithClaims(c), Reason.MISSING_CLAIM);
    }
  }

  @Test
  void verifyWhenEmailVerifiedTrueAsBooleanOrStringOrAbsentThenAccepted() {
    try (IapVerifier verifier = verifier()) {
      for (Object value : new Object[] {true, "true", null}) {
        Map<String, Object> c = TestAlb.claims();
        c.put("email_verified", value);
        if (value == null) {
          c.remove("email_verified");
        }
        assertThat(verifier.verify(tokenWithClaims(c)).email()).isEqualTo(TestAlb.EMAIL);
      }
    }
  }

  @Test
  void verifyWhenEmailVerifiedFalseAsBooleanOrStringThenPolicyDenied() {
    try (IapVerifier verifier = verifier()) {
      for (Object value : new Object[] {false, "false"}) {
        Map<String, Object> c = TestAlb.claims();
        c.put("email_verified", value);
        assertRejected(verifier, tokenWithClaims(c), Reason.POLICY_DENIED);
      }
    }
  }

  @Test
  void verifyWhenEmailVerifiedOtherValueThenMalformed() {
    try (IapVerifier verifier = verifier()) {
      for (Object value : new Object[] {1, "yes", "TRUE", Map.of()}) {
        Map<String, Object> c = TestAlb.claims();
        c.put("email_verified", value);
        assertRejected(verifier, tokenWithClaims(c), Reason.MALFORMED);
      }
    }
  }

  // ---- signatures

  @Test
  void verifyWhenSignedByAnotherKeyUnderThePublishedKidThenBadSignature() {
    TestAlb impostor = new TestAlb();
    String forged =
        impostor.token(alb.header(), TestAlb.claims()); // names alb's kid, signed by another key
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, forged, Reason.BAD_SIGNATURE);
    }
  }

  @Test
  void verifyWhenValidSignatureMovedOntoModifiedPayloadThenBadSignature() {
    String genuine = alb.token();
    Map<String, Object> c = TestAlb.claims();
    c.put("email", "mallory@example.com");
    String other = alb.token(alb.header(), c);
    String forged =
        other.substring(0, other.lastIndexOf('.')) + genuine.substring(genuine.lastIndexOf('.'));
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, forged, Reason.BAD_SIGNATURE);
    }
  }

  @Test
  void verifyWhenOversizedThenMalformed() {
    Map<String, Object> c = TestAlb.claims();
    c.put("filler", "x".repeat(20_000));
    try (IapVerifier verifier = verifier()) {
      assertRejected(verifier, tokenWithClaims(c), Reason.MALFORMED);
    }
  }
}
