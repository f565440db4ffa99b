package io.github.iapverifier.spring;

import static io.github.iapverifier.test.IapWebTestClientConfigurer.iap;

import io.github.iapverifier.spring.reactive.plain.PlainReactiveApplication;
import io.github.iapverifier.spring.reactive.secured.SecuredReactiveApplication;
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
 * A reactive app whose Actuator runs on a port of its own ({@code management.server.port}): that
 * port is protected as the main one, with and without Spring Security.
 */
class ReactiveManagementPortTest {

  static FakeIap iap;

  @BeforeAll
  static void startFake() {
    iap = FakeIap.start();
  }

  @AfterAll
  static void stopFake() {
    iap.close();
  }

  @Test
  void managementPortWhenNoSpringSecurityAndNoAssertionThen401() {
    try (ConfigurableApplicationContext app =
        run(
            new SpringApplicationBuilder(PlainReactiveApplication.class)
                .resourceLoader(
                    new DefaultResourceLoader(
                        new FilteredClassLoader("org.springframework.security"))))) {
      assertManagementPortProtected(app);
    }
  }

  @Test
  void managementPortWhenSpringSecurityAndNoAssertionThen401() {
    try (ConfigurableApplicationContext app =
        run(new SpringApplicationBuilder(SecuredReactiveApplication.class))) {
      assertManagementPortProtected(app);
    }
  }

  private static ConfigurableApplicationContext run(SpringApplicationBuilder builder) {
    return ReactiveApps.run(
        builder,
        iap,
        // Tomcat (for the servlet tests) and Reactor Netty are both on this class path, and
        // each offers Boot's reactive management context factory under the same bean name.
        "spring.main.allow-bean-definition-overriding=true",
        "management.server.port=0",
        "management.endpoints.web.exposure.include=env,health");
  }

  private static void assertManagementPortProtected(ConfigurableApplicationContext app) {
    WebTestClient management = ReactiveApps.client(app, "local.management.port");
    management
        .get()
        .uri("/actuator/env")
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectBody()
        .jsonPath("$.reason")
        .isEqualTo("MISSING");
    management.mutateWith(iap(iap)).get().uri("/actuator/health").exchange().expectStatus().isOk();
  }
}
