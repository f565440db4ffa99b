package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.iapverifier.spring.quickstart.QuickStartApplication;
import io.github.iapverifier.test.FakeIap;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The app starts while Google's key endpoint is down: 503s and DOWN health, then recovery. */
@SpringBootTest(
    classes = QuickStartApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=quickstart",
      "management.endpoint.health.show-details=always",
      "iap.key-cache.request-timeout=1s"
    })
class OutageTest {

  static final FakeIap iap = startDown();

  static FakeIap startDown() {
    FakeIap fake = FakeIap.builder().audience(QuickStartTest.AUDIENCE).start();
    fake.simulateOutage(true);
    return fake;
  }

  @DynamicPropertySource
  static void iapProperties(DynamicPropertyRegistry registry) {
    registry.add("iap.jwks-uri", () -> iap.jwksUri().toString());
  }

  @AfterAll
  static void stopFake() {
    iap.close();
  }

  @LocalServerPort int port;

  @Test
  void requestsWhenKeysUnavailableThen503WithRetryAfterAndHealthDownThenRecover() {
    Http http = new Http(port);

    HttpResponse<String> rejected = http.get("/hello", iap.token().build());
    assertThat(rejected.statusCode()).isEqualTo(503);
    assertThat(rejected.headers().firstValue("Retry-After")).hasValue("30");
    assertThat(rejected.body())
        .startsWith(Http.problemPrefix(503))
        .endsWith(Http.problemSuffix("KEYS_UNAVAILABLE"));

    HttpResponse<String> health = http.get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.body())
        .containsPattern(Http.healthStatus("iap", "DOWN"))
        .contains("\"lastError\":\"IOException: HTTP 503\"");

    iap.simulateOutage(false);
    // The key source retries with a back-off from 1 s; the health check also retries, so a
    // load balancer that stopped sending traffic does not keep the app DOWN forever.
    await("health UP again")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> http.get("/actuator/health").statusCode() == 200);
    assertThat(http.get("/actuator/health").body()).containsPattern(Http.healthStatus("iap", "UP"));
    assertThat(http.get("/hello", iap.token().build()).statusCode()).isEqualTo(200);
  }
}
