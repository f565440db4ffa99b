package io.github.iapverifier.spring;

import static io.github.iapverifier.test.IapWebTestClientConfigurer.iap;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.spring.reactive.secured.SecuredReactiveApplication;
import io.github.iapverifier.test.FakeIap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A real WebFlux app with reactive Spring Security on Reactor Netty: the starter's default chain,
 * {@code @AuthenticationPrincipal IapIdentity}, {@code @PreAuthorize} with
 * {@code @EnableReactiveMethodSecurity}, with the default chain.
 */
class ReactiveSecurityTest {

  static FakeIap iap;
  static ConfigurableApplicationContext app;
  static WebTestClient client;

  @BeforeAll
  static void start() {
    iap = FakeIap.start();
    app =
        ReactiveApps.run(
            new SpringApplicationBuilder(SecuredReactiveApplication.class),
            iap,
            "iap.excluded-paths=/healthz",
            "iap.authorities.ADMIN=admin@example.com");
    client = ReactiveApps.client(app);
  }

  @AfterAll
  static void stop() {
    app.close();
    iap.close();
  }

  @Test
  void contextWhenReactiveSecurityThenDefaultChainAppliesIap() {
    assertThat(app.getBeanNamesForType(SecurityWebFilterChain.class))
        .containsExactly("iapSecurityWebFilterChain");
    assertThat(app.getBeanNamesForType(IapWebFilter.class)).containsExactly("iapWebFilter");
  }

  @Test
  void whoamiWhenValidAssertionThenAuthenticationPrincipalIsIdentity() {
    client
        .mutateWith(iap(iap).email("ana@example.com"))
        .get()
        .uri("/whoami")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(String.class)
        .isEqualTo("ana@example.com accounts.google.com:ana@example.com");
  }

  @Test
  void whoamiWhenNoAssertionThen401Missing() {
    client
        .get()
        .uri("/whoami")
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .valueEquals("WWW-Authenticate", "IAP")
        .expectBody(String.class)
        .value(body -> assertThat(body).endsWith(Http.problemSuffix("MISSING")));
  }

  @Test
  void adminWhenPreAuthorizeDeniesThen403Problem() {
    client
        .mutateWith(iap(iap).email("ana@example.com"))
        .get()
        .uri("/admin")
        .exchange()
        .expectStatus()
        .isForbidden()
        .expectHeader()
        .contentType("application/problem+json");
  }

  @Test
  void adminWhenGrantedThenServed() {
    client
        .mutateWith(iap(iap).email("admin@example.com"))
        .get()
        .uri("/admin")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(String.class)
        .isEqualTo("admin admin@example.com");
  }

  @Test
  void postWhenNoAssertionThen401NotCsrf403() {
    client
        .post()
        .uri("/notes")
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectBody(String.class)
        .value(body -> assertThat(body).endsWith(Http.problemSuffix("MISSING")));
  }

  @Test
  void postWhenVerifiedWithoutCsrfTokenThen403() {
    client
        .mutateWith(iap(iap))
        .post()
        .uri("/notes")
        .exchange()
        .expectStatus()
        .isForbidden()
        .expectHeader()
        .contentType("application/problem+json");
  }

  @Test
  void healthzWhenExcludedThenPermittedWithoutAssertion() {
    client.get().uri("/healthz").exchange().expectStatus().isOk();
  }
}
