package io.github.iapverifier.internal.keys;

import io.github.iapverifier.IapSigningKey;
import io.github.iapverifier.internal.LimitedBody;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Fetches a key set over HTTP: one deadline for the whole exchange (redirects and body included), a
 * body size limit, redirects followed only within the configured origin, and only EC P-256 signing
 * keys kept. Thread-safe; used by one fetch thread at a time.
 */
final class KeySetFetcher {

  private static final int MAX_REDIRECTS = 3;
  // Skipped keys are logged once each; the bound keeps a server that invents ids from growing it.
  private static final int MAX_REPORTED_SKIPS = 256;

  /** The usable keys of a response and its headers (for the cache time). */
  record Fetched(Map<String, IapSigningKey> keys, HttpHeaders headers) {}

  private final URI uri;
  private final HttpClient client;
  private final boolean ownsClient;
  private final Duration requestTimeout;
  private final int maxBytes;
  private final String algorithm;
  private final Logger log;
  private final Set<String> reportedSkips = ConcurrentHashMap.newKeySet();

  KeySetFetcher(
      URI uri,
      @Nullable HttpClient client,
      Duration connectTimeout,
      Duration requestTimeout,
      int maxBytes,
      String algorithm,
      Logger log) {
    this.uri = uri;
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
    this.algorithm = algorithm;
    this.log = log;
  }

  Fetched fetch() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + requestTimeout.toNanos();
    URI target = uri;
    for (int hop = 0; ; hop++) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw timedOut();
      }
      HttpResponse<byte[]> response = exchange(target, remaining);
      if (!JwksUri.sameOrigin(uri, response.uri())) {
        // Only possible with an injected client that follows redirects itself.
        throw new IOException(
            "the response came from another origin, " + JwksUri.origin(response.uri()));
      }
      int status = response.statusCode();
      if (status >= 300 && status < 400 && hop < MAX_REDIRECTS) {
        target = redirect(target, response);
        continue;
      }
      if (status != 200) {
        throw new IOException("HTTP " + status);
      }
      return new Fetched(keys(response.body()), response.headers());
    }
  }

  private HttpResponse<byte[]> exchange(URI target, long remaining)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(target)
            .timeout(Duration.ofNanos(remaining))
            .header("Accept", "application/json")
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
    if (next == null || !JwksUri.sameOrigin(uri, next)) {
      throw new IOException(
          "HTTP "
              + response.statusCode()
              + " redirect "
              + (next == null ? "without a Location" : "to " + JwksUri.origin(next))
              + " is not followed: only redirects within "
              + JwksUri.origin(uri)
              + " are");
    }
    return next;
  }

  private Map<String, IapSigningKey> keys(byte[] body) throws IOException {
    Jwks jwks;
    try {
      jwks = Jwks.parse(new String(body, StandardCharsets.UTF_8), algorithm);
    } catch (IllegalArgumentException e) {
      throw new IOException("malformed key set: " + e.getMessage());
    }
    for (String skipped : jwks.skipped()) {
      if (reportedSkips.size() < MAX_REPORTED_SKIPS && reportedSkips.add(skipped)) {
        log.warn("Skipping key {} from {}", skipped, uri);
      }
    }
    if (jwks.keys().isEmpty()) {
      throw new IOException(
          "the key set holds no usable "
              + ("ES256".equals(algorithm) ? "EC P-256" : "RSA (RS256)")
              + " signing key (skipped: "
              + jwks.skipped()
              + ")");
    }
    return jwks.keys();
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
