package io.github.iapverifier.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iapverifier.IapProxy;
import io.github.iapverifier.IapVerifier;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.test.context.ContextCustomizer;

/**
 * {@code @AutoConfigureFakeIap(proxy = ...)} through the customizer Spring's test framework
 * applies: the fake as a bean, the properties that make an app trust it, and the fake stopped with
 * the context. (The Spring Boot apps using it are tested in the starter's suite.)
 */
class AutoConfigureFakeIapProxyTest {

  @AutoConfigureFakeIap(proxy = IapProxy.AWS_ALB)
  static class AlbTest {}

  @AutoConfigureFakeIap(proxy = IapProxy.AWS_ALB, audience = "/projects/1/apps/ignored")
  static class AlbTestWithAudience {}

  @AutoConfigureFakeIap
  static class GoogleTest {}

  @Test
  void customizeContextWhenAwsAlbThenFakeBeanAndPropertiesAloneMakeAVerifierThatAcceptsItsTokens()
      throws Exception {
    FakeAwsAlb alb;
    try (GenericApplicationContext context = context(AlbTest.class)) {
      alb = context.getBean(FakeAwsAlb.class);
      Environment environment = context.getEnvironment();

      assertThat(environment.getProperty("iap.proxy")).isEqualTo("aws-alb");
      assertThat(environment.getProperty("iap.aws-alb.key-endpoint"))
          .isEqualTo(alb.keyEndpoint().toString());
      assertThat(environment.getProperty("iap.audiences")).isNull();
      try (IapVerifier verifier =
          IapVerifier.awsAlb()
              .region(environment.getRequiredProperty("iap.aws-alb.region"))
              .signers(environment.getRequiredProperty("iap.aws-alb.signers"))
              .clientIds(environment.getRequiredProperty("iap.aws-alb.client-ids"))
              .keyEndpoint(URI.create(environment.getRequiredProperty("iap.aws-alb.key-endpoint")))
              .build()) {
        assertThat(verifier.verify(alb.token().email("ana@example.com").build()).email())
            .isEqualTo("ana@example.com");
      }
    }
    URI key = URI.create(alb.keyEndpoint() + "/" + alb.currentKeyId());
    assertThatThrownBy(() -> Http.get(key)).isInstanceOf(IOException.class);
  }

  @Test
  void createContextCustomizerWhenSameProxyThenSharedContextWhenOtherProxyThenNot() {
    assertThat(customizer(AlbTest.class)).isEqualTo(customizer(AlbTestWithAudience.class));
    assertThat(customizer(AlbTest.class)).isNotEqualTo(customizer(GoogleTest.class));
  }

  private static ContextCustomizer customizer(Class<?> testClass) {
    return new FakeIapContextCustomizerFactory().createContextCustomizer(testClass, List.of());
  }

  private static GenericApplicationContext context(Class<?> testClass) {
    GenericApplicationContext context = new GenericApplicationContext();
    customizer(testClass).customizeContext(context, null);
    context.refresh();
    return context;
  }
}
