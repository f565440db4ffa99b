package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.test.FakeIap;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

/**
 * A reactive app refuses to start until the reactive adapter exists (finding 8 of issue 12: it
 * started, reported {@code iap} UP and protected nothing).
 */
class IapReactiveRefusalTest {

  @Test
  void contextWhenReactiveWebAppThenRefusesToStartSayingWhy() {
    new ReactiveWebApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                IapAutoConfiguration.class,
                IapServletFilterAutoConfiguration.class,
                IapWebSecurityAutoConfiguration.class,
                IapReactiveAutoConfiguration.class))
        .withPropertyValues(
            "iap.audiences=" + FakeIap.DEFAULT_AUDIENCE, "iap.jwks-uri=http://127.0.0.1:9/keys")
        .run(
            context -> {
              assertThat(context).hasFailed();
              FailureAnalysis analysis =
                  new IapConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
              assertThat(analysis.getDescription())
                  .contains("cannot protect a reactive (WebFlux) application yet");
              assertThat(analysis.getAction()).contains("iap.enabled=false");
            });
  }

  @Test
  void contextWhenReactiveWebAppAndIapDisabledThenStarts() {
    new ReactiveWebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(IapReactiveAutoConfiguration.class))
        .withPropertyValues("iap.enabled=false")
        .run(context -> assertThat(context).hasNotFailed());
  }
}
