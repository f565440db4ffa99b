package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.spring.quickstart.QuickStartApplication;
import io.github.iapverifier.test.FakeIap;
import io.github.iapverifier.test.FakeIap.SecureTokenTest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The two switches an operator turns on explicitly, over real HTTP: the actionable rejection
 * message in responses ({@code iap.include-rejection-message}) and CORS preflights let through
 * ({@code iap.allow-cors-preflight}). {@link QuickStartTest} has the defaults.
 */
@SpringBootTest(
    classes = QuickStartApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=quickstart",
      "iap.include-rejection-message=true",
      "iap.allow-cors-preflight=true"
    })
class OperatorOptInTest {

  static final FakeIap iap = FakeIap.builder().audience(QuickStartTest.AUDIENCE).start();

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
  void helloWhenWrongAudienceAndMessageIncludedThenDetailNamesTheConfiguredAudience() {
    String token = iap.token(SecureTokenTest.AUDIENCE);

    HttpResponse<String> response = new Http(port).get("/hello", token);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body())
        .startsWith(Http.problemPrefix(401))
        .contains(QuickStartTest.AUDIENCE)
        .endsWith(Http.problemSuffix("WRONG_AUDIENCE"))
        .doesNotContain(token.substring(token.lastIndexOf('.') + 1));
  }

  @Test
  void helloWhenCorsPreflightAllowedThenNotAnsweredByIap() {
    HttpResponse<String> response =
        new Http(port)
            .send(
                "OPTIONS",
                "/hello",
                Map.of(
                    "Origin", "https://app.example.com",
                    "Access-Control-Request-Method", "POST"));

    // Spring answers it (this app configures no CORS), never IAP's 401.
    assertThat(response.statusCode()).isNotEqualTo(401);
    assertThat(response.body()).doesNotContain("\"reason\"");
  }
}
