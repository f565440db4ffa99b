package io.github.iapverifier;

import static io.github.iapverifier.TestIap.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapVerificationException.Reason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The verified-token cache: a repeat skips the signature check, but never returns an identity for a
 * token that a full verification would now reject.
 */
class IapVerifierCacheTest {

  private final TestIap iap = new TestIap();
  private final MutableClock clock = new MutableClock(TestIap.NOW);
  private final TestKeySource keys = new TestKeySource(iap.keySource());
  private final List<Boolean> fromCache = new CopyOnWriteArrayList<>();
  private final List<Reason> rejections = new CopyOnWriteArrayList<>();
  private final IapEventListener recorder =
      new IapEventListener() {
        @Override
        public void verified(IapIdentity identity, boolean cached) {
          fromCache.add(cached);
        }

        @Override
        public void rejected(IapVerificationException failure) {
          rejections.add(failure.reason());
        }
      };
  private final IapVerifier verifier = builder().build();

  @Test
  void verifyWhenRepeatedThenServedFromCache() {
    String token = iap.token();
    IapIdentity first = verifier.verify(token);
    // A servlet container hands over a fresh String per request: match by content.
    IapIdentity second = verifier.verify(new String(token.toCharArray()));

    assertThat(second).isSameAs(first);
    assertThat(fromCache).containsExactly(false, true);
  }

  @Test
  void verifyWhenCachedTokenReachesExpiryThenExpired() {
    String token = iap.token();
    verifier.verify(token);
    // Valid while now < exp + skew, to the millisecond, exactly as without the cache.
    clock.set(TestIap.NOW.plusSeconds(600 + 30).minusMillis(1));
    verifier.verify(token);
    clock.advance(Duration.ofMillis(1));

    assertRejected(verifier, token, Reason.EXPIRED);
    assertThat(fromCache).containsExactly(false, true);
    assertThat(rejections).containsExactly(Reason.EXPIRED);
  }

  @Test
  void verifyWhenKeyWithdrawnThenCachedVerificationNotUsed() {
    String token = iap.token();
    verifier.verify(token);
    keys.replaceWith(IapKeySource.fromJwks(new TestIap(TestIap.generate("next-key")).jwks()));

    assertRejected(verifier, token, Reason.UNKNOWN_KEY);
    assertThat(fromCache).containsExactly(false);
  }

  @Test
  void verifyWhenKidNowNamesAnotherKeyThenBadSignature() {
    String token = iap.token();
    verifier.verify(token);
    keys.replaceWith(IapKeySource.fromJwks(new TestIap(TestIap.generate(iap.keyId())).jwks()));

    assertRejected(verifier, token, Reason.BAD_SIGNATURE);
  }

  @Test
  void verifyWhenKeyReloadedAsNewInstanceThenVerifiedAgain() {
    // Same key material, new instance (a key-set reload): trust is re-established by a full check.
    String token = iap.token();
    verifier.verify(token);
    keys.replaceWith(IapKeySource.fromJwks(iap.jwks()));

    verifier.verify(token);
    verifier.verify(token);
    assertThat(fromCache).containsExactly(false, false, true);
  }

  @Test
  void verifyWhenCacheSizeZeroThenEveryRepeatFullyVerified() {
    IapVerifier uncached = builder().tokenCacheSize(0).build();
    String token = iap.token();
    for (int i = 0; i < 3; i++) {
      uncached.verify(token);
    }
    assertThat(fromCache).containsExactly(false, false, false);
  }

  @Test
  void verifyWhenOnlyTheHashedTailMatchesThenNotServedFromCache() {
    // Same signature characters (the part the cache key hashes), different claims: a hash
    // match alone must never return the cached identity.
    String token = iap.token();
    verifier.verify(token);
    Map<String, Object> claims = TestIap.claims();
    claims.put("email", "mallory@example.com");
    String forged = TestIap.signingInput(iap.token(claims)) + "." + TestIap.signatureSegment(token);

    assertRejected(verifier, forged, Reason.BAD_SIGNATURE);
  }

  @Test
  void verifyWhenRejectedThenRejectedAgainByAFullCheck() {
    String forged = new TestIap(TestIap.generate(iap.keyId())).token();
    assertRejected(verifier, forged, Reason.BAD_SIGNATURE);
    assertRejected(verifier, forged, Reason.BAD_SIGNATURE);
    assertThat(keys.lookups()).isEqualTo(2);
  }

  @Test
  void verifyWhenNullOrOversizedThenRejectedEveryTimeWithoutKeyLookup() {
    Map<String, Object> claims = TestIap.claims();
    claims.put("pad", "x".repeat(IapVerifier.MAX_LENGTH));
    String oversized = iap.token(claims); // validly signed: only its size is wrong
    for (int i = 0; i < 2; i++) {
      assertRejected(verifier, oversized, Reason.MALFORMED);
      assertRejected(verifier, null, Reason.MISSING);
    }
    assertThat(keys.lookups()).isZero();
    assertThat(fromCache).isEmpty();
  }

  @Test
  void verifyWhenListenerThrowsThenOutcomeUnchanged() {
    IapEventListener failing =
        new IapEventListener() {
          @Override
          public void verified(IapIdentity identity, boolean cached) {
            throw new IllegalStateException("metrics registry closed");
          }

          @Override
          public void rejected(IapVerificationException failure) {
            throw new IllegalStateException("metrics registry closed");
          }
        };
    IapVerifier verifier = builder().eventListener(failing).build();

    assertThat(verifier.verify(iap.token()).email()).isEqualTo(TestIap.EMAIL);
    assertRejected(verifier, "garbage", Reason.MALFORMED);
  }

  @Test
  void closeWhenCalledThenCacheForgotten() {
    String token = iap.token();
    verifier.verify(token);
    verifier.close();
    verifier.verify(token);
    assertThat(fromCache).containsExactly(false, false);
  }

  private IapVerifier.Builder builder() {
    return IapVerifier.builder()
        .audiences(TestIap.AUDIENCE)
        .keySource(keys)
        .clock(clock)
        .eventListener(recorder);
  }
}
