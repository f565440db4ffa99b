package io.github.iapverifier;

import static io.github.iapverifier.TestIap.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapVerificationException.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Times exactly at the skew boundaries: {@code exp <= now - skew} is expired, {@code iat > now +
 * skew} is in the future, {@code exp - iat > 600 s + 2 * skew} is too long. Each boundary is tested
 * on both sides, one second apart, for several skews.
 */
class IapVerifierClockTest {

  private static final long NOW = TestIap.NOW.getEpochSecond();

  private final TestIap iap = new TestIap();

  @ParameterizedTest(name = "skew {0} s")
  @ValueSource(ints = {0, 1, 30, 120, 300})
  void verifyWhenExpAtNowMinusSkewThenExpired(int skew) {
    IapVerificationException e =
        assertRejected(verifier(skew), token(NOW - skew - 600, NOW - skew), Reason.EXPIRED);
    assertThat(e.getMessage()).contains(Instant.ofEpochSecond(NOW - skew).toString());
  }

  @ParameterizedTest(name = "skew {0} s")
  @ValueSource(ints = {0, 1, 30, 120, 300})
  void verifyWhenExpOneSecondInsideSkewThenAccepted(int skew) {
    long exp = NOW - skew + 1;
    assertThat(verifier(skew).verify(token(exp - 600, exp)).expiresAt())
        .isEqualTo(Instant.ofEpochSecond(exp));
  }

  @ParameterizedTest(name = "skew {0} s")
  @ValueSource(ints = {0, 1, 30, 120, 300})
  void verifyWhenIatAtNowPlusSkewThenAccepted(int skew) {
    long iat = NOW + skew;
    assertThat(verifier(skew).verify(token(iat, iat + 600)).issuedAt())
        .isEqualTo(Instant.ofEpochSecond(iat));
  }

  @ParameterizedTest(name = "skew {0} s")
  @ValueSource(ints = {0, 1, 30, 120, 300})
  void verifyWhenIatOneSecondBeyondSkewThenIssuedInFuture(int skew) {
    long iat = NOW + skew + 1;
    assertRejected(verifier(skew), token(iat, iat + 600), Reason.ISSUED_IN_FUTURE);
  }

  @ParameterizedTest(name = "skew {0} s")
  @ValueSource(ints = {0, 1, 30, 120, 300})
  void verifyWhenLifetimeIsTenMinutesPlusTwiceSkewThenAccepted(int skew) {
    assertThat(verifier(skew).verify(token(NOW, NOW + 600 + 2L * skew)).email())
        .isEqualTo(TestIap.EMAIL);
  }

  @ParameterizedTest(name = "skew {0} s")
  @ValueSource(ints = {0, 1, 30, 120, 300})
  void verifyWhenLifetimeOneSecondLongerThenLifetimeTooLong(int skew) {
    assertRejected(verifier(skew), token(NOW, NOW + 600 + 2L * skew + 1), Reason.LIFETIME_TOO_LONG);
  }

  @ParameterizedTest(name = "skew {0} s")
  @ValueSource(ints = {0, 1, 30, 120, 300})
  void verifyWhenNbfHonouredWithSkew(int skew) {
    IapVerifier verifier = verifier(skew);
    assertThat(verifier.verify(tokenWithNbf(NOW + skew)).email()).isEqualTo(TestIap.EMAIL);
    assertRejected(verifier, tokenWithNbf(NOW + skew + 1), Reason.ISSUED_IN_FUTURE);
  }

  @Test
  void verifyWhenSkewNotSetThenThirtySeconds() {
    IapVerifier verifier = iap.verifier();
    assertThat(verifier.verify(token(NOW - 29 - 600, NOW - 29)).email()).isEqualTo(TestIap.EMAIL);
    assertRejected(verifier, token(NOW - 30 - 600, NOW - 30), Reason.EXPIRED);
    assertThat(verifier.verify(token(NOW + 30, NOW + 630)).email()).isEqualTo(TestIap.EMAIL);
    assertRejected(verifier, token(NOW + 31, NOW + 631), Reason.ISSUED_IN_FUTURE);
    assertThat(verifier.verify(token(NOW, NOW + 660)).email()).isEqualTo(TestIap.EMAIL);
    assertRejected(verifier, token(NOW, NOW + 661), Reason.LIFETIME_TOO_LONG);
  }

  @Test
  void verifyWhenClockBetweenWholeSecondsThenBoundaryStillExact() {
    // exp is whole seconds, the clock is not: 29.5 s past exp is inside a 30 s skew, 30 s is not.
    MutableClock clock = new MutableClock(TestIap.NOW.plusMillis(500));
    IapVerifier verifier = iap.verifierBuilder().clock(clock).tokenCacheSize(0).build();
    String token = token(NOW - 30 - 600 + 1, NOW - 30 + 1);
    assertThat(verifier.verify(token).email()).isEqualTo(TestIap.EMAIL);
    clock.advance(Duration.ofMillis(499));
    assertThat(verifier.verify(token).email()).isEqualTo(TestIap.EMAIL);
    clock.advance(Duration.ofMillis(1));
    assertRejected(verifier, token, Reason.EXPIRED);
  }

  @Test
  void verifyWhenExpiredMessageThenSuggestsClockCheck() {
    IapVerificationException e =
        assertRejected(iap.verifier(), token(NOW - 3600, NOW - 3000), Reason.EXPIRED);
    assertThat(e.getMessage()).contains("3000 s ago").contains("clock");
  }

  private IapVerifier verifier(int skewSeconds) {
    return iap.verifierBuilder().clockSkew(Duration.ofSeconds(skewSeconds)).build();
  }

  private String token(long iat, long exp) {
    Map<String, Object> claims = TestIap.claims();
    claims.put("iat", iat);
    claims.put("exp", exp);
    return iap.token(claims);
  }

  private String tokenWithNbf(long nbf) {
    Map<String, Object> claims = TestIap.claims();
    claims.put("nbf", nbf);
    return iap.token(claims);
  }
}
