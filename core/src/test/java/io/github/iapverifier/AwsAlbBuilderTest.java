package io.github.iapverifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link AwsAlbBuilder}: fails fast on missing or contradictory settings, derives the rest. */
class AwsAlbBuilderTest {

  static final String FRANKFURT =
      "arn:aws:elasticloadbalancing:eu-central-1:197280958225:loadbalancer/app/ecs-with-cognito-lb/6284be65b827c598";
  static final String GOV_WEST =
      "arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:123456789012:loadbalancer/app/x/50dc6c495c0c9188";

  static URI keyUri(IapVerifier verifier) {
    return verifier.keySource().status().uri().orElseThrow();
  }

  @Test
  void buildWhenNoSignerThenFailsNamingSigners() {
    assertThatIllegalStateException()
        .isThrownBy(() -> IapVerifier.awsAlb().region("eu-central-1").build())
        .withMessageContaining("signers");
  }

  @Test
  void buildWhenOnlySignersThenRegionAndKeyEndpointFromTheirArn() {
    try (IapVerifier verifier = IapVerifier.awsAlb().signers(FRANKFURT).build()) {
      assertThat(keyUri(verifier))
          .isEqualTo(URI.create("https://public-keys.auth.elb.eu-central-1.amazonaws.com"));
      assertThat(verifier.proxy()).isEqualTo(IapProxy.AWS_ALB);
      assertThat(verifier.header()).isEqualTo("x-amzn-oidc-data");
    }
  }

  @Test
  void buildWhenGovCloudThenAwsS3KeyEndpoint() {
    try (IapVerifier verifier = IapVerifier.awsAlb().signers(GOV_WEST).build()) {
      assertThat(keyUri(verifier))
          .isEqualTo(
              URI.create(
                  "https://s3-us-gov-west-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-west-1"));
    }
  }

  @Test
  void buildWhenKeyEndpointSetThenItWins() {
    URI mirror = URI.create("https://keys.example.com/alb");
    try (IapVerifier verifier =
        IapVerifier.awsAlb().signers(FRANKFURT).keyEndpoint(mirror).build()) {
      assertThat(keyUri(verifier)).isEqualTo(mirror);
    }
  }

  @Test
  void buildWhenKeyEndpointHasTrailingSlashThenRemoved() {
    try (IapVerifier verifier =
        IapVerifier.awsAlb()
            .signers(FRANKFURT)
            .keyEndpoint(URI.create("https://keys.example.com/alb/"))
            .build()) {
      assertThat(keyUri(verifier)).isEqualTo(URI.create("https://keys.example.com/alb"));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ftp://keys.example.com",
        "https://user:pw@keys.example.com",
        "https://keys.example.com/?kid=",
        "https://keys.example.com/#x",
        "/relative"
      })
  void keyEndpointWhenNotAPlainHttpBaseThenRejected(String uri) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapVerifier.awsAlb().keyEndpoint(URI.create(uri)))
        .withMessageContaining("keyEndpoint")
        .withMessageNotContaining("pw");
  }

  @Test
  void buildWhenSignersOfSeveralRegionsWithoutRegionThenFails() {
    String ireland = FRANKFURT.replace("eu-central-1", "eu-west-1");
    assertThatIllegalStateException()
        .isThrownBy(() -> IapVerifier.awsAlb().signers(FRANKFURT, ireland).build())
        .withMessageContaining("region");
  }

  @Test
  void buildWhenSignerOutsideConfiguredRegionThenFails() {
    assertThatIllegalStateException()
        .isThrownBy(() -> IapVerifier.awsAlb().region("eu-west-1").signers(FRANKFURT).build())
        .withMessageContaining("eu-west-1")
        .withMessageContaining("eu-central-1");
  }

  @Test
  void buildWhenSignerOutsideRegionButKeyEndpointSetThenAccepted() {
    try (IapVerifier verifier =
        IapVerifier.awsAlb()
            .region("eu-west-1")
            .keyEndpoint(URI.create("https://keys.example.com"))
            .signers(FRANKFURT)
            .build()) {
      assertThat(verifier.proxy()).isEqualTo(IapProxy.AWS_ALB);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "eu_central_1", "EU-CENTRAL-1", "eu-central", "europe", "eu-central-1/x"})
  void regionWhenNotARegionThenRejected(String region) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapVerifier.awsAlb().region(region))
        .withMessageContaining("region");
  }

  @Test
  void buildWhenChinaRegionWithoutKeyEndpointThenFails() {
    String beijing =
        "arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:loadbalancer/app/x/50dc6c495c0c9188";
    assertThatIllegalStateException()
        .isThrownBy(() -> IapVerifier.awsAlb().signers(beijing).build())
        .withMessageContaining("keyEndpoint");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "my-alb",
        "arn:aws:elasticloadbalancing:eu-central-1:197280958225:loadbalancer/net/x/6284be65b827c598",
        "arn:aws:elasticloadbalancing:eu-central-1:1972809582:loadbalancer/app/x/6284be65b827c598",
        "arn:aws:iam::197280958225:role/x",
        "arn:aws:elasticloadbalancing:eu-central-1:197280958225:loadbalancer/app/x/6284be65b827c598"
            + " "
      })
  void signersWhenNotAnAlbArnThenRejected(String arn) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapVerifier.awsAlb().signers(arn))
        .withMessageContaining("signers");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "two words", "tab\tid"})
  void clientIdsWhenNotAClientIdThenRejected(String client) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapVerifier.awsAlb().clientIds(client))
        .withMessageContaining("clientIds");
  }

  @Test
  void settersWhenNullThenNullPointerNamingTheSetting() {
    assertThatNullPointerException()
        .isThrownBy(() -> IapVerifier.awsAlb().signers((String) null))
        .withMessageContaining("signers");
    assertThatNullPointerException()
        .isThrownBy(() -> IapVerifier.awsAlb().region(null))
        .withMessageContaining("region");
    assertThatNullPointerException()
        .isThrownBy(() -> IapVerifier.awsAlb().issuers((String[]) null))
        .withMessageContaining("issuers");
  }

  @Test
  void buildWhenKeySourceAndKeyEndpointThenFails() {
    assertThatIllegalStateException()
        .isThrownBy(
            () ->
                IapVerifier.awsAlb()
                    .signers(FRANKFURT)
                    .keySource(keyId -> null)
                    .keyEndpoint(URI.create("https://keys.example.com"))
                    .build())
        .withMessageContaining("keySource");
  }

  @Test
  void buildWhenRemoteKeySourceThenFailsSayingAlbKeysArePerKid() {
    assertThatIllegalStateException()
        .isThrownBy(
            () ->
                IapVerifier.awsAlb()
                    .signers(FRANKFURT)
                    .remoteKeySource(RemoteKeySource.builder())
                    .build())
        .withMessageContaining("keyEndpoint");
  }

  @Test
  void statusWhenNothingFetchedYetThenUsableWithoutFetch() {
    try (IapVerifier verifier = IapVerifier.awsAlb().signers(FRANKFURT).build()) {
      verifier.warmUp();
      assertThat(verifier.keySource().status().usable()).isTrue();
      assertThat(verifier.keySource().status().fetchedAt()).isEmpty();
    }
  }
}
