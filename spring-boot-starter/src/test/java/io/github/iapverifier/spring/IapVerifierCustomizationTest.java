package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapAudience;
import io.github.iapverifier.IapKeySource;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.RemoteKeySource;
import io.github.iapverifier.test.FakeIap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.annotation.Order;

/**
 * {@link IapVerifierBuilderCustomizer} beans, {@code iap.jwks-resource} and an app's key source.
 */
class IapVerifierCustomizationTest {

  static FakeIap iap;

  @BeforeAll
  static void startFake() {
    iap = FakeIap.start();
  }

  @AfterAll
  static void stopFake() {
    iap.close();
  }

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(IapAutoConfiguration.class))
          .withPropertyValues("iap.audiences=" + FakeIap.DEFAULT_AUDIENCE);

  @Test
  void customizersWhenSeveralThenAppliedInOrderAfterTheProperties() {
    List<String> calls = new ArrayList<>();
    runner
        .withPropertyValues("iap.jwks-uri=" + iap.jwksUri())
        .withBean("late", IapVerifierBuilderCustomizer.class, () -> new Late(calls))
        .withBean("early", IapVerifierBuilderCustomizer.class, () -> new Early(calls))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(calls).containsExactly("early", "late");
              // The builder adds audiences: the order shows properties first, then customizers.
              assertThat(context.getBean(IapVerifier.class).audiences())
                  .containsExactly(
                      IapAudience.of(FakeIap.DEFAULT_AUDIENCE),
                      IapAudience.of("/projects/1/apps/early-app"),
                      IapAudience.of("/projects/2/apps/late-app"));
            });
  }

  @Order(1)
  record Early(List<String> calls) implements IapVerifierBuilderCustomizer {
    @Override
    public void customize(IapVerifier.Builder builder) {
      calls.add("early");
      builder.audiences("/projects/1/apps/early-app");
    }
  }

  @Order(2)
  record Late(List<String> calls) implements IapVerifierBuilderCustomizer {
    @Override
    public void customize(IapVerifier.Builder builder) {
      calls.add("late");
      builder.audiences("/projects/2/apps/late-app");
    }
  }

  @Test
  void jwksResourceWhenSetThenVerifiesWithThoseKeysAndFetchesNothing(@TempDir Path dir)
      throws Exception {
    Path keys = Files.writeString(dir.resolve("iap-keys.json"), iap.jwksJson());
    int fetchesBefore = iap.jwksRequests();

    runner
        .withPropertyValues("iap.jwks-resource=" + keys.toUri())
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              IapVerifier verifier = context.getBean(IapVerifier.class);
              assertThat(verifier.keySource()).isNotInstanceOf(RemoteKeySource.class);
              assertThat(verifier.verify(iap.token().email("ana@example.com").build()).email())
                  .isEqualTo("ana@example.com");
            });
    assertThat(iap.jwksRequests()).isEqualTo(fetchesBefore);
  }

  @Test
  void jwksResourceWhenOnTheClassPathThenRead() {
    // A JWKS whose key is not FakeIap's: read and used, so FakeIap's tokens are rejected.
    runner
        .withPropertyValues("iap.jwks-resource=classpath:iap-keys-example.json")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              IapKeySource keys = context.getBean(IapVerifier.class).keySource();
              assertThat(keys.key("example-key-1")).isNotNull();
              assertThat(keys.key(iap.currentKeyId())).isNull();
            });
  }

  @Test
  void jwksResourceWhenAlsoJwksUriThenStartFailsNamingBoth(@TempDir Path dir) throws Exception {
    Path keys = Files.writeString(dir.resolve("iap-keys.json"), iap.jwksJson());

    runner
        .withPropertyValues("iap.jwks-resource=" + keys.toUri(), "iap.jwks-uri=" + iap.jwksUri())
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .isInstanceOf(IapConfigurationException.class)
                    .hasMessageContaining("iap.jwks-resource and iap.jwks-uri"));
  }

  @Test
  void jwksResourceWhenMissingThenStartFailsNamingIt() {
    runner
        .withPropertyValues("iap.jwks-resource=classpath:no-such-keys.json")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining(
                        "iap.jwks-resource class path resource [no-such-keys.json] cannot be"
                            + " read"));
  }

  @Test
  void jwksResourceWhenNotAKeySetThenStartFailsSayingWhat(@TempDir Path dir) throws Exception {
    Path keys = Files.writeString(dir.resolve("iap-keys.json"), "{\"keys\": []}");

    runner
        .withPropertyValues("iap.jwks-resource=" + keys.toUri())
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("is not a usable JWKS: the JWKS holds no usable key"));
  }

  @Test
  void keySourceBeanWhenDefinedThenUsedInsteadOfFetching() {
    IapKeySource own = iap.keySource();

    runner
        .withBean(IapKeySource.class, () -> own)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(IapVerifier.class).keySource()).isSameAs(own);
            });
  }

  @Test
  void keySourceBeanWhenAlsoJwksResourceThenStartFails(@TempDir Path dir) throws Exception {
    Path keys = Files.writeString(dir.resolve("iap-keys.json"), iap.jwksJson());

    runner
        .withBean(IapKeySource.class, iap::keySource)
        .withPropertyValues("iap.jwks-resource=" + keys.toUri())
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("an IapKeySource bean and iap.jwks-resource"));
  }
}
