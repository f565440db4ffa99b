package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.spring.quickstart.QuickStartApplication;
import io.github.iapverifier.test.FakeIap;
import io.github.iapverifier.test.FakeIap.SecureTokenTest;
import io.github.iapverifier.web.IapProblem;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The README's quick-start app (its yml and controller) with the starter's default chain, over real
 * HTTP, keys served by a fake IAP.
 */
@SpringBootTest(
    classes = QuickStartApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=quickstart",
      "management.endpoint.health.show-details=always",
      "iap.allowed-hosted-domains=example.com"
    })
class QuickStartTest {

  static final String AUDIENCE = "/projects/123456789012/locations/europe-west1/services/billing";
  static final FakeIap iap = FakeIap.builder().audience(AUDIENCE).start();

  @DynamicPropertySource
  static void iapProperties(DynamicPropertyRegistry registry) {
    registry.add("iap.jwks-uri", () -> iap.jwksUri().toString());
  }

  @AfterAll
  static void stopFake() {
    iap.close();
  }

  @LocalServerPort int port;
  @Autowired Map<String, SecurityFilterChain> chains;
  @Autowired MeterRegistry meters;
  @Autowired IapVerifier verifier;

  Http http() {
    return new Http(port);
  }

  @Test
  void helloWhenValidAssertionThenPrincipalEmailEchoed() {
    HttpResponse<String> response =
        http().get("/hello", iap.token().email("ana@example.com").build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("Hello ana@example.com");
  }

  @Test
  void contextWhenNoChainOfItsOwnThenStarterDefaultChainOnly() {
    assertThat(chains).containsOnlyKeys("iapSecurityFilterChain");
  }

  @Test
  void helloWhenNoAssertionThen401MissingProblem() {
    HttpResponse<String> response = http().get("/hello");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("IAP");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(response.body())
        .startsWith(Http.problemPrefix(401))
        .endsWith(Http.problemSuffix("MISSING"));
  }

  @Test
  void helloWhenCorsPreflightNotAllowedThen401Missing() {
    HttpResponse<String> response =
        http()
            .send(
                "OPTIONS",
                "/hello",
                Map.of(
                    "Origin", "https://app.example.com",
                    "Access-Control-Request-Method", "POST"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).endsWith(Http.problemSuffix("MISSING"));
  }

  @Test
  void helloWhenWrongAudienceThenDetailIsTheFixedSentence() {
    HttpResponse<String> response = http().get("/hello", iap.token(SecureTokenTest.AUDIENCE));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body())
        .contains("\"detail\":\"The IAP assertion is meant for another application.\"")
        .doesNotContain(AUDIENCE)
        .doesNotContain("projects/");
  }

  @Test
  void helloWhenIapSelfTestTokensThen401WithTheirReasons() {
    Map<SecureTokenTest, String> expected =
        Map.of(
            SecureTokenTest.SIGNATURE, "BAD_SIGNATURE",
            SecureTokenTest.FUTURE_ISSUE, "ISSUED_IN_FUTURE",
            SecureTokenTest.PAST_EXPIRATION, "EXPIRED",
            SecureTokenTest.ISSUER, "WRONG_ISSUER",
            SecureTokenTest.AUDIENCE, "WRONG_AUDIENCE");
    expected.forEach(
        (type, reason) -> {
          String token = iap.token(type);
          HttpResponse<String> response = http().get("/hello", token);
          assertThat(response.statusCode()).as(type.name()).isEqualTo(401);
          assertThat(response.body())
              .as(type.name())
              .startsWith(Http.problemPrefix(401))
              .endsWith(Http.problemSuffix(reason))
              .doesNotContain(token)
              .doesNotContain(token.substring(token.lastIndexOf('.') + 1));
        });
    assertThat(http().get("/hello", iap.token(SecureTokenTest.NOT_SET)).statusCode())
        .isEqualTo(200);
  }

  @Test
  void rejectionsWhenSpringSecurityThenSameBytesAsServletFilter() {
    // The servlet IapFilter writes IapProblem.of(the verifier's exception).
    IapVerificationException missing = catchIap(() -> verifier.verify(null));
    assertThat(http().get("/hello").body()).isEqualTo(IapProblem.of(missing).bodyText());

    String foreign = iap.token(SecureTokenTest.AUDIENCE);
    IapVerificationException wrongAudience = catchIap(() -> verifier.verify(foreign));
    HttpResponse<String> response = http().get("/hello", foreign);
    assertThat(response.body()).isEqualTo(IapProblem.of(wrongAudience).bodyText());
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValue(IapProblem.of(wrongAudience).headers().get("WWW-Authenticate"));
  }

  private static IapVerificationException catchIap(Runnable call) {
    try {
      call.run();
    } catch (IapVerificationException e) {
      return e;
    }
    throw new AssertionError("expected a rejection");
  }

  @Test
  void helloWhenHostedDomainNotAllowedThen403PolicyDenied() {
    HttpResponse<String> response =
        http().get("/hello", iap.token().email("eve@other.com").hostedDomain("other.com").build());

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body())
        .startsWith(Http.problemPrefix(403))
        .doesNotContain("other.com")
        .doesNotContain("example.com")
        .endsWith(Http.problemSuffix("POLICY_DENIED"));
  }

