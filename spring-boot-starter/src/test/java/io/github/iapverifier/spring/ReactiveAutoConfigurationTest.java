package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.test.FakeIap;
import io.github.iapverifier.web.IapRequestPipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.SpringSecurityCoreVersion;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

/**
 * The reactive auto-configurations in isolation: every class-path combination of Spring Security
 * gets the {@link IapWebFilter}, the security integration exactly when both halves are present,
 * back-off, and the start-up check of the app's own chains.
 */
class ReactiveAutoConfigurationTest {

  static FakeIap iap;

  @BeforeAll
  static void startFake() {
    iap = FakeIap.start();
  }

  @AfterAll
  static void stopFake() {
    iap.close();
  }

  private final ReactiveWebApplicationContextRunner runner =
      new ReactiveWebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  IapAutoConfiguration.class,
                  IapServletFilterAutoConfiguration.class,
                  IapWebSecurityAutoConfiguration.class,
                  IapWebFluxAutoConfiguration.class,
                  IapReactiveSecurityAutoConfiguration.class,
                  IapActuatorAutoConfiguration.class))
          .withPropertyValues(
              "iap.audiences=" + FakeIap.DEFAULT_AUDIENCE, "iap.jwks-uri=" + iap.jwksUri());

  @Test
  void contextWhenSecurityConfigAndWebThenFilterAndDefaultChain() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).hasSingleBean(IapWebFilter.class);
          assertThat(context).hasSingleBean(IapServerSecurityCustomizer.class);
          assertThat(context).hasBean("iapSecurityWebFilterChain");
          assertThat(context).hasSingleBean(ReactiveAuthenticationManager.class);
          // Never the servlet side's beans in a reactive app.
          assertThat(context).doesNotHaveBean("iapFilterRegistration");
          assertThat(context).doesNotHaveBean("iapSecurityFilterChain");
        });
  }

  @Test
  void contextWhenWebFilterAutoConfigurationLeftOutThenRefusesToStart() {
    new ReactiveWebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(IapAutoConfiguration.class))
        .withPropertyValues(
            "iap.audiences=" + FakeIap.DEFAULT_AUDIENCE, "iap.jwks-uri=" + iap.jwksUri())
        .run(
            context -> {
              assertThat(context).hasFailed();
              FailureAnalysis analysis =
                  new IapConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
              assertThat(analysis.getDescription())
                  .startsWith("No IAP enforcement is registered: no IapWebFilter bean");
              assertThat(analysis.getAction())
                  .contains("IapWebFluxAutoConfiguration")
                  .contains("iap.require-enforcement=false");
            });
  }

  @Test
  void contextWhenWebFilterAutoConfigurationLeftOutAndOptedOutThenStarts() {
    new ReactiveWebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(IapAutoConfiguration.class))
        .withPropertyValues(
            "iap.audiences=" + FakeIap.DEFAULT_AUDIENCE,
            "iap.jwks-uri=" + iap.jwksUri(),
            "iap.require-enforcement=false")
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void contextWhenNoSpringSecurityThenFilterOnly() {
    runner
        .withClassLoader(new FilteredClassLoader("org.springframework.security"))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(IapWebFilter.class);
              assertThat(context).doesNotHaveBean("iapServerSecurityCustomizer");
            });
  }

  @Test
  void contextWhenSecurityWebWithoutConfigThenFilterOnly() {
    runner
        .withClassLoader(new FilteredClassLoader("org.springframework.security.config"))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(IapWebFilter.class);
              assertThat(context).doesNotHaveBean("iapServerSecurityCustomizer");
            });
  }

  @Test
  void contextWhenSecurityConfigWithoutWebThenFilterOnly() {
    runner
        .withClassLoader(new FilteredClassLoader("org.springframework.security.web"))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(IapWebFilter.class);
              assertThat(context).doesNotHaveBean("iapServerSecurityCustomizer");
            });
  }

  @Test
  void contextWhenUserFilterThenBacksOff() {
    runner
        .withUserConfiguration(UserFilter.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(IapWebFilter.class);
              assertThat(context).hasBean("myIapWebFilter");
            });
  }

  @Test
  void contextWhenOwnChainAppliesCustomizerThenNoDefaultChain() {
    runner
        .withUserConfiguration(OwnChain.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(SecurityWebFilterChain.class);
              assertThat(context).hasBean("appChain");
            });
  }

  @Test
  void contextWhenNoChainAppliesCustomizerThenFailsNamingChainAndCustomizer() {
    runner
        .withUserConfiguration(NarrowChain.class)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(rootCause(context.getStartupFailure()))
                  .isInstanceOf(IapConfigurationException.class)
                  .hasMessageContaining("webhookChain");
              assertThat(((IapConfigurationException) rootCause(context.getStartupFailure())).action())
                  .contains("IapServerSecurityCustomizer");
            });
  }

  @Test
  void contextWhenChainForgetsCustomizerThenAppliedBySecurity7OrRefusedOnBoot35() {
    boolean security7 = SpringSecurityCoreVersion.getVersion().startsWith("7.");
    runner
        .withUserConfiguration(ForgetfulChain.class)
        .run(
            context -> {
              if (security7) {
                // Spring Security 7 applies Customizer<ServerHttpSecurity> beans to every chain.
                assertThat(context).hasNotFailed();
                assertThat(
                        context
                            .getBean("forgetfulChain", SecurityWebFilterChain.class)
                            .getWebFilters()
                            .filter(IapServerSecurityCustomizer::isIapFilter)
                            .count()
                            .block())
                    .isEqualTo(1);
              } else {
                assertThat(context).hasFailed();
                assertThat(rootCause(context.getStartupFailure()))
                    .hasMessageContaining("forgetfulChain");
              }
            });
  }

  @Test
  void contextWhenOwnChainAlsoCallsCustomizerThenOneIapFilter() {
    runner
        .withUserConfiguration(OwnChain.class)
        .run(
            context ->
                assertThat(
                        context
                            .getBean("appChain", SecurityWebFilterChain.class)
                            .getWebFilters()
                            .filter(IapServerSecurityCustomizer::isIapFilter)
                            .count()
                            .block())
                    .isEqualTo(1));
  }

  @Test
  void contextWhenDisabledThenNothingRegistered() {
    runner
        .withPropertyValues("iap.enabled=false")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(IapVerifier.class);
              assertThat(context).doesNotHaveBean(IapWebFilter.class);
            });
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  @Configuration(proxyBeanMethods = false)
  static class UserFilter {
    @Bean
    IapWebFilter myIapWebFilter(IapVerifier verifier) {
      return IapWebFilter.of(IapRequestPipeline.builder().build(verifier));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableWebFluxSecurity
  static class OwnChain {
    @Bean
    SecurityWebFilterChain appChain(ServerHttpSecurity http, IapServerSecurityCustomizer iap) {
      iap.customize(http);
      return http.authorizeExchange(a -> a.anyExchange().authenticated()).build();
    }
  }

  /** A chain built without the injected ServerHttpSecurity, so without any customizer bean. */
  @Configuration(proxyBeanMethods = false)
  @EnableWebFluxSecurity
  static class NarrowChain {
    @Bean
    SecurityWebFilterChain webhookChain() {
      return ServerHttpSecurity.http()
          .securityMatcher(ServerWebExchangeMatchers.pathMatchers("/webhook/**"))
          .authorizeExchange(a -> a.anyExchange().permitAll())
          .build();
    }
  }

  /** A chain built from the injected ServerHttpSecurity that never calls the customizer. */
  @Configuration(proxyBeanMethods = false)
  @EnableWebFluxSecurity
  static class ForgetfulChain {
    @Bean
    SecurityWebFilterChain forgetfulChain(ServerHttpSecurity http) {
      return http.authorizeExchange(a -> a.anyExchange().authenticated()).build();
    }
  }
}
