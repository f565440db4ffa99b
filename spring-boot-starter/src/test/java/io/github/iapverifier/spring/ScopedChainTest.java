package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.spring.scopedchain.ScopedChainApplication;
import io.github.iapverifier.test.FakeIap;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Chains that cover only part of an app: requests no chain applying {@code IapConfigurer} serves
 * (no chain at all, or a chain without it) are verified by the backstop after Spring Security, as
 * behind the plain filter, and never see a client's identity header.
 */
@SpringBootTest(
    classes = ScopedChainApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "iap.excluded-paths=/open/**")
class ScopedChainTest {

  static final FakeIap iap = FakeIap.start();
  static final String FORGED = "accounts.google.com:boss@example.com";

  @DynamicPropertySource
  static void iapProperties(DynamicPropertyRegistry registry) {
    registry.add("iap.jwks-uri", () -> iap.jwksUri().toString());
    registry.add("iap.audiences", () -> iap.audience().value());
  }

  @AfterAll
  static void stopFake() {
    iap.close();
  }

  @LocalServerPort int port;

  HttpResponse<String> get(String path, String forgedEmail, String... assertions) {
    Map<String, String> headers =
        forgedEmail == null ? Map.of() : Map.of("x-goog-authenticated-user-email", forgedEmail);
    return new Http(port).send("GET", path, headers, assertions);
  }


  String ana() {
    return iap.token().email("ana@example.com").build();
  }

  @Test
  void pathInNoChainWhenNoAssertionThen401Missing() {
    HttpResponse<String> response = get("/hello", FORGED);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("IAP");
    assertThat(response.body()).endsWith(Http.problemSuffix("MISSING"));
  }

  @Test
  void pathInNoChainWhenBadSignatureThen401() {
    HttpResponse<String> response = get("/hello", null, iap.token(FakeIap.SecureTokenTest.SIGNATURE));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).endsWith(Http.problemSuffix("BAD_SIGNATURE"));
  }

  @Test
  void pathInNoChainWhenVerifiedAndForgedHeaderThenVerifiedIdentityOnly() {
    HttpResponse<String> response = get("/hello", FORGED, ana());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo("ana@example.com accounts.google.com:ana@example.com");
  }

  @Test
  void pathInNoChainWhenAsyncThenIdentityOnCompletion() {
    HttpResponse<String> response = get("/hello/async", FORGED, ana());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo("ana@example.com accounts.google.com:ana@example.com");
  }

  @Test
  void pathInNoChainWhenHandlerThrowsThen500Not401() {
    HttpResponse<String> response = get("/hello/boom", FORGED, ana());

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).doesNotContain("boss@example.com").doesNotContain("MISSING");
  }

  @Test
  void pathInNoChainWhenUnknownThen404Not401() {
    assertThat(get("/nothing-here", null, ana()).statusCode()).isEqualTo(404);
  }

  @Test
  void chainWithoutIapWhenNoAssertionThen401Missing() {
    HttpResponse<String> response = get("/webhook/ping", FORGED);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).endsWith(Http.problemSuffix("MISSING"));
  }

  @Test
  void chainWithoutIapWhenVerifiedThenVerifiedIdentityOnly() {
    HttpResponse<String> response = get("/webhook/ping", FORGED, ana());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo("ana@example.com accounts.google.com:ana@example.com");
  }

  @Test
  void excludedPathWhenForgedHeaderThenNoIdentityAndHeaderRemoved() {
    HttpResponse<String> response = get("/open/ping", FORGED);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("- -");
  }

  @Test
  void iapChainWhenNoAssertionThenEntryPoint401() {
    HttpResponse<String> response = get("/api/me", FORGED);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).endsWith(Http.problemSuffix("MISSING"));
  }

  @Test
  void iapChainWhenPermittedAndNoAssertionThenAnonymousWithoutForgedHeader() {
    // The IAP chain decides: its rules permit this path to anonymous requests.
    HttpResponse<String> response = get("/api/public", FORGED);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("- -");
  }

  @Test
  void iapChainWhenVerifiedThenIdentity() {
    HttpResponse<String> response = get("/api/me", FORGED, ana());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo("ana@example.com accounts.google.com:ana@example.com");
  }
}
