package io.github.iapverifier.test;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/** Test helpers: a GET over real HTTP, and a token's parts decoded without verifying. */
final class Http {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private Http() {}

  static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return CLIENT.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The JSON object of a token's segment (0 header, 1 payload); padding or not. */
  static Map<String, Object> segment(String token, int index) throws ParseException {
    String part = token.split("\\.", -1)[index];
    return JSONObjectUtils.parse(
        new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
  }
}
