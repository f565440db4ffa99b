package io.github.iapverifier.spring;

import static io.github.iapverifier.test.IapWebTestClientConfigurer.iap;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.spring.reactive.plain.PlainReactiveApplication;
import io.github.iapverifier.test.FakeIap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A real WebFlux app on Reactor Netty whose class loader hides Spring Security: the starter
 * protects it with the {@link IapWebFilter}, answering as the servlet side does.
 */
class ReactiveWithoutSecurityTest {

  static FakeIap iap;
  static ConfigurableApplicationContext app;
  static WebTestClient client;

  @BeforeAll
  static void start() {
    iap = FakeIap.start();
    app =
        ReactiveApps.run(
            new SpringApplicationBuilder(PlainReactiveApplication.class)
                .resourceLoader(
                    new DefaultResourceLoader(
                        new FilteredClassLoader("org.springframework.security"))),
            iap,
            "iap.excluded-paths=/healthz",
            "management.endpoints.web.exposure.include=health,metrics",
            "management.endpoint.health.show-components=always");
    client = ReactiveApps.client(app);
  }

  @AfterAll
  static void stop() {
    app.close();
    iap.close();
  }

  @Test
  void contextWhenReactiveWithoutSecurityThenWebFilterAndNoChain() {
    assertThat(app.getBeanNamesForType(IapWebFilter.class)).containsExactly("iapWebFilter");
    assertThat(app.containsBean("iapFilterRegistration")).isFalse();
    assertThat(app.containsBean("iapServerSecurityCustomizer")).isFalse();
  }

  @Test
  void whoamiWhenValidAssertionThenIdentityAndLegacyHeaderFromIt() {
    client
        .mutateWith(iap(iap).email("ana@example.com"))
        .get()
        .uri("/whoami")
        .header("x-goog-authenticated-user-email", "accounts.google.com:boss@example.com")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(String.class)
        .isEqualTo("ana@example.com accounts.google.com:ana@example.com");
  }

  @Test
  void whoamiWhenNoAssertionThen401Problem() {
    client
        .get()
        .uri("/whoami")
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .valueEquals("WWW-Authenticate", "IAP")
        .expectHeader()
        .contentType("application/problem+json")
        .expectBody(String.class)
        .value(body -> assertThat(body).endsWith(Http.problemSuffix("MISSING")));
  }

  @Test
  void whoamiWhenTwoAssertionsThen401Malformed() {
    String token = iap.token().build();
    client
        .get()
        .uri("/whoami")
        .header(IapVerifier.HEADER, token, token)
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectBody(String.class)
        .value(body -> assertThat(body).endsWith(Http.problemSuffix("MALFORMED")));
  }

  @Test
  void whoamiWhenExpiredThen401Expired() {
    client
        .mutateWith(iap(iap).token(t -> t.issuedAt(java.time.Instant.now().minusSeconds(3600))))
        .get()
        .uri("/whoami")
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectBody(String.class)
        .value(body -> assertThat(body).endsWith(Http.problemSuffix("EXPIRED")));
  }

  @Test
  void healthzWhenExcludedThenServedWithoutIdentityOrForgedHeader() {
    client
        .get()
        .uri("/healthz")
        .header("x-goog-authenticated-user-email", "accounts.google.com:boss@example.com")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(String.class)
        .isEqualTo("ok - null");
  }

  @Test
  void unknownPathWhenVerifiedThen404() {
    client.mutateWith(iap(iap)).get().uri("/nothing-here").exchange().expectStatus().isNotFound();
  }

  @Test
  void handlerWhenThrowsThen500() {
    client.mutateWith(iap(iap)).get().uri("/boom").exchange().expectStatus().isEqualTo(500);
  }

  @Test
  void healthWhenKeysLoadedThenIapUp() {
    client
        .mutateWith(iap(iap))
        .get()
        .uri("/actuator/health")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(String.class)
        .value(body -> assertThat(body).containsPattern(Http.healthStatus("iap", "UP")));
  }

  @Test
  void metricsWhenVerifiedThenIapMetersRegistered() {
    client.mutateWith(iap(iap)).get().uri("/whoami").exchange().expectStatus().isOk();
    client
        .mutateWith(iap(iap))
        .get()
        .uri("/actuator/metrics")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(String.class)
        .value(body -> assertThat(body).contains("\"iap.keys.age\""));
  }
}
