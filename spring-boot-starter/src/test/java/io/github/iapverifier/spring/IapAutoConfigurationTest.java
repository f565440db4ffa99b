package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.RemoteKeySource;
import io.github.iapverifier.servlet.IapFilter;
import io.github.iapverifier.servlet.IapServletPipeline;
import io.github.iapverifier.test.FakeIap;
import io.github.iapverifier.web.IapProblem;
import io.github.iapverifier.web.IapRequestPipeline;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.event.Level;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.util.ClassUtils;

/** The auto-configurations in isolation, with Spring Boot's context runner. */
@ExtendWith(OutputCaptureExtension.class)
class IapAutoConfigurationTest {

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
                  IapWebSecurityAutoConfiguration.class,
                  IapActuatorAutoConfiguration.class,
                  IapBoot35HealthAutoConfiguration.class));

  private WebApplicationContextRunner configured() {
    return runner.withPropertyValues(
        "iap.audiences=" + FakeIap.DEFAULT_AUDIENCE, "iap.jwks-uri=" + iap.jwksUri());
  }

  @Test
  void contextWhenAudienceSetThenBeansWithDefaultsAndKeysLoaded() {
    int fetchesBefore = iap.jwksRequests();
    configured()
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(IapVerifier.class);
              assertThat(context).hasSingleBean(IapAuthoritiesMapper.class);
              assertThat(context).hasSingleBean(SecurityFilterChain.class);
              assertThat(context).hasBean("iapSecurityFilterChain");
              // Spring Security does the job: never the servlet filter as well.
              assertThat(context).doesNotHaveBean("iapFilterRegistration");

              IapProperties properties = context.getBean(IapProperties.class);
              assertThat(properties.isEnabled()).isTrue();
              assertThat(properties.getClockSkew()).isEqualTo(Duration.ofSeconds(30));
              assertThat(properties.getTokenCache().getMaxSize()).isEqualTo(10_000);
              assertThat(properties.getKeyCache().getMaxStaleness())
                  .isEqualTo(Duration.ofHours(24));
              assertThat(properties.getExcludedPaths()).isEmpty();

              IapVerifier verifier = context.getBean(IapVerifier.class);
              assertThat(verifier.audiences())
                  .extracting(Object::toString)
                  .containsExactly(FakeIap.DEFAULT_AUDIENCE);
              assertThat(((RemoteKeySource) verifier.keySource()).jwksUri())
                  .isEqualTo(iap.jwksUri());
              // Warmed at start-up: keys fetched before any request.
              assertThat(iap.jwksRequests()).isGreaterThan(fetchesBefore);
              assertThat(((RemoteKeySource) verifier.keySource()).hasUsableKeys()).isTrue();

              IapIdentity who = verifier.verify(iap.token().email("ana@example.com").build());
              assertThat(context.getBean(IapAuthoritiesMapper.class).authorities(who))
                  .extracting(Object::toString)
                  .containsExactly("IAP_USER", "IAP_DOMAIN_example.com");
            });
  }

  @Test
  void pipelineWhenDefaultsThenTerseDetailAndDefaultLevels() {
    configured()
        .run(
            context -> {
              IapRequestPipeline pipeline = context.getBean(IapRequestPipeline.class);
              assertThat(pipeline.verifier()).isSameAs(context.getBean(IapVerifier.class));
              assertThat(pipeline.rejectionLogLevel(Reason.MISSING)).isEqualTo(Level.INFO);
              assertThat(pipeline.rejectionLogLevel(Reason.POLICY_DENIED)).isEqualTo(Level.WARN);
              assertThat(rejectWrongAudience(pipeline).bodyText())
                  .contains(IapProblem.detail(Reason.WRONG_AUDIENCE))
                  .doesNotContain("/projects/1/apps/x");
            });
  }

  /** Finding 6 of issue 12: the actionable message reaches clients only when an operator asks. */
  @Test
  void pipelineWhenWebPropertiesSetThenApplied() {
    configured()
        .withPropertyValues(
            "iap.include-rejection-message=true",
            "iap.rejection-log-level.MISSING=debug",
            "iap.rejection-log-level.policy-denied=error",
            "iap.allow-cors-preflight=true",
            "iap.excluded-paths=/healthz")
        .run(
            context -> {
              IapRequestPipeline pipeline = context.getBean(IapRequestPipeline.class);
              assertThat(pipeline.rejectionLogLevel(Reason.MISSING)).isEqualTo(Level.DEBUG);
              assertThat(pipeline.rejectionLogLevel(Reason.POLICY_DENIED)).isEqualTo(Level.ERROR);
              assertThat(pipeline.toString())
                  .contains("excludedPaths=[/healthz]")
                  .contains("corsPreflight=exempt");
              assertThat(rejectWrongAudience(pipeline).bodyText())
                  .contains("audience /projects/1/apps/x is not one of");
            });
  }

  private static IapProblem rejectWrongAudience(IapRequestPipeline pipeline) {
    return new IapServletPipeline(pipeline)
        .reject(
            new MockHttpServletRequest("GET", "/hello"),
            new IapVerificationException(
                Reason.WRONG_AUDIENCE, "audience /projects/1/apps/x is not one of [...]"));
  }

  @Test
  void contextWhenClosedThenVerifierClosedAndKeyThreadGone() {
    Set<Thread> before = keyThreads();
    Set<Thread> started = new java.util.HashSet<>();
    configured()
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              started.addAll(keyThreads());
              started.removeAll(before);
            });
    assertThat(started).as("the verifier's key refresh thread").hasSize(1);
    Thread thread = started.iterator().next();
    await("the key refresh thread ends")
        .atMost(Duration.ofSeconds(30))
        .until(() -> !thread.isAlive());
  }

  private static Set<Thread> keyThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("iap-verifier-keys") && t.isAlive())
        .collect(Collectors.toSet());
  }

  @Test
  void contextWhenUserBeansThenBacksOff() {
    try (IapVerifier own = iap.verifierBuilder().build()) {
      IapAuthoritiesMapper mapper = identity -> List.of();
      runner
          .withBean(IapVerifier.class, () -> own)
          .withBean(IapAuthoritiesMapper.class, () -> mapper)
          .withUserConfiguration(OwnChain.class)
          .run(
              context -> {
                // No iap.audiences: nothing to detect either, since the app brings its verifier.
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(IapVerifier.class)).isSameAs(own);
                assertThat(context.getBean(IapAuthoritiesMapper.class)).isSameAs(mapper);
                assertThat(context).hasSingleBean(SecurityFilterChain.class);
                assertThat(context).doesNotHaveBean("iapSecurityFilterChain");
              });
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableWebSecurity
  static class OwnChain {
    @Bean
    SecurityFilterChain own(HttpSecurity http) throws Exception {
      return http.with(IapConfigurer.iap(), Customizer.withDefaults()).build();
    }
  }

  @Test
  void contextWhenNoSpringSecurityThenPlainServletFilter() {
    configured()
        .withPropertyValues("iap.excluded-paths=/healthz")
        .withClassLoader(new FilteredClassLoader("org.springframework.security"))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(IapVerifier.class);
              assertThat(context).doesNotHaveBean(IapAuthoritiesMapper.class);
              assertThat(context).doesNotHaveBean("iapSecurityFilterChain");
              FilterRegistrationBean<?> registration =
                  context.getBean("iapFilterRegistration", FilterRegistrationBean.class);
              assertThat(registration.getFilter()).isInstanceOf(IapFilter.class);
              assertThat(registration.getUrlPatterns()).containsExactly("/*");
              assertThat(registration.getOrder())
                  .isEqualTo(IapServletFilterAutoConfiguration.FILTER_ORDER);
              assertThat(registration.getFilter().toString())
                  .contains("excludedPaths=[/healthz]")
                  .contains(FakeIap.DEFAULT_AUDIENCE);
            });
  }

  @Test
  void contextWhenUserFilterRegistrationThenBacksOff() {
    configured()
        .withClassLoader(new FilteredClassLoader("org.springframework.security"))
        .withUserConfiguration(OwnFilter.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean("iapFilterRegistration");
              assertThat(context).hasBean("ownIapFilter");
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnFilter {
    @Bean
    FilterRegistrationBean<IapFilter> ownIapFilter(IapVerifier verifier) {
      return IapServletFilterAutoConfiguration.registration(new IapFilter(verifier));
    }
  }

  @Test
  void contextWhenNoAudienceAndNoneDetectableThenFailsWithActionableAnalysis() {
    runner.run(
        context -> {
          assertThat(context).hasFailed();
          FailureAnalysis analysis =
              new IapConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
          assertThat(analysis).isNotNull();
          assertThat(analysis.getDescription())
              .startsWith("No IAP audience is configured (iap.audiences is empty)")
              .contains("cannot detect the IAP audience");
          assertThat(analysis.getAction())
              .contains("Set iap.audiences")
              .contains("/projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID");
        });
  }

  @Test
  void applicationWhenNoAudienceThenStartupFailureReportedByAnalyzer(CapturedOutput output) {
    SpringApplicationBuilder app =
        new SpringApplicationBuilder(VerifierOnly.class).web(WebApplicationType.NONE);

    assertThatThrownBy(app::run).hasRootCauseInstanceOf(IllegalStateException.class);
    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains("No IAP audience is configured")
        .contains("Set iap.audiences to this app's audience");
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(IapAutoConfiguration.class)
  static class VerifierOnly {}

  @Test
  void contextWhenAudienceMalformedThenFailureNamesProperty() {
    runner
        .withPropertyValues("iap.audiences=/projects/1/apps/x,billing")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(
                      new IapConfigurationFailureAnalyzer()
                          .analyze(context.getStartupFailure())
                          .getDescription())
                  .startsWith("iap.audiences[0] is invalid");
            });
  }

  @Test
  void contextWhenStaticGrantMalformedThenFailureNamesProperty() {
    configured()
        .withPropertyValues("iap.authorities.ROLE_ADMIN=alice")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(
                      new IapConfigurationFailureAnalyzer()
                          .analyze(context.getStartupFailure())
                          .getDescription())
                  .contains("iap.authorities.ROLE_ADMIN: 'alice' is neither an email");
            });
  }

  @Test
  void contextWhenWholeAppExcludedThenFails() {
    configured()
        .withPropertyValues("iap.excluded-paths=/**")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(
                      new IapConfigurationFailureAnalyzer()
                          .analyze(context.getStartupFailure())
                          .getDescription())
                  .contains("'/**' would exempt the whole application");
            });
  }

  @Test
  void contextWhenDisabledThenNothingRegistered() {
    runner
        .withPropertyValues("iap.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(IapVerifier.class);
              assertThat(context).doesNotHaveBean(IapProperties.class);
              assertThat(context).doesNotHaveBean(IapAuthoritiesMapper.class);
              assertThat(context).doesNotHaveBean(SecurityFilterChain.class);
              assertThat(context).doesNotHaveBean(IapActuatorAutoConfiguration.HEALTH_BEAN);
              assertThat(context).doesNotHaveBean("iapFilterRegistration");
            });
  }

  @Test
  void healthWhenActuatorPresentThenContributorOfTheRunningBootVersion() {
    configured()
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Class<?> indicatorType = runningBootHealthIndicator();
              // Found by type before it is created: how Actuator collects contributors.
              assertThat(context.getBeanNamesForType(indicatorType))
                  .contains(IapActuatorAutoConfiguration.HEALTH_BEAN);
              Object indicator = context.getBean(IapActuatorAutoConfiguration.HEALTH_BEAN);
              assertThat(indicator).isInstanceOf(indicatorType);
              Object health = indicatorType.getMethod("health").invoke(indicator);
              assertThat(health.getClass().getMethod("getStatus").invoke(health)).hasToString("UP");
            });
  }

  @Test
  void healthWhenTurnedOffThenNoContributor() {
    configured()
        .withPropertyValues("management.health.iap.enabled=false")
        .run(
            context ->
                assertThat(context).doesNotHaveBean(IapActuatorAutoConfiguration.HEALTH_BEAN));
  }

  static Class<?> runningBootHealthIndicator() {
    String boot4 = "org.springframework.boot.health.contributor.HealthIndicator";
    String boot35 = "org.springframework.boot.actuate.health.HealthIndicator";
    ClassLoader loader = IapAutoConfigurationTest.class.getClassLoader();
    return ClassUtils.resolveClassName(
        ClassUtils.isPresent(boot4, loader) ? boot4 : boot35, loader);
  }

  @Test
  void warmUpWhenKeyEndpointDownThenStartsAnyway() {
    try (FakeIap down = FakeIap.start()) {
      down.simulateOutage(true);
      runner
          .withPropertyValues(
              "iap.audiences=" + FakeIap.DEFAULT_AUDIENCE,
              "iap.jwks-uri=" + down.jwksUri(),
              "iap.key-cache.request-timeout=1s")
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                assertThat(
                        ((RemoteKeySource) context.getBean(IapVerifier.class).keySource())
                            .hasUsableKeys())
                    .isFalse();
              });
    }
  }
}