  @Test
  void helloWhenTwoAssertionHeadersThen401Malformed() {
    String token = iap.token().build();
    HttpResponse<String> response = http().get("/hello", token, token);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).endsWith(Http.problemSuffix("MALFORMED"));
  }

  @Test
  void healthWhenNoAssertionThenExcludedAndShowsIapComponent() {
    HttpResponse<String> response = http().get("/actuator/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .containsPattern(Http.healthStatus("iap", "UP"))
        .contains("\"jwksUri\":\"" + iap.jwksUri() + "\"")
        .contains("\"keysAge\"");
  }

  @Test
  void excludedPathWhenDotDotTricksThenNotExcluded() {
    for (String path :
        new String[] {
          "/actuator/health/../../hello",
          "/actuator/health/%2e%2e/%2e%2e/hello",
          "/actuator/health/;x/../../hello"
        }) {
      HttpResponse<String> response = http().get(path);
      assertThat(response.statusCode()).as(path).isIn(400, 401);
      assertThat(response.body()).as(path).doesNotContain("Hello");
    }
  }

  @Test
  void postWhenNoCsrfTokenThen403CsrfEvenWithValidAssertion() {
    // IAP's cookie makes a browser send valid assertions with cross-site requests too.
    HttpResponse<String> response = http().send("POST", "/hello", iap.token().build());

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains("CSRF").endsWith(Http.problemSuffix("CSRF"));
  }

  /** Finding 7 of issue 12: CSRF was checked before IAP and answered 403 POLICY_DENIED. */
  @Test
  void postWhenNoAssertionThen401MissingNotCsrf() {
    HttpResponse<String> response = http().send("POST", "/hello");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("IAP");
    assertThat(response.body()).endsWith(Http.problemSuffix("MISSING"));
  }

  @Test
  void postWhenInvalidAssertionThen401WithItsReasonNotCsrf() {
    HttpResponse<String> response =
        http().send("POST", "/hello", iap.token(SecureTokenTest.PAST_EXPIRATION));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).endsWith(Http.problemSuffix("EXPIRED"));
  }

  @Test
  void metricsWhenRequestsThenVerificationsCountedByOutcomeAndReason() {
    double verified = count("verified", "none");
    double wrongAudience = count("rejected", "WRONG_AUDIENCE");

    http().get("/hello", iap.token().build());
    http().get("/hello", iap.token(SecureTokenTest.AUDIENCE));

    assertThat(count("verified", "none")).isEqualTo(verified + 1);
    assertThat(count("rejected", "WRONG_AUDIENCE")).isEqualTo(wrongAudience + 1);
    assertThat(meters.get("iap.keys.fetch").tag("outcome", "success").timer().count())
        .isGreaterThanOrEqualTo(1);
    assertThat(meters.get("iap.keys.age").gauge().value()).isGreaterThanOrEqualTo(0);
  }

  private double count(String outcome, String reason) {
    return meters
        .get("iap.verifications")
        .tag("outcome", outcome)
        .tag("reason", reason)
        .counter()
        .count();
  }
}
