package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.servlet.IapFilter;
import io.github.iapverifier.spring.plain.PlainServletApplication;
import io.github.iapverifier.test.FakeIap;
import jakarta.servlet.DispatcherType;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * Exactly one of "Spring Security" and "plain filter" applies for every class-path combination of
 * {@code spring-security-web} and {@code spring-security-config} (finding 1 of issue 12: with
 * {@code -web} alone, neither applied and requests went through unverified).
 */
class IapClassPathMatrixTest {

  static FakeIap iap;

  @BeforeAll
  static void startFake() {
    iap = FakeIap.start();
  }

  @AfterAll
  static void stopFake() {
    iap.close();
  }

  private WebApplicationContextRunner runner(FilteredClassLoader classLoader) {
    WebApplicationContextRunner runner =
        new WebApplicationContextRunner()
            .withConfiguration(
                AutoConfigurations.of(
                    IapAutoConfiguration.class,
                    IapServletFilterAutoConfiguration.class,
                    IapWebSecurityAutoConfiguration.class,
                    IapActuatorAutoConfiguration.class))
            .withPropertyValues(
                "iap.audiences=" + FakeIap.DEFAULT_AUDIENCE, "iap.jwks-uri=" + iap.jwksUri());
    return classLoader == null ? runner : runner.withClassLoader(classLoader);
  }

  @Test
  void contextWhenSecurityWebAndConfigThenSpringSecurityOnly() {
    runner(null).run(context -> assertSpringSecurityOnly(context));
  }

  @Test
  void contextWhenSecurityWebWithoutConfigThenPlainFilter() {
    runner(new FilteredClassLoader("org.springframework.security.config"))
        .run(context -> assertPlainFilterOnly(context));
  }

  @Test
  void contextWhenSecurityConfigWithoutWebThenPlainFilter() {
    runner(new FilteredClassLoader("org.springframework.security.web"))
        .run(context -> assertPlainFilterOnly(context));
  }

  @Test
  void contextWhenNeitherThenPlainFilter() {
    runner(new FilteredClassLoader("org.springframework.security"))
        .run(context -> assertPlainFilterOnly(context));
  }

  private static void assertSpringSecurityOnly(AssertableWebApplicationContext context) {
    assertThat(context).hasNotFailed();
    assertThat(context).hasBean("iapSecurityFilterChain");
    assertThat(context).doesNotHaveBean(IapServletFilterAutoConfiguration.REGISTRATION);
  }

  private static void assertPlainFilterOnly(AssertableWebApplicationContext context) {
    assertThat(context).hasNotFailed(); // the enforcement check passed too
    assertThat(context).doesNotHaveBean("iapSecurityFilterChain");
    assertThat(context).doesNotHaveBean(IapAuthoritiesMapper.class);
    FilterRegistrationBean<?> registration =
        context.getBean(
            IapServletFilterAutoConfiguration.REGISTRATION, FilterRegistrationBean.class);
    assertThat(registration.getFilter()).isInstanceOf(IapFilter.class);
    assertThat(registration.getUrlPatterns()).containsExactly("/*");
    assertThat(registration.isAsyncSupported()).isTrue();
    // Error pages and async completions must see the identity, never a forged legacy header.
    assertThat(registration.determineDispatcherTypes())
        .containsExactlyInAnyOrder(DispatcherType.values());
  }

  /** Finding 1 over real HTTP: spring-security-web alone, GET without a token was a 200. */
  @Test
  void requestWhenSecurityWebWithoutConfigThen401NotServed() {
    ConfigurableApplicationContext app =
        new SpringApplicationBuilder(PlainServletApplication.class)
            .resourceLoader(
                new DefaultResourceLoader(
                    new FilteredClassLoader("org.springframework.security.config")))
            .properties(
                "server.port=0",
                "iap.audiences=" + iap.audience().value(),
                "iap.jwks-uri=" + iap.jwksUri())
            .run();
    try {
      Http http =
          new Http(app.getEnvironment().getRequiredProperty("local.server.port", Integer.class));

      HttpResponse<String> anonymous = http.get("/whoami");
      HttpResponse<String> verified =
          http.get("/whoami", iap.token().email("ana@example.com").build());

      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.body()).endsWith(Http.problemSuffix("MISSING"));
      assertThat(verified.statusCode()).isEqualTo(200);
      assertThat(verified.body()).startsWith("ana@example.com ana@example.com ");
    } finally {
      app.close();
    }
  }
}
