package io.github.iapverifier.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A browser-like client for the tests: real HTTP, no redirects followed, cookies by hand. */
final class Http {

  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private Http() {}

  static HttpRequest.Builder request(URI base, String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(30));
  }

  static HttpResponse<String> get(URI base, String pathAndQuery, String cookie)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = request(base, pathAndQuery);
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    return send(request.build());
  }

  static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> postSignIn(URI base, String form)
      throws IOException, InterruptedException {
    return send(
        request(base, Emulator.SIGN_IN_PATH)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build());
  }

  /** Signs in through the form, as a browser would, and returns the {@code Cookie} to send. */
  static String signIn(URI base, String email, String hostedDomain, String levels)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        postSignIn(
            base,
            "email=" + encode(email) + "&hd=" + encode(hostedDomain) + "&levels=" + encode(levels)
                + "&return=%2F");
    assertThat(response.statusCode()).isEqualTo(303);
    String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
