package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.servlet.IapFilter;
import io.github.iapverifier.test.FakeIap;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
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

  private final WebApplicationContextRunner runner =
      new WebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  IapAutoConfiguration.class,
                  IapServletFilterAutoConfiguration.class,
                  IapWebSecurityAutoConfiguration.class))
          .withPropertyValues(
              "iap.audiences=" + FakeIap.DEFAULT_AUDIENCE, "iap.jwks-uri=" + iap.jwksUri());

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
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(IapAutoConfiguration.class))
        .withUserConfiguration(IapChain.class)
        .withPropertyValues(
            "iap.audiences=" + FakeIap.DEFAULT_AUDIENCE, "iap.jwks-uri=" + iap.jwksUri())
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(
                      new IapConfigurationFailureAnalyzer()
                          .analyze(context.getStartupFailure())
                          .getDescription())
                  .startsWith("IAP's backstop filter is not registered");
            });
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
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(IapAutoConfiguration.class))
        .withClassLoader(new FilteredClassLoader("org.springframework.security"))
        .withPropertyValues(
            "iap.audiences=" + FakeIap.DEFAULT_AUDIENCE, "iap.jwks-uri=" + iap.jwksUri())
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(
                      new IapConfigurationFailureAnalyzer()
                          .analyze(context.getStartupFailure())
                          .getDescription())
                  .startsWith("No IAP enforcement is registered");
            });
  }

  @Test
  void contextWhenAppRegistersItsOwnFilterThenStarts() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(IapAutoConfiguration.class))
        .withClassLoader(new FilteredClassLoader("org.springframework.security"))
        .withUserConfiguration(OwnFilter.class)
        .withPropertyValues(
            "iap.audiences=" + FakeIap.DEFAULT_AUDIENCE, "iap.jwks-uri=" + iap.jwksUri())
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnFilter {
    @Bean
    FilterRegistrationBean<IapFilter> mine(io.github.iapverifier.IapVerifier verifier) {
      return new FilterRegistrationBean<>(new IapFilter(verifier));
    }
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
