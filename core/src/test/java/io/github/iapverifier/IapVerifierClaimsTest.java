package io.github.iapverifier;

import static io.github.iapverifier.TestIap.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.github.iapverifier.IapVerificationException.Reason;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Issuer, audience, required claims and claim types, on validly signed assertions. */
class IapVerifierClaimsTest {

  private final TestIap iap = new TestIap();
  private final IapVerifier verifier = iap.verifier();

  // ---- WRONG_ISSUER

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://cloud.google.com/iap/",
        "http://cloud.google.com/iap",
        "HTTPS://CLOUD.GOOGLE.COM/IAP",
        "https://cloud.google.com/iap ",
        "https://cloud.google.com/IAP",
        "https://accounts.google.com",
        "https://securetoken.google.com/my-project",
        ""
      })
  void verifyWhenIssuerIsNotExactlyIapThenWrongIssuer(String issuer) {
    IapVerificationException e =
        assertRejected(verifier, tokenWith("iss", issuer), Reason.WRONG_ISSUER);
    assertThat(e.getMessage()).contains(IapVerifier.ISSUER);
  }

  @Test
  void verifyWhenIssuerMissingOrNotAStringThenWrongIssuer() {
    assertRejected(verifier, tokenWith("iss", null), Reason.WRONG_ISSUER);
    for (Object issuer :
        List.of(1, List.of(IapVerifier.ISSUER), Map.of("iss", IapVerifier.ISSUER))) {
      assertRejected(verifier, tokenWith("iss", issuer), Reason.WRONG_ISSUER);
    }
  }

  // ---- WRONG_AUDIENCE

  @Test
  void verifyWhenAudienceDiffersThenWrongAudience() {
    IapVerificationException e =
        assertRejected(verifier, tokenWith("aud", TestIap.OTHER_AUDIENCE), Reason.WRONG_AUDIENCE);
    // Says what came, what is configured and where to change it.
    assertThat(e.getMessage())
        .contains(TestIap.OTHER_AUDIENCE)
        .contains(TestIap.AUDIENCE)
        .contains("iap.audiences");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        TestIap.AUDIENCE + "/",
        " " + TestIap.AUDIENCE,
        "/projects/123456789012/locations/europe-west1/services/billing2",
        "/projects/123456789012/locations/europe-west2/services/billing",
        "/projects/123456789013/locations/europe-west1/services/billing",
        "/PROJECTS/123456789012/LOCATIONS/EUROPE-WEST1/SERVICES/BILLING",
        ""
      })
  void verifyWhenAudienceNearlyMatchesThenWrongAudience(String audience) {
    assertRejected(verifier, tokenWith("aud", audience), Reason.WRONG_AUDIENCE);
  }

  @Test
  void verifyWhenAudienceMissingThenWrongAudience() {
    IapVerificationException e =
        assertRejected(verifier, tokenWith("aud", null), Reason.WRONG_AUDIENCE);
    assertThat(e.getMessage()).contains("no audience").contains(TestIap.AUDIENCE);
  }

  @Test
  void verifyWhenAudienceArrayContainsAudienceThenAccepted() {
    IapIdentity identity =
        verifier.verify(tokenWith("aud", List.of(TestIap.OTHER_AUDIENCE, TestIap.AUDIENCE)));
    assertThat(identity.audience()).isEqualTo(TestIap.AUDIENCE);
  }

  @Test
  void verifyWhenAudienceArrayLacksAudienceThenWrongAudience() {
    for (List<String> audiences :
        List.of(
            List.of(TestIap.OTHER_AUDIENCE), List.<String>of(), List.of(TestIap.AUDIENCE + "/"))) {
      assertRejected(verifier, tokenWith("aud", audiences), Reason.WRONG_AUDIENCE);
    }
  }

  @Test
  void verifyWhenAudienceIsObjectOrNumberOrMixedArrayThenMalformed() {
    for (Object audience :
        List.of(
            Map.of("aud", TestIap.AUDIENCE),
            123456789012L,
            true,
            List.of(TestIap.AUDIENCE, 1),
            List.of(List.of(TestIap.AUDIENCE)))) {
      assertRejected(verifier, tokenWith("aud", audience), Reason.MALFORMED);
    }
  }

  @Test
  void verifyWhenAnyConfiguredAudienceMatchesThenAccepted() {
    IapVerifier several =
        iap.verifierBuilder().audiences(IapAudience.of(TestIap.OTHER_AUDIENCE)).build();
    assertThat(several.verify(tokenWith("aud", TestIap.OTHER_AUDIENCE)).audience())
        .isEqualTo(TestIap.OTHER_AUDIENCE);
    assertThat(several.verify(iap.token()).audience()).isEqualTo(TestIap.AUDIENCE);
  }

  // ---- MISSING_CLAIM

  @ParameterizedTest
  @ValueSource(strings = {"exp", "iat", "sub", "email"})
  void verifyWhenRequiredClaimMissingThenMissingClaim(String claim) {
    IapVerificationException e =
        assertRejected(verifier, tokenWith(claim, null), Reason.MISSING_CLAIM);
    assertThat(e.getMessage()).contains("'" + claim + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sub", "email"})
  void verifyWhenIdentityClaimEmptyThenMissingClaim(String claim) {
    assertRejected(verifier, tokenWith(claim, ""), Reason.MISSING_CLAIM);
  }

  // ---- MALFORMED claim types

  static Stream<Arguments> mistypedClaims() {
    long now = TestIap.NOW.getEpochSecond();
    return Stream.of(
        arguments("exp", String.valueOf(now + 600)),
        arguments("iat", String.valueOf(now)),
        arguments("nbf", String.valueOf(now)),
        arguments("exp", true),
        arguments("exp", List.of(now + 600)),
        arguments("exp", Map.of("seconds", now + 600)),
        arguments("iat", -1),
        arguments("exp", 253_402_300_800L), // after year 9999
        arguments("exp", 1e300),
        arguments("sub", 113769094838382739561.0),
        arguments("sub", List.of(TestIap.SUBJECT)),
        arguments("email", List.of(TestIap.EMAIL)),
        arguments("email", Map.of("value", TestIap.EMAIL)),
        arguments("hd", 1),
        arguments("hd", List.of(TestIap.DOMAIN)),
        arguments("identity_source", 1),
        arguments("google", "accessPolicies/1/accessLevels/corp"),
        arguments("google", Map.of("access_levels", "accessPolicies/1/accessLevels/corp")),
        arguments("google", Map.of("access_levels", List.of(1))),
        arguments("gcip", "x"),
        arguments("gcip", List.of()));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("mistypedClaims")
  void verifyWhenClaimHasWrongTypeThenMalformed(String claim, Object value) {
    IapVerificationException e =
        assertRejected(verifier, tokenWith(claim, value), Reason.MALFORMED);
    assertThat(e.getMessage()).contains(claim);
  }

  @Test
  void verifyWhenExpNotAfterIatThenMalformed() {
    Map<String, Object> claims = TestIap.claims();
    claims.put("exp", claims.get("iat"));
    assertRejected(verifier, iap.token(claims), Reason.MALFORMED);
  }

  @Test
  void verifyWhenTimesHaveFractionalSecondsThenAccepted() {
    // RFC 7519 NumericDate may be non-integer.
    Map<String, Object> claims = TestIap.claims();
    claims.put("iat", TestIap.NOW.getEpochSecond() + 0.25);
    claims.put("exp", TestIap.NOW.getEpochSecond() + 600.75);
    assertThat(verifier.verify(iap.token(claims)).expiresAt())
        .isEqualTo(TestIap.NOW.plusSeconds(600));
  }

  // ---- order of checks and KEYS_UNAVAILABLE

  @Test
  void verifyWhenClaimsAreWrongThenNoKeyIsLookedUp() {
    // Cheap checks first: a garbage token must not cost a key lookup, let alone a signature check.
    TestKeySource keys = new TestKeySource(iap.keySource());
    IapVerifier verifier = iap.verifierBuilder().keySource(keys).build();
    assertRejected(verifier, tokenWith("iss", "https://attacker.example"), Reason.WRONG_ISSUER);
    assertRejected(verifier, tokenWith("aud", TestIap.OTHER_AUDIENCE), Reason.WRONG_AUDIENCE);
    assertRejected(verifier, tokenWith("exp", TestIap.NOW.getEpochSecond() - 3600), Reason.EXPIRED);
    assertRejected(verifier, tokenWith("sub", null), Reason.MISSING_CLAIM);
    assertThat(keys.lookups()).isZero();

    verifier.verify(iap.token());
    assertThat(keys.lookups()).isOne();
  }

  @Test
  void verifyWhenKeySourceReportsOutageThenKeysUnavailable() {
    IapKeySource down =
        kid -> {
          throw new IapVerificationException(Reason.KEYS_UNAVAILABLE, "gstatic unreachable");
        };
    IapVerifier verifier = iap.verifierBuilder().keySource(down).build();
    assertRejected(verifier, iap.token(), Reason.KEYS_UNAVAILABLE);
  }

  @Test
  void verifyWhenKeySourceFailsUnexpectedlyThenKeysUnavailable() {
    // A custom key source's bug is a server-side fault: never a 401 that blames the user.
    IapKeySource broken =
        kid -> {
          throw new IllegalStateException("connection pool closed");
        };
    IapVerifier verifier = iap.verifierBuilder().keySource(broken).build();
    IapVerificationException e = assertRejected(verifier, iap.token(), Reason.KEYS_UNAVAILABLE);
    assertThat(e.getCause()).isInstanceOf(IllegalStateException.class);
  }

  private String tokenWith(String claim, Object value) {
    Map<String, Object> claims = TestIap.claims();
    if (value == null) {
      claims.remove(claim);
    } else {
      claims.put(claim, value);
    }
    return iap.token(claims);
  }
}
