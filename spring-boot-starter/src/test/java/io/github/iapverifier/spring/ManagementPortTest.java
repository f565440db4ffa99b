package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.spring.plain.PlainServletApplication;
import io.github.iapverifier.spring.quickstart.QuickStartApplication;
import io.github.iapverifier.spring.scopedchain.ScopedChainApplication;
import io.github.iapverifier.test.FakeIap;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * Actuator on a port of its own ({@code management.server.port}) is protected like the app (finding
 * 5 of issue 12: without Spring Security, {@code /actuator/env} there answered 200 without a
 * token).
 */
class ManagementPortTest {

  static FakeIap iap;

  @BeforeAll
  static void startFake() {
    iap = FakeIap.start();
  }

  @AfterAll
  static void stopFake() {
    iap.close();
  }

  private static ConfigurableApplicationContext start(Class<?> app, ClassLoader classLoader) {
    return new SpringApplicationBuilder(app)
        .resourceLoader(new DefaultResourceLoader(classLoader))
        .properties(
            "server.port=0",
            "management.server.port=0",
            "management.endpoints.web.exposure.include=env,health",
            "iap.audiences=" + iap.audience().value(),
            "iap.jwks-uri=" + iap.jwksUri(),
            "iap.excluded-paths=/actuator/health/**")
        .run();
  }

  private static void assertProtected(ConfigurableApplicationContext app) {
    int port = app.getEnvironment().getRequiredProperty("local.management.port", Integer.class);
    assertThat(port)
        .isNotEqualTo(app.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
    Http management = new Http(port);

    HttpResponse<String> anonymous = management.get("/actuator/env");
    HttpResponse<String> forged =
        management.get("/actuator/env", iap.token(FakeIap.SecureTokenTest.SIGNATURE));
    HttpResponse<String> verified = management.get("/actuator/env", iap.token().build());
    HttpResponse<String> health = management.get("/actuator/health");

    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.body()).endsWith(Http.problemSuffix("MISSING"));
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.body()).endsWith(Http.problemSuffix("BAD_SIGNATURE"));
    assertThat(verified.statusCode()).isEqualTo(200);
    assertThat(health.statusCode()).isEqualTo(200);
  }

  @Test
  void managementPortWhenPlainFilterThenVerifiedThere() {
    try (ConfigurableApplicationContext app =
        start(
            PlainServletApplication.class,
            new FilteredClassLoader("org.springframework.security"))) {
      assertProtected(app);
    }
  }

  @Test
  void managementPortWhenSpringSecurityThenVerifiedThere() {
    try (ConfigurableApplicationContext app =
        start(QuickStartApplication.class, ManagementPortTest.class.getClassLoader())) {
      assertProtected(app);
    }
  }

  @Test
  void managementPortWhenChainsCoverOnlyPartOfTheAppThenVerifiedThereByTheBackstop() {
    try (ConfigurableApplicationContext app =
        start(ScopedChainApplication.class, ManagementPortTest.class.getClassLoader())) {
      assertProtected(app);
    }
  }
}
