package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.spring.plain.PlainServletApplication;
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
 * A real Boot app on a real port whose class loader hides Spring Security, as in an app that does
 * not depend on it: the starter protects it with the servlet {@code IapFilter}.
 */
class ServletFilterWithoutSecurityTest {

  static FakeIap iap;
  static ConfigurableApplicationContext app;
  static Http http;

  @BeforeAll
  static void start() {
    iap = FakeIap.start();
    app =
        new SpringApplicationBuilder(PlainServletApplication.class)
            .resourceLoader(
                new DefaultResourceLoader(new FilteredClassLoader("org.springframework.security")))
            .properties(
                "server.port=0",
                "iap.audiences=" + iap.audience().value(),
                "iap.jwks-uri=" + iap.jwksUri(),
                "iap.excluded-paths=/healthz")
            .run();
    http = new Http(app.getEnvironment().getProperty("local.server.port", Integer.class));
  }

  @AfterAll
  static void stop() {
    app.close();
    iap.close();
  }

  @Test
  void contextWhenNoSpringSecurityThenServletFilterAndNoSecurityChain() {
    assertThat(app.getBeanNamesForType(IapAuthoritiesMapper.class)).isEmpty();
    assertThat(app.containsBean("iapFilterRegistration")).isTrue();
    assertThat(app.containsBean("springSecurityFilterChain")).isFalse();
  }

  @Test
  void whoamiWhenValidAssertionThenRequestCarriesIdentity() {
    HttpResponse<String> response =
        http.get("/whoami", iap.token().email("ana@example.com").build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo("ana@example.com ana@example.com " + FakeIap.googleSubject("ana@example.com"));
  }

  @Test
  void whoamiWhenNoAssertionThen401ProblemAsWithSpringSecurity() {
    HttpResponse<String> response = http.get("/whoami");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.body())
        .startsWith(Http.problemPrefix(401))
        .endsWith(Http.problemSuffix("MISSING"));
  }

  @Test
  void healthzWhenExcludedThenServedWithoutAssertion() {
    HttpResponse<String> response = http.get("/healthz");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok");
  }
}
