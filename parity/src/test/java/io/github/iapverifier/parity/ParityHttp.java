package io.github.iapverifier.parity;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.web.IapProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The suites' requests over real HTTP, and what every adapter must answer to a rejection. */
final class ParityHttp {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private ParityHttp() {}

  /** Status, headers and the exact bytes every adapter writes for this reason. */
  static void assertRejected(HttpResponse<String> response, Reason reason) {
    IapProblem expected = IapProblem.of(new IapVerificationException(reason, "any"));
    assertThat(response.statusCode()).as(reason.name()).isEqualTo(expected.status());
    assertThat(response.body()).as(reason.name()).isEqualTo(expected.bodyText());
    assertThat(response.headers().firstValue("Content-Type")).hasValue(IapProblem.CONTENT_TYPE);
    for (Map.Entry<String, String> header : expected.headers().entrySet()) {
      assertThat(response.headers().allValues(header.getKey()))
          .as(header.getKey())
          .containsExactly(header.getValue());
    }
    if (expected.status() != 401) {
      assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
    }
  }

  /** Sends a request with {@code Accept: text/html} and the header name/value pairs given. */
  static HttpResponse<String> send(URI base, String method, String path, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(20))
            .header("Accept", "text/html")
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
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
}
