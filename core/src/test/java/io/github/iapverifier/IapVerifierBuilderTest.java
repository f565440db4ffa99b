package io.github.iapverifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The builder fails fast, and says what to set, on missing, contradictory or invalid settings. */
class IapVerifierBuilderTest {

  private final TestIap iap = new TestIap();

  @Test
  void buildWhenNoAudienceThenRefusesAndSaysWhatToSet() {
    assertThatIllegalStateException()
        .isThrownBy(() -> IapVerifier.builder().keySource(iap.keySource()).build())
        .withMessageContaining("no IAP audience configured")
        .withMessageContaining("audiences(")
        .withMessageContaining("/projects/NUMBER/locations/REGION/services/NAME")
        .withMessageContaining("IapAudience.detect()");
  }

  @Test
  void buildWhenEmptyAudienceListThenRefuses() {
    assertThatIllegalStateException()
        .isThrownBy(
            () -> IapVerifier.builder().audiences(List.of()).keySource(iap.keySource()).build());
  }

  @Test
  void buildWhenKeySourceAndJwksUriThenRefuses() {
    assertThatIllegalStateException()
        .isThrownBy(
            () -> iap.verifierBuilder().jwksUri(URI.create("https://keys.example/jwk")).build())
        .withMessageContaining("keySource")
        .withMessageContaining("jwksUri");
  }

  @Test
  void buildWhenKeySourceAndRemoteKeySourceThenRefuses() {
    assertThatIllegalStateException()
        .isThrownBy(() -> iap.verifierBuilder().remoteKeySource(RemoteKeySource.builder()).build())
        .withMessageContaining("keySource")
        .withMessageContaining("remoteKeySource");
  }

  @Test
  void buildWhenNoKeySourceThenFetchesGooglesKeysLazily() {
    // Building must not touch the network: the key source is created, not warmed.
    try (IapVerifier verifier = IapVerifier.builder().audiences(TestIap.AUDIENCE).build()) {
      assertThat(verifier.keySource()).isInstanceOf(RemoteKeySource.class);
      assertThat(((RemoteKeySource) verifier.keySource()).jwksUri())
          .hasToString(RemoteKeySource.DEFAULT_JWKS_URI);
      assertThat(((RemoteKeySource) verifier.keySource()).lastFetchedAt()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT-1S", "PT5M0.001S", "PT1H"})
  void clockSkewWhenNegativeOrOverFiveMinutesThenRefused(String skew) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapVerifier.builder().clockSkew(Duration.parse(skew)))
        .withMessageContaining("clockSkew");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT0S", "PT0.5S", "PT30S", "PT5M"})
  void clockSkewWhenZeroToFiveMinutesThenAccepted(String skew) {
    assertThatCode(() -> iap.verifierBuilder().clockSkew(Duration.parse(skew)).build())
        .doesNotThrowAnyException();
  }

  @Test
  void tokenCacheSizeWhenNegativeThenRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapVerifier.builder().tokenCacheSize(-1))
        .withMessageContaining("tokenCacheSize");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "ada@example.com"})
  void allowedHostedDomainsWhenNotADomainThenRefused(String domain) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapVerifier.builder().allowedHostedDomains(domain))
        .withMessageContaining("example.com");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"corp_devices", "accessLevels/corp", "accessPolicies/x/accessLevels/corp", ""})
  void requiredAccessLevelsWhenNotAFullNameThenRefused(String level) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapVerifier.builder().requiredAccessLevels(level))
        .withMessageContaining("accessPolicies/123/accessLevels/");
  }

  @Test
  void audiencesWhenNotAnIapAudienceThenRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapVerifier.builder().audiences("my-service"))
        .withMessageContaining("my-service");
  }

  static Stream<Arguments> nullArguments() {
    return Stream.of(
        arg("audiences", b -> b.audiences((IapAudience[]) null)),
        arg("audiences", b -> b.audiences((String[]) null)),
        arg("audiences", b -> b.audiences((Collection<IapAudience>) null)),
        arg("audiences", b -> b.audiences(IapAudience.of(TestIap.AUDIENCE), null)),
        arg("audiences", b -> b.audiences(TestIap.AUDIENCE, null)),
        arg("audiences", b -> b.audiences(Arrays.asList(IapAudience.of(TestIap.AUDIENCE), null))),
        arg("domains", b -> b.allowedHostedDomains((String[]) null)),
        arg("domains", b -> b.allowedHostedDomains("example.com", null)),
        arg("levels", b -> b.requiredAccessLevels((String[]) null)),
        arg("levels", b -> b.requiredAccessLevels(Arrays.asList((String) null))),
        arg("clock", b -> b.clock(null)),
        arg("clockSkew", b -> b.clockSkew(null)),
        arg("keySource", b -> b.keySource(null)),
        arg("jwksUri", b -> b.jwksUri(null)),
        arg("remote", b -> b.remoteKeySource(null)),
        arg("listener", b -> b.eventListener(null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nullArguments")
  void builderWhenArgumentNullThenMessageNamesIt(String name, Consumer<IapVerifier.Builder> call) {
    assertThatNullPointerException()
        .isThrownBy(() -> call.accept(IapVerifier.builder()))
        .withMessageStartingWith(name);
  }

  @Test
  void buildWhenBuilderChangedAfterwardsThenVerifierUnaffected() {
    IapVerifier.Builder builder = iap.verifierBuilder();
    IapVerifier verifier = builder.build();
    builder
        .audiences(TestIap.OTHER_AUDIENCE)
        .clock(Clock.systemUTC())
        .requiredAccessLevels("accessPolicies/1/accessLevels/corp");

    assertThat(verifier.audiences()).containsExactly(IapAudience.of(TestIap.AUDIENCE));
    assertThat(verifier.verify(iap.token()).email()).isEqualTo(TestIap.EMAIL);
  }

  @Test
  void audiencesWhenReadThenUnmodifiable() {
    List<IapAudience> audiences = iap.verifier().audiences();
    assertThat(audiences).containsExactly(IapAudience.of(TestIap.AUDIENCE));
    assertThat(audiences).isUnmodifiable();
  }

  @Test
  void closeWhenKeySourceGivenThenLeftToItsOwner() {
    class OwnedKeySource implements IapKeySource, AutoCloseable {
      boolean closed;

      @Override
      public IapSigningKey key(String keyId) {
        return null;
      }

      @Override
      public void close() {
        closed = true;
      }
    }
    OwnedKeySource keys = new OwnedKeySource();
    IapVerifier verifier = iap.verifierBuilder().keySource(keys).build();
    verifier.close();

    assertThat(verifier.keySource()).isSameAs(keys);
    assertThat(keys.closed).isFalse();
  }

  private static Arguments arg(String name, Consumer<IapVerifier.Builder> call) {
    return Arguments.of(name, call);
  }
}
