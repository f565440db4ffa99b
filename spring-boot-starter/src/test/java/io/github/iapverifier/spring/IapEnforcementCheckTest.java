package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.servlet.IapFilter;
import io.github.iapverifier.test.FakeIap;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The start-up guard: an app never serves requests with no IAP enforcement registered (finding 4 of
 * issue 12: one chain of the app's own without {@code IapConfigurer}, and every path was open).
 */
@ExtendWith(OutputCaptureExtension.class)
class IapEnforcementCheckTest {

  static FakeIap iap;

  @BeforeAll
  static void startFake() {
    iap = FakeIap.start();
  }

  @AfterAll
  static void stopFake() {
    iap.close();
  }

  /** The starter's auto-configuration of the verifier alone: any enforcement is the app's. */
  private static WebApplicationContextRunner alone() {
    return new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(IapAutoConfiguration.class))
        .withPropertyValues(
            "iap.audiences=" + FakeIap.DEFAULT_AUDIENCE, "iap.jwks-uri=" + iap.jwksUri());
  }

  private final WebApplicationContextRunner runner =
      alone()
          .withConfiguration(
              AutoConfigurations.of(
                  IapServletFilterAutoConfiguration.class, IapWebSecurityAutoConfiguration.class));

  private static WebApplicationContextRunner withoutSecurity() {
    return alone().withClassLoader(new FilteredClassLoader("org.springframework.security"));
  }

  /** The failure analysis's description of a context that must not have started. */
  private static String refusal(AssertableWebApplicationContext context) {
    assertThat(context).hasFailed();
    return new IapConfigurationFailureAnalyzer()
        .analyze(context.getStartupFailure())
        .getDescription();
  }

  @Test
  void contextWhenNarrowChainWithoutIapThenRefusesToStartNamingTheConfigurer(
      CapturedOutput output) {
    runner
        .withUserConfiguration(WebhookChainOnly.class)
        .run(
            context -> {
              assertThat(context).hasFailed();
              FailureAnalysis analysis =
                  new IapConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
              assertThat(analysis.getDescription())
                  .startsWith("No SecurityFilterChain applies IapConfigurer.iap()")
                  .contains("rules never see an IAP identity");
              assertThat(analysis.getAction())
                  .contains("http.with(IapConfigurer.iap(), Customizer.withDefaults())")
                  .contains("iap.require-enforcement=false");
            });
    assertThat(output)
        .contains("SecurityFilterChain 'webhooks' does not apply IapConfigurer.iap()")
        .contains("/webhook/**");
  }

  @Test
  void contextWhenOptedOutThenStartsWithWarning(CapturedOutput output) {
    runner
        .withUserConfiguration(WebhookChainOnly.class)
        .withPropertyValues("iap.require-enforcement=false")
        .run(context -> assertThat(context).hasNotFailed());
    assertThat(output)
        .contains("SecurityFilterChain 'webhooks' does not apply IapConfigurer.iap()")
        .contains("No SecurityFilterChain applies IapConfigurer.iap()")
        .contains("(iap.require-enforcement=false)");
  }

  @Test
  void contextWhenOneChainAppliesIapThenStartsAndWarnsAboutTheOther(CapturedOutput output) {
    runner
        .withUserConfiguration(WebhookChainOnly.class, IapChain.class)
        .run(context -> assertThat(context).hasNotFailed());
    assertThat(output)
        .contains("SecurityFilterChain 'webhooks' does not apply IapConfigurer.iap()")
        .doesNotContain("SecurityFilterChain 'app' does not apply")
        .doesNotContain("No IAP enforcement is registered");
  }

  @Test
  void contextWhenSecurityAutoConfigurationLeftOutThenRefusesToStartForWantOfTheBackstop() {
    // An IAP chain alone would leave the paths outside it unverified.
    alone()
        .withUserConfiguration(IapChain.class)
        .run(
            context ->
                assertThat(refusal(context)).startsWith("IAP's backstop filter is not registered"));
  }

  @Test
  void contextWhenChainsThenBackstopRegisteredAfterSpringSecurityOnEveryDispatch() {
    runner
        .withUserConfiguration(WebhookChainOnly.class, IapChain.class)
        .withPropertyValues("spring.security.filter.order=-50")
        .run(
            context -> {
              FilterRegistrationBean<?> backstop =
                  context.getBean(
                      IapWebSecurityAutoConfiguration.BACKSTOP_REGISTRATION,
                      FilterRegistrationBean.class);
              assertThat(backstop.getFilter()).isInstanceOf(IapChainBackstopFilter.class);
              assertThat(backstop.getOrder()).isEqualTo(-49);
              assertThat(backstop.getUrlPatterns()).containsExactly("/*");
              assertThat(backstop.isAsyncSupported()).isTrue();
              assertThat(backstop)
                  .extracting("dispatcherTypes")
                  .isEqualTo(java.util.EnumSet.allOf(jakarta.servlet.DispatcherType.class));
            });
  }

  @Test
  void contextWhenFilterAutoConfigurationLeftOutThenRefusesToStart() {
    withoutSecurity()
        .run(context -> assertThat(refusal(context)).startsWith("No IAP enforcement is registered"));
  }

  @Test
  void contextWhenAppRegistersItsOwnFilterThenStarts() {
    withoutSecurity()
        .withUserConfiguration(OwnFilter.class)
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnFilter {
    @Bean
    FilterRegistrationBean<IapFilter> mine(io.github.iapverifier.IapVerifier verifier) {
      FilterRegistrationBean<IapFilter> registration =
          new FilterRegistrationBean<>(new IapFilter(verifier));
      registration.setDispatcherTypes(EnumSet.allOf(DispatcherType.class));
      registration.setAsyncSupported(true);
      return registration;
    }
  }

  /** As a user would write it first: Spring Boot's defaults map it to REQUEST dispatches only. */
  @Configuration(proxyBeanMethods = false)
  static class OwnFilterForRequestsOnly {
    @Bean
    FilterRegistrationBean<IapFilter> mine(io.github.iapverifier.IapVerifier verifier) {
      return new FilterRegistrationBean<>(new IapFilter(verifier));
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnFilterForApiOnly {
    @Bean
    FilterRegistrationBean<IapFilter> mine(io.github.iapverifier.IapVerifier verifier) {
      FilterRegistrationBean<IapFilter> registration =
          new FilterRegistrationBean<>(new IapFilter(verifier));
      registration.setDispatcherTypes(EnumSet.allOf(DispatcherType.class));
      registration.setAsyncSupported(true);
      registration.addUrlPatterns("/api/*");
      return registration;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnFilterBean {
    @Bean
    IapFilter mine(io.github.iapverifier.IapVerifier verifier) {
      return new IapFilter(verifier);
    }
  }

  private void assertRefusedWithoutSecurity(Class<?> app, String gap) {
    withoutSecurity()
        .withUserConfiguration(app)
        .run(
            context ->
                assertThat(refusal(context))
                    .startsWith("The IapFilter of 'mine' " + gap)
                    .contains("map it to /* and every dispatcher type"));
  }


  @Test
  void contextWhenOwnFilterSeesRequestDispatchesOnlyThenRefusesToStart() {
    // An error page would see the raw request, a client's identity headers included.
    assertRefusedWithoutSecurity(OwnFilterForRequestsOnly.class, "sees [REQUEST] dispatches only");
  }

  @Test
  void contextWhenOwnFilterMappedToSomePathsThenRefusesToStart() {
    assertRefusedWithoutSecurity(OwnFilterForApiOnly.class, "is mapped to /api/* only");
  }

  @Test
  void contextWhenOwnFilterIsAPlainBeanThenRefusesToStart() {
    assertRefusedWithoutSecurity(
        OwnFilterBean.class, "is a bean Spring Boot maps to REQUEST dispatches only");
  }

  @Test
  void contextWhenOwnPartialFilterAndOptedOutThenStartsWithWarning(CapturedOutput output) {
    withoutSecurity()
        .withUserConfiguration(OwnFilterForApiOnly.class)
        .withPropertyValues("iap.require-enforcement=false")
        .run(context -> assertThat(context).hasNotFailed());
    assertThat(output).contains("The IapFilter of 'mine' is mapped to /api/* only");
  }

  @Configuration(proxyBeanMethods = false)
  @EnableWebSecurity
  static class WebhookChainOnly {
    @Bean
    @Order(1)
    SecurityFilterChain webhooks(HttpSecurity http) throws Exception {
      // A matcher that needs no Spring MVC, which this context runner has not.
      RequestMatcher webhooks =
          new RequestMatcher() {
            @Override
            public boolean matches(HttpServletRequest request) {
              return request.getRequestURI().startsWith("/webhook/");
            }

            @Override
            public String toString() {
              return "/webhook/**";
            }
          };
      http.securityMatcher(webhooks)
          .authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
      return http.build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableWebSecurity
  static class IapChain {
    @Bean
    @Order(2)
    SecurityFilterChain app(HttpSecurity http) throws Exception {
      http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
          .with(IapConfigurer.iap(), Customizer.withDefaults());
      return http.build();
    }
  }
}
