package io.github.iapverifier.servlet;

import static io.github.iapverifier.IapVerifier.HEADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.test.FakeIap;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JWKS endpoint is down before the first fetch: 503, never a 401 that blames the user. */
class IapFilterKeyOutageTest {

  @Test
  void keysUnavailableAtStartThen503WithRetryAfterAndRecoversWithoutRestart() throws Exception {
    try (FakeIap iap = FakeIap.start()) {
      iap.simulateOutage(true);
      IapVerifier verifier = iap.verifierBuilder().build();
      String[] warmUpLog = new String[1];
      Jetty jetty =
          startCapturing(
              () -> Jetty.start(TestApp.context("/app", new IapFilter(verifier))), warmUpLog);
      try {
        // init's warm-up failed, was logged, and the app started anyway.
        assertThat(warmUpLog[0].lines())
            .filteredOn(l -> l.contains(" WARN io.github.iapverifier.servlet.IapFilter - "))
            .anySatisfy(l -> assertThat(l).contains("requests are answered 503"));
        assertThat(iap.jwksRequests()).isPositive();

        HttpResponse<String> response = jetty.get("/app/whoami", HEADER, iap.token().build());

        Map<String, Object> problem =
            IapFilterContainerTest.assertProblem(response, 503, Reason.KEYS_UNAVAILABLE);
        assertThat(problem).containsEntry("title", "Service Unavailable");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("30");
        // The key endpoint and the fetch error are the operator's business: in the log only.
        assertThat(response.body()).doesNotContain(iap.jwksUri().toString());

        iap.simulateOutage(false);
        // The key source retries after a backoff of 1 s, then 2 s: bounded wait for recovery.
        await("recovery without restart")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(250))
            .until(
                () -> {
                  int status = jetty.get("/app/whoami", HEADER, iap.token().build()).statusCode();
                  assertThat(status).as("never a 401 meanwhile").isIn(200, 503);
                  return status == 200;
                });
      } finally {
        jetty.close();
        verifier.close();
      }
    }
  }

  private static Jetty startCapturing(java.util.function.Supplier<Jetty> start, String[] log) {
    Jetty[] jetty = new Jetty[1];
    log[0] =
        IapFilterContainerTest.captureStderr(
            () -> {
              jetty[0] = start.get();
              return null;
            });
    return jetty[0];
  }
}
