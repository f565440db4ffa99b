package io.github.iapverifier.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.iapverifier.IapAudience;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Detection against WireMock playing the metadata server. */
class AudienceDetectorTest {

  /** Far beyond what WireMock takes to answer, even on a loaded machine. */
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @RegisterExtension
  static WireMockExtension metadata =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  /** The first request in a JVM loads the HTTP client and WireMock's matching; not under test. */
  @BeforeAll
  static void warmUpJvm() {
    serve("/computeMetadata/v1/project/numeric-project-id", "1");
    Map<String, String> env = Map.of("K_SERVICE", "x", "GCE_METADATA_HOST", "localhost:" + metadata.getPort());
    try {
      new AudienceDetector(env, AudienceDetector.newClient(Duration.ofSeconds(30)), Duration.ofSeconds(30)).detect();
    } catch (IllegalStateException expected) {
      // no region stubbed
    }
    metadata.resetAll();
  }

  private final Map<String, String> env = new HashMap<>();

  private AudienceDetector detector() {
    return detector(TIMEOUT);
  }

  private AudienceDetector detector(Duration timeout) {
    env.putIfAbsent("GCE_METADATA_HOST", "localhost:" + metadata.getPort());
    return new AudienceDetector(env, AudienceDetector.newClient(timeout), timeout);
  }

  /** Answers only requests that carry the header the real metadata server requires. */
  private static void serve(String path, String body) {
    metadata.stubFor(
        get(urlEqualTo(path))
            .withHeader("Metadata-Flavor", equalTo("Google"))
            .willReturn(aResponse().withHeader("Metadata-Flavor", "Google").withBody(body)));
  }

  private static void serveProject() {
    serve("/computeMetadata/v1/project/numeric-project-id", "123456789012");
    serve("/computeMetadata/v1/project/project-id", "my-project");
    serve("/computeMetadata/v1/instance/region", "projects/123456789012/regions/europe-west1");
  }

  private IllegalStateException detectFails() {
    IllegalStateException e = catchThrowableOfType(IllegalStateException.class, detector()::detect);
    assertThat(e).as("detection failed").isNotNull();
    return e;
  }

  @Test
  void detectWhenCloudRunThenServiceAudienceFromMetadata() {
    serveProject();
    env.put("K_SERVICE", "billing");

    IapAudience audience = detector().detect();

    assertThat(audience.value()).isEqualTo("/projects/123456789012/locations/europe-west1/services/billing");
    assertThat(audience.kind()).isEqualTo(IapAudience.Kind.CLOUD_RUN);
  }

  @Test
  void detectWhenAppEngineWithProjectEnvThenAppAudience() {
    serveProject();
    metadata.resetMappings();
    serve("/computeMetadata/v1/project/numeric-project-id", "123456789012");
    env.put("GAE_APPLICATION", "e~env-project");
    env.put("GOOGLE_CLOUD_PROJECT", "env-project");

    assertThat(detector().detect().value()).isEqualTo("/projects/123456789012/apps/env-project");
  }

  @Test
  void detectWhenAppEngineWithoutProjectEnvThenProjectIdFromMetadata() {
    serveProject();
    env.put("GAE_SERVICE", "default");

    IapAudience audience = detector().detect();

    assertThat(audience.value()).isEqualTo("/projects/123456789012/apps/my-project");
    assertThat(audience.kind()).isEqualTo(IapAudience.Kind.APP_ENGINE);
  }

  @Test
  void detectWhenNeitherCloudRunNorAppEngineThenMessageSaysWhatToSetAndHowToFindIt() {
    serveProject();

    IllegalStateException e = detectFails();

    assertThat(e.getMessage())
        .contains("iap.audiences")
        .contains("/projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID")
        .contains("gcloud compute backend-services describe NAME --global --format='value(id)'");
    metadata.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void detectWhenMetadataAnswers404ThenClearError() {
    metadata.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(404)));
    env.put("K_SERVICE", "billing");

    IllegalStateException e = detectFails();

    assertThat(e.getMessage())
        .contains("HTTP 404")
        .contains("/computeMetadata/v1/project/numeric-project-id")
        .contains("iap.audiences");
  }

  @Test
  void detectWhenMetadataUnreachableThenClearErrorQuickly() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    env.put("K_SERVICE", "billing");
    env.put("GCE_METADATA_HOST", "127.0.0.1:" + closedPort);

    IllegalStateException e = detectFails();

    assertThat(e.getMessage())
        .contains("metadata server at http://127.0.0.1:" + closedPort)
        .contains("did not answer")
        .contains("iap.audiences");
  }

  @Test
  void detectWhenMetadataSlowThenClearErrorWithinTimeout() throws Exception {
    // Connections are accepted (the kernel's backlog) but never answered: only the timeout ends it.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      env.put("K_SERVICE", "billing");
      env.put("GCE_METADATA_HOST", "127.0.0.1:" + silent.getLocalPort());

      IllegalStateException e =
          catchThrowableOfType(
              IllegalStateException.class, detector(Duration.ofMillis(500))::detect);

      assertThat(e).as("detection failed").isNotNull();
      assertThat(e.getMessage()).contains("no answer within 500 ms").contains("iap.audiences");
    }
  }

  @Test
  void detectWhenRegionMalformedThenClearError() {
    serveProject();
    serve("/computeMetadata/v1/instance/region", "projects/1/regions/NOT A REGION");
    env.put("K_SERVICE", "billing");

    assertThat(detectFails().getMessage()).contains("region").contains("iap.audiences");
  }

  @Test
  void detectWhenProjectNumberNotNumericThenClearError() {
    serveProject();
    serve("/computeMetadata/v1/project/numeric-project-id", "my-project");
    env.put("K_SERVICE", "billing");

    assertThat(detectFails().getMessage()).contains("non-numeric project number").contains("iap.audiences");
  }

  @Test
  void detectWhenMetadataHostMalformedThenClearError() {
    env.put("K_SERVICE", "billing");
    env.put("GCE_METADATA_HOST", "bad host:x");

    assertThat(detectFails().getMessage()).contains("GCE_METADATA_HOST").contains("iap.audiences");
  }
}
