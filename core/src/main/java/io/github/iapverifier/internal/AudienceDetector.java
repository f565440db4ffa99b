package io.github.iapverifier.internal;

import io.github.iapverifier.IapAudience;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finds this app's IAP audience from Cloud Run's or App Engine's environment and the metadata
 * server. Thread-safe; used once at start-up.
 *
 * <p>Each metadata request is bounded by the timeout (2 s by default), and at most two are made,
 * so detection fails within about twice the timeout when the metadata server is slow or absent.
 */
public final class AudienceDetector {

  static final String DEFAULT_METADATA_HOST = "metadata.google.internal";
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
  private static final int MAX_BYTES = 4096;
  private static final String SET_IT =
      "set the audience explicitly (property iap.audiences, or IapVerifier.builder().audiences(...))";

  private final Map<String, String> env;
  private final HttpClient client;
  private final Duration timeout;

  /**
   * Creates a detector.
   *
   * @param env the environment variables, not null
   * @param client the client for the metadata server, not null
   */
  public AudienceDetector(Map<String, String> env, HttpClient client) {
    this(env, client, DEFAULT_TIMEOUT);
  }

  AudienceDetector(Map<String, String> env, HttpClient client, Duration timeout) {
    this.env = Objects.requireNonNull(env, "env");
    this.client = Objects.requireNonNull(client, "client");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * A detector over the process environment.
   *
   * @return the detector
   */
  public static AudienceDetector fromEnvironment() {
    return new AudienceDetector(System.getenv(), newClient(DEFAULT_TIMEOUT));
  }

  static HttpClient newClient(Duration timeout) {
    return HttpClient.newBuilder()
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        // The metadata server speaks plain HTTP/1.1; skipping the h2c upgrade saves a round trip.
        .version(HttpClient.Version.HTTP_1_1)
        .build();
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
      try {
        return IapAudience.cloudRun(number, shortRegion, cloudRunService.strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(
            "cannot detect the IAP audience on Cloud Run: " + e.getMessage() + "; " + SET_IT, e);
      }
    }
    if (present(env.get("GAE_APPLICATION")) || present(env.get("GAE_SERVICE"))) {
      long number = projectNumber();
      String projectId = env.get("GOOGLE_CLOUD_PROJECT");
      if (!present(projectId)) {
        projectId = metadata("/computeMetadata/v1/project/project-id");
      }
      try {
        return IapAudience.appEngine(number, projectId.strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(
            "cannot detect the IAP audience on App Engine: " + e.getMessage() + "; " + SET_IT, e);
      }
    }
    throw new IllegalStateException(
        "cannot detect the IAP audience: this is neither Cloud Run (K_SERVICE is not set) nor App"
            + " Engine (GAE_APPLICATION is not set). Behind a load balancer (GKE, Compute Engine),"
            + " set the audience explicitly (property iap.audiences) to"
            + " /projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID; find SERVICE_ID with:"
            + " gcloud compute backend-services describe NAME --global --format='value(id)'");
  }

  private long projectNumber() {
    String value = metadata("/computeMetadata/v1/project/numeric-project-id");
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          "cannot detect the IAP audience: the metadata server returned a non-numeric project"
              + " number; "
              + SET_IT);
    }
  }

  private String metadata(String path) {
    String host = env.get("GCE_METADATA_HOST");
    if (!present(host)) {
      host = DEFAULT_METADATA_HOST;
    }
    URI uri;
    try {
      uri = URI.create("http://" + host.strip() + path);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "cannot detect the IAP audience: GCE_METADATA_HOST is not a host[:port]; " + SET_IT, e);
    }
    HttpRequest request =
        HttpRequest.newBuilder(uri).timeout(timeout).header("Metadata-Flavor", "Google").build();
    CompletableFuture<HttpResponse<byte[]>> exchange =
        client.sendAsync(request, LimitedBody.handler(MAX_BYTES));
    try {
      // Bounds the body as well as the headers, and DNS resolution, which the connect timeout
      // does not cover.
      HttpResponse<byte[]> response = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      String body = new String(response.body(), StandardCharsets.UTF_8).strip();
      if (response.statusCode() != 200 || body.isEmpty()) {
        throw new IllegalStateException(
            "cannot detect the IAP audience: the metadata server answered HTTP "
                + response.statusCode()
                + (body.isEmpty() ? " with an empty body" : "")
                + " for "
                + uri
                + "; "
                + SET_IT);
      }
      return body;
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw notReachable(uri, e);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw notReachable(uri, e);
    } catch (ExecutionException e) {
      throw notReachable(uri, e);
    }
  }

  private IllegalStateException notReachable(URI uri, Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    String what =
        cause instanceof TimeoutException || cause instanceof HttpTimeoutException
            ? "no answer within " + timeout.toMillis() + " ms"
            : cause.getClass().getSimpleName()
                + (cause instanceof IOException && cause.getMessage() != null
                    ? ": " + cause.getMessage()
                    : "");
    return new IllegalStateException(
        "cannot detect the IAP audience: the metadata server at "
            + uri
            + " did not answer ("
            + what
            + "); this does not look like Google Cloud. Outside Google Cloud, or if the metadata"
            + " server is blocked, "
            + SET_IT,
        cause);
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
