package io.github.iapverifier;

import static io.github.iapverifier.TestIap.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapVerificationException.Reason;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * IAP's own self-test ({@code ?gcp-iap-mode=SECURE_TOKEN_TEST&iap-secure-token-test-type=TYPE})
 * sends one deliberately broken assertion per type; an app passes only if it rejects each of them
 * and accepts {@code NOT_SET}.
 */
class IapSelfTestTest {

  /** The test types, by IAP's names, with the assertion IAP sends and what we must answer. */
  enum SecureTokenTestType {
    NOT_SET(null, (iap, claims) -> iap.token(claims)),
    SIGNATURE(
        Reason.BAD_SIGNATURE,
        // IAP's genuine header and claims under a signature that does not match them.
        (iap, claims) -> {
          String genuine = iap.token(claims);
          claims.put("email", "someone-else@example.com");
          return TestIap.signingInput(genuine) + "." + TestIap.signatureSegment(iap.token(claims));
        }),
    FUTURE_ISSUE(Reason.ISSUED_IN_FUTURE, (iap, claims) -> iap.token(shift(claims, 3600))),
    PAST_EXPIRATION(Reason.EXPIRED, (iap, claims) -> iap.token(shift(claims, -3600))),
    ISSUER(
        Reason.WRONG_ISSUER,
        (iap, claims) -> {
          claims.put("iss", "https://cloud.google.com/iap-secure-token-test");
          return iap.token(claims);
        }),
    AUDIENCE(
        Reason.WRONG_AUDIENCE,
        (iap, claims) -> {
          claims.put("aud", "/projects/0/apps/secure-token-test");
          return iap.token(claims);
        });

    final Reason expected;
    final BiFunction<TestIap, Map<String, Object>, String> assertion;

    SecureTokenTestType(
        Reason expected, BiFunction<TestIap, Map<String, Object>, String> assertion) {
      this.expected = expected;
      this.assertion = assertion;
    }

    private static Map<String, Object> shift(Map<String, Object> claims, long seconds) {
      claims.put("iat", (Long) claims.get("iat") + seconds);
      claims.put("exp", (Long) claims.get("exp") + seconds);
      return claims;
    }
  }

  @ParameterizedTest
  @EnumSource(SecureTokenTestType.class)
  void verifyWhenIapSecureTokenTestThenExpectedOutcome(SecureTokenTestType type) {
    TestIap iap = new TestIap();
    IapVerifier verifier = iap.verifier();
    String assertion = type.assertion.apply(iap, TestIap.claims());

    if (type.expected == null) {
      assertThat(verifier.verify(assertion).email()).isEqualTo(TestIap.EMAIL);
    } else {
      assertRejected(verifier, assertion, type.expected);
    }
  }
}
