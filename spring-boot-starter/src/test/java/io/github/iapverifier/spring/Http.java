package io.github.iapverifier.spring;

import io.github.iapverifier.IapVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A real HTTP client for the test apps: the JDK's, no Spring test client in between. */
final class Http {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final int port;

  Http(int port) {
    this.port = port;
  }

  HttpResponse<String> get(String path, String... assertions) {
    return send("GET", path, assertions);
  }

  HttpResponse<String> send(String method, String path, String... assertions) {
    return send(method, path, Map.of(), assertions);
  }

  HttpResponse<String> send(
      String method, String path, Map<String, String> headers, String... assertions) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(request::header);
    for (String assertion : assertions) {
      request.header(IapVerifier.HEADER, assertion);
    }
    try {
      return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The start of the problem+json body every rejection has, up to the detail. */
  static String problemPrefix(int status) {
    String title =
        status == 403 ? "Forbidden" : status == 503 ? "Service Unavailable" : "Unauthorized";
    return "{\"type\":\"about:blank\",\"title\":\""
        + title
        + "\",\"status\":"
        + status
        + ",\"detail\":\"";
  }

  /**
   * A pattern for a health component's status in Actuator's JSON, which writes "status" before
   * "details" on 3.5 and after them on 4.x (details hold no nested object here).
   */
  static String healthStatus(String component, String status) {
    return "\"" + component + "\":\\{(\"details\":\\{[^{}]*\\},)?\"status\":\"" + status + "\"";
  }

  /** The end of the problem+json body for a reason. */
  static String problemSuffix(String reason) {
    return "\",\"reason\":\"" + reason + "\"}";
  }
}
