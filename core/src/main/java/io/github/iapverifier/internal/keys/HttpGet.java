package io.github.iapverifier.internal.keys;

import io.github.iapverifier.internal.LimitedBody;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * A GET of key material under the fetch rules every key source shares: one deadline for the whole
 * exchange (redirects and body included), a body size limit, and redirects followed only within the
 * origin of the configured endpoint. What the body means is the caller's. Thread-safe.
 */
final class HttpGet {

  private static final int MAX_REDIRECTS = 3;

  /** A final (non-redirect) answer: its status, headers and body. */
  record Response(int status, HttpHeaders headers, byte[] body) {}

  private final URI origin;
  private final HttpClient client;
  private final boolean ownsClient;
  private final Duration requestTimeout;
  private final int maxBytes;
  private final String accept;
  private final Logger log;

  /**
   * @param origin the configured endpoint; responses and redirects must stay within its origin
   * @param client a client to use, or null for one of this fetcher's own (closed with it)
   */
  HttpGet(
      URI origin,
      @Nullable HttpClient client,
      Duration connectTimeout,
      Duration requestTimeout,
      int maxBytes,
      String accept,
      Logger log) {
    this.origin = origin;
    this.ownsClient = client == null;
    this.client =
        client != null
            ? client
            : HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    this.requestTimeout = requestTimeout;
    this.maxBytes = maxBytes;
    this.accept = accept;
    this.log = log;
  }

  /** Fetches {@code target} (within the origin), following same-origin redirects. */
  Response get(URI target) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + requestTimeout.toNanos();
    for (int hop = 0; ; hop++) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw timedOut();
      }
      HttpResponse<byte[]> response = exchange(target, remaining);
      if (!JwksUri.sameOrigin(origin, response.uri())) {
        // Only possible with an injected client that follows redirects itself.
        throw new IOException(
            "the response came from another origin, " + JwksUri.origin(response.uri()));
      }
      int status = response.statusCode();
      if (status >= 300 && status < 400 && hop < MAX_REDIRECTS) {
        target = redirect(target, response);
        continue;
      }
      return new Response(status, response.headers(), response.body());
    }
  }

  private HttpResponse<byte[]> exchange(URI target, long remaining)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(target)
            .timeout(Duration.ofNanos(remaining))
            .header("Accept", accept)
            .GET()
            .build();
    LimitedBody.Handler body = LimitedBody.handler(maxBytes);
    CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request, body);
    try {
      // Bounds the body too: HttpRequest.timeout covers only the wait for the headers, and a
      // server could drip the body a byte at a time.
      return exchange.get(remaining, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      exchange.cancel(true); // aborts the exchange and closes its connection
      throw timedOut();
    } catch (InterruptedException e) {
      exchange.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (body.exceeded()) {
        throw body.tooLarge();
      }
      if (cause instanceof HttpTimeoutException) {
        throw timedOut();
      }
      throw cause instanceof IOException ? (IOException) cause : new IOException(cause);
    }
  }

  private URI redirect(URI from, HttpResponse<?> response) throws IOException {
    URI next = response.headers().firstValue("Location").map(from::resolve).orElse(null);
    if (next == null || !JwksUri.sameOrigin(origin, next)) {
      throw new IOException(
          "HTTP "
              + response.statusCode()
              + " redirect "
              + (next == null ? "without a Location" : "to " + JwksUri.origin(next))
              + " is not followed: only redirects within "
              + JwksUri.origin(origin)
              + " are");
    }
    return next;
  }

  private HttpTimeoutException timedOut() {
    return new HttpTimeoutException(
        "no complete response within " + requestTimeout.toMillis() + " ms");
  }

  /** Releases the client if this fetcher created it. */
  void close() {
    if (!ownsClient) {
      return;
    }
    // HttpClient gained shutdownNow() in Java 21; on 17 its threads end when it is collected.
    // Reflection because this library compiles for 17.
    try {
      HttpClient.class.getMethod("shutdownNow").invoke(client);
    } catch (NoSuchMethodException e) {
      // Java 17-20: nothing to do.
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.debug("Shutting the HTTP client down failed", e);
    }
  }
}
