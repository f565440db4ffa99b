package io.github.iapverifier.internal;

import io.github.iapverifier.IapAudience;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finds this app's IAP audience from Cloud Run's or App Engine's environment and the metadata
 * server. Thread-safe; used once at start-up.
 */
public final class AudienceDetector {

  static final String DEFAULT_METADATA_HOST = "metadata.google.internal";
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final int MAX_BYTES = 4096;

  private final Map<String, String> env;
  private final HttpClient client;

  /**
   * Creates a detector.
   *
   * @param env the environment variables, not null
   * @param client the client for the metadata server, not null
   */
  public AudienceDetector(Map<String, String> env, HttpClient client) {
    this.env = Objects.requireNonNull(env, "env");
    this.client = Objects.requireNonNull(client, "client");
  }

  /**
   * A detector over the process environment.
   *
   * @return the detector
   */
  public static AudienceDetector fromEnvironment() {
    return new AudienceDetector(
        System.getenv(),
        HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build());
  }

  /**
   * Detects the audience.
   *
   * @return the audience
   * @throws IllegalStateException if it cannot be detected, saying what to configure
   */
  public IapAudience detect() {
    String cloudRunService = env.get("K_SERVICE");
    if (present(cloudRunService)) {
      long number = projectNumber();
      String region = metadata("/computeMetadata/v1/instance/region");
      // The metadata server answers projects/NUMBER/regions/REGION.
      String shortRegion = region.substring(region.lastIndexOf('/') + 1);
      return IapAudience.cloudRun(number, shortRegion, cloudRunService);
    }
    if (present(env.get("GAE_APPLICATION")) || present(env.get("GAE_SERVICE"))) {
      long number = projectNumber();
      String projectId = env.get("GOOGLE_CLOUD_PROJECT");
      if (!present(projectId)) {
        projectId = metadata("/computeMetadata/v1/project/project-id");
      }
      return IapAudience.appEngine(number, projectId);
    }
    throw new IllegalStateException(
        "cannot detect the IAP audience: this is neither Cloud Run (K_SERVICE is not set) nor App"
            + " Engine (GAE_APPLICATION is not set). Behind a load balancer (GKE, Compute Engine),"
            + " set the audience explicitly (property iap.audiences) to"
            + " /projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID; find SERVICE_ID with:"
            + " gcloud compute backend-services describe NAME --global --format='value(id)'");
  }

  private long projectNumber() {
    String value = metadata("/computeMetadata/v1/project/numeric-project-id").strip();
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          "the metadata server returned a non-numeric project number; set iap.audiences"
              + " explicitly");
    }
  }

  private String metadata(String path) {
    String host = env.get("GCE_METADATA_HOST");
    if (!present(host)) {
      host = DEFAULT_METADATA_HOST;
    }
    URI uri = URI.create("http://" + host.strip() + path);
    HttpRequest request =
        HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Metadata-Flavor", "Google").build();
    try {
      HttpResponse<byte[]> response =
          client
              .sendAsync(request, LimitedBody.handler(MAX_BYTES))
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      String body = new String(response.body(), StandardCharsets.UTF_8).strip();
      if (response.statusCode() != 200 || body.isEmpty()) {
        throw new IllegalStateException(
            "cannot detect the IAP audience: the metadata server answered HTTP "
                + response.statusCode()
                + " for "
                + uri
                + "; set iap.audiences explicitly");
      }
      return body;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw notReachable(uri, e);
    } catch (ExecutionException | TimeoutException e) {
      throw notReachable(uri, e);
    }
  }

  private static IllegalStateException notReachable(URI uri, Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return new IllegalStateException(
        "cannot detect the IAP audience: the metadata server at "
            + uri
            + " is not reachable ("
            + cause.getClass().getSimpleName()
            + (cause instanceof IOException && cause.getMessage() != null
                ? ": " + cause.getMessage()
                : "")
            + "); outside Google Cloud set iap.audiences explicitly",
        cause);
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
