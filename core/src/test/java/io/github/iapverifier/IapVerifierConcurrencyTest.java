package io.github.iapverifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapVerificationException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One verifier shared by many threads: every thread gets exactly its own token's outcome, with the
 * cache off, small enough to evict constantly, and large.
 */
class IapVerifierConcurrencyTest {

  private static final int THREADS = 8;
  private static final int ROUNDS = 10;

  /** A token and what verifying it must give: an email, or a rejection reason. */
  private record Case(String token, String email, Reason reason) {}

  @ParameterizedTest(name = "token cache size {0}")
  @ValueSource(longs = {0, 4, 10_000})
  void verifyWhenSharedByManyThreadsThenEachGetsItsOwnOutcome(long cacheSize) throws Exception {
    TestIap iap = new TestIap();
    IapVerifier verifier = iap.verifierBuilder().tokenCacheSize(cacheSize).build();
    List<Case> cases = cases(iap);

    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    Queue<String> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < THREADS; t++) {
        int offset = t * 5; // threads walk the cases out of step, so they collide on different ones
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < ROUNDS * cases.size(); i++) {
                    Case c = cases.get((offset + i) % cases.size());
                    // A fresh String each time, as a servlet container hands over.
                    String outcome = outcome(verifier, new String(c.token.toCharArray()));
                    String expected = c.email != null ? c.email : c.reason.name();
                    if (!outcome.equals(expected)) {
                      failures.add("expected " + expected + ", got " + outcome);
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(failures).isEmpty();
  }

  private static String outcome(IapVerifier verifier, String token) {
    try {
      return verifier.verify(token).email();
    } catch (IapVerificationException e) {
      return e.reason().name();
    }
  }

  private static List<Case> cases(TestIap iap) {
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Map<String, Object> claims = TestIap.claims();
      String email = "user-" + i + "@example.com";
      claims.put("email", email);
      String token = iap.token(claims);
      cases.add(new Case(token, email, null));
      // The same claims under a signature that does not match them.
      claims.put("email", "mallory-" + i + "@example.com");
      String forged =
          TestIap.signingInput(iap.token(claims)) + "." + TestIap.signatureSegment(token);
      cases.add(new Case(forged, null, Reason.BAD_SIGNATURE));
    }
    Map<String, Object> expired = TestIap.claims(TestIap.NOW.minusSeconds(3600));
    cases.add(new Case(iap.token(expired), null, Reason.EXPIRED));
    Map<String, Object> elsewhere = TestIap.claims();
    elsewhere.put("aud", TestIap.OTHER_AUDIENCE);
    cases.add(new Case(iap.token(elsewhere), null, Reason.WRONG_AUDIENCE));
    cases.add(new Case(new TestIap(TestIap.generate("rogue")).token(), null, Reason.UNKNOWN_KEY));
    cases.add(new Case(iap.token() + ".", null, Reason.MALFORMED));
    cases.add(new Case(" ", null, Reason.MISSING));
    return cases;
  }
}
