package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapKeySource;
import io.github.iapverifier.IapProxy;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.spring.proxies.TestProxies;
import io.github.iapverifier.web.IapRequestPipeline;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * {@code iap.proxy} and the proxies' groups with the context runner: each proxy gets its verifier,
 * and a setting that would not be applied, or a missing one, stops the app with the property names.
 */
class ProxySettingsTest {

  static TestProxies proxies;

  @BeforeAll
  static void start() {
    proxies = new TestProxies();
  }

  @AfterAll
  static void stop() {
    proxies.close();
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

  private WebApplicationContextRunner with(IapProxy proxy, String... more) {
    List<String> properties = new ArrayList<>(proxies.properties(proxy));
    properties.addAll(List.of(more));
    return runner.withPropertyValues(properties.toArray(String[]::new));
  }

  private static FailureAnalysis failure(AssertableWebApplicationContext context) {
    assertThat(context).hasFailed();
    FailureAnalysis analysis =
        new IapConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
    assertThat(analysis).as("failure analysis of %s", context.getStartupFailure()).isNotNull();
    return analysis;
  }

  @ParameterizedTest
  @EnumSource(names = {"CLOUDFLARE_ACCESS", "AWS_ALB", "POMERIUM"})
  void contextWhenProxyConfiguredThenItsVerifierAndPipelineReadItsHeader(IapProxy proxy) {
    with(proxy)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              IapVerifier verifier = context.getBean(IapVerifier.class);
              assertThat(verifier.proxy()).isEqualTo(proxy);
              assertThat(context.getBean(IapRequestPipeline.class).verifier()).isSameAs(verifier);
              IapIdentity ana = verifier.verify(proxies.token(proxy, "ana@example.com"));
              assertThat(ana.proxy()).isEqualTo(proxy);
              assertThat(ana.email()).isEqualTo("ana@example.com");
            });
  }

  @Test
  void authoritiesWhenPomeriumGroupsThenGroupAuthoritiesAndNoEmailGrants() {
    with(IapProxy.POMERIUM)
        .run(
            context -> {
              IapIdentity ana =
                  context
                      .getBean(IapVerifier.class)
                      .verify(proxies.token(IapProxy.POMERIUM, "ana@example.com"));
              assertThat(context.getBean(IapAuthoritiesMapper.class).authorities(ana))
                  .extracting(Object::toString)
                  .containsExactly("IAP_USER", "IAP_GROUP_admins", "IAP_GROUP_devs");
            });
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "CLOUDFLARE_ACCESS|iap.allowed-hosted-domains=example.com|iap.allowed-hosted-domains",
        "CLOUDFLARE_ACCESS|iap.required-access-levels=accessPolicies/1/accessLevels/x"
            + "|iap.required-access-levels",
        "AWS_ALB|iap.audiences=/projects/1/apps/x|iap.audiences",
        "AWS_ALB|iap.authorities.ROLE_ADMIN=ana@example.com|iap.authorities",
        "POMERIUM|iap.jwks-uri=https://example.com/keys|iap.jwks-uri",
        "POMERIUM|iap.jwks-resource=classpath:iap-keys-example.json|iap.jwks-resource",
        "POMERIUM|iap.cloudflare-access.team-domain=https://t.cloudflareaccess.com"
            + "|iap.cloudflare-access.team-domain",
        "CLOUDFLARE_ACCESS|iap.aws-alb.signers=arn|iap.aws-alb.signers",
        "AWS_ALB|iap.pomerium.algorithm=RS256|iap.pomerium.algorithm",
        // Its default value, set explicitly, is still another proxy's setting.
        "CLOUDFLARE_ACCESS|iap.pomerium.algorithm=ES256|iap.pomerium.algorithm",
      })
  void contextWhenSettingOfAnotherProxyThenFailsNamingIt(
      IapProxy proxy, String setting, String name) {
    with(proxy, setting)
        .run(
            context ->
                assertThat(failure(context).getDescription())
                    .startsWith("iap.proxy is " + proxy.configName() + ", but " + name + " is set")
                    .contains("would be silently ignored"));
  }

  @Test
  void contextWhenGoogleWithAnotherProxysGroupThenFailsNamingIt() {
    runner
        .withPropertyValues(
            "iap.audiences=/projects/1/apps/x", "iap.pomerium.route-host=app.example.com")
        .run(
            context ->
                assertThat(failure(context).getDescription())
                    .startsWith("iap.proxy is google-iap, but iap.pomerium.route-host is set"));
  }

  @Test
  void contextWhenGoogleWithPomeriumAlgorithmAtItsDefaultThenFailsNamingIt() {
    runner
        .withPropertyValues("iap.audiences=/projects/1/apps/x", "iap.pomerium.algorithm=ES256")
        .run(
            context ->
                assertThat(failure(context).getDescription())
                    .startsWith("iap.proxy is google-iap, but iap.pomerium.algorithm is set"));
  }

  @Test
  void contextWhenPomeriumAlgorithmUnsetThenEs256() {
    assertThat(proxies.pomerium.algorithm()).isEqualTo("ES256");
    runner
        .withPropertyValues(
            "iap.proxy=pomerium",
            "iap.pomerium.route-host=" + proxies.pomerium.routeHost(),
            "iap.pomerium.jwks-uri=" + proxies.pomerium.jwksUri())
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(
                      context
                          .getBean(IapVerifier.class)
                          .verify(proxies.token(IapProxy.POMERIUM, "ana@example.com"))
                          .email())
                  .isEqualTo("ana@example.com");
            });
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "cloudflare-access|iap.cloudflare-access.audiences=aud"
            + "|iap.cloudflare-access.team-domain is not set",
        "cloudflare-access|iap.cloudflare-access.team-domain=https://t.cloudflareaccess.com"
            + "|iap.cloudflare-access.audiences is not set",
        "aws-alb|iap.aws-alb.region=eu-central-1|iap.aws-alb.signers is not set",
        "pomerium|iap.pomerium.algorithm=RS256|iap.pomerium.route-host is not set",
      })
  void contextWhenRequiredSettingMissingThenFailsNamingIt(
      String proxy, String setting, String message) {
    runner
        .withPropertyValues("iap.proxy=" + proxy, setting)
        .run(
            context -> {
              FailureAnalysis analysis = failure(context);
              assertThat(analysis.getDescription()).endsWith(message + ".");
              assertThat(analysis.getAction()).startsWith("Set iap.");
            });
  }

  @Test
  void contextWhenAlbWithKeyCacheSettingsThenFailsNamingThem() {
    with(IapProxy.AWS_ALB, "iap.key-cache.max-ttl=2h", "iap.key-cache.connect-timeout=1s")
        .run(
            context ->
                assertThat(failure(context).getDescription())
                    .startsWith(
                        "iap.proxy is aws-alb, but iap.key-cache.max-ttl,"
                            + " iap.key-cache.connect-timeout are set"));
  }

  @Test
  void contextWhenCloudflareWithKeyCacheSettingsThenApplied() {
    with(IapProxy.CLOUDFLARE_ACCESS, "iap.key-cache.max-staleness=1h")
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void contextWhenAlbSignerIsNoArnThenFailsWithTheBuildersMessage() {
    runner
        .withPropertyValues("iap.proxy=aws-alb", "iap.aws-alb.signers=my-load-balancer")
        .run(
            context -> {
              FailureAnalysis analysis = failure(context);
              assertThat(analysis.getDescription()).startsWith("Invalid iap.aws-alb.* setting: ");
              assertThat(analysis.getAction()).startsWith("Set iap.aws-alb.signers");
            });
  }

  @Test
  void contextWhenBuilderCustomizerWithOtherProxyThenFails() {
    with(IapProxy.CLOUDFLARE_ACCESS)
        .withBean(IapVerifierBuilderCustomizer.class, () -> builder -> {})
        .run(
            context ->
                assertThat(failure(context).getDescription())
                    .contains("IapVerifierBuilderCustomizer beans is set"));
  }

  @Test
  void contextWhenKeySourceBeanThenUsedForTheProxy() {
    IapKeySource source = proxies.pomerium.keySource();
    runner
        .withPropertyValues(
            "iap.proxy=pomerium", "iap.pomerium.route-host=" + proxies.pomerium.routeHost())
        .withBean(IapKeySource.class, () -> source)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              IapVerifier verifier = context.getBean(IapVerifier.class);
              assertThat(verifier.keySource()).isSameAs(source);
              assertThat(
                      verifier.verify(proxies.token(IapProxy.POMERIUM, "bo@example.com")).email())
                  .isEqualTo("bo@example.com");
            });
  }

  @Test
  void contextWhenKeySourceBeanAndJwksUriThenFailsAsKeysConfiguredTwice() {
    with(IapProxy.CLOUDFLARE_ACCESS)
        .withBean(IapKeySource.class, () -> proxies.cloudflare.keySource())
        .run(
            context ->
                assertThat(failure(context).getDescription())
                    .isEqualTo(
                        "Keys are configured twice: an IapKeySource bean and"
                            + " iap.cloudflare-access.jwks-uri."));
  }
}
