package io.github.iapverifier.internal.keys;

import io.github.iapverifier.IapSigningKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Fetches a key set over HTTP under {@link HttpGet}'s rules (one deadline, a body size limit,
 * redirects only within the configured origin) and keeps only the signing keys of one algorithm.
 * Thread-safe; used by one fetch thread at a time.
 */
final class KeySetFetcher {

  // Skipped keys are logged once each; the bound keeps a server that invents ids from growing it.
  private static final int MAX_REPORTED_SKIPS = 256;

  /** The usable keys of a response and its headers (for the cache time). */
  record Fetched(Map<String, IapSigningKey> keys, HttpHeaders headers) {}

  private final URI uri;
  private final HttpGet http;
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
    this.http =
        new HttpGet(uri, client, connectTimeout, requestTimeout, maxBytes, "application/json", log);
    this.algorithm = algorithm;
    this.log = log;
  }

  Fetched fetch() throws IOException, InterruptedException {
    HttpGet.Response response = http.get(uri);
    if (response.status() != 200) {
      throw new IOException("HTTP " + response.status());
    }
    return new Fetched(keys(response.body()), response.headers());
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

  /** Releases the client if this fetcher created it. */
  void close() {
    http.close();
  }
}
