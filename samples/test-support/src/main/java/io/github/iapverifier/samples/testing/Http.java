package io.github.iapverifier.samples.testing;

import static org.awaitility.Awaitility.await;

import io.github.iapverifier.emulator.Emulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Plain HTTP against a sample and the emulator in front of it, as {@code curl} would do it. */
public final class Http {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** How long the samples' tests wait for what must happen; generous for a loaded machine. */
  public static final Duration PATIENCE = Duration.ofSeconds(60);

  private Http() {}

  /**
   * Sends a GET.
   *
   * @param uri absolute
   * @param headers name/value pairs
   * @return the response, not following redirects
   */
  public static HttpResponse<String> get(URI uri, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request.GET().build());
  }

  /**
   * Signs in at the emulator's sign-in form, as the browser does.
   *
   * @param emulator the emulator's base URI
   * @param email the identity
   * @param hostedDomain its Workspace domain, or empty for a consumer account
   * @return the {@code Cookie} header value that carries the identity
   */
  public static String signIn(URI emulator, String email, String hostedDomain) {
    String form =
        "email="
            + URLEncoder.encode(email, StandardCharsets.UTF_8)
            + "&hd="
            + URLEncoder.encode(hostedDomain, StandardCharsets.UTF_8);
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(emulator + Emulator.SIGN_IN_PATH))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build());
    String cookie =
        response.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith(Emulator.COOKIE_NAME + "="))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no sign-in cookie: " + response.statusCode()));
    return cookie.substring(0, cookie.indexOf(';'));
  }

  /**
   * Waits until the app behind the emulator has IAP's keys. The sample starts before the emulator
   * (which refuses to start without its upstream), so its first key fetch fails and is retried
   * after a short back-off; until then it answers 503, as it would during a Google outage.
   *
   * @param emulator the emulator's base URI
   * @param cookie a signed-in identity, from {@link #signIn}
   */
  public static void awaitKeys(URI emulator, String cookie) {
    await("the app behind " + emulator + " has IAP's keys (answers other than 503)")
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> get(URI.create(emulator + "/"), "Cookie", cookie).statusCode() != 503);
  }

  /**
   * Finds a port nothing listens on right now, for a server whose address another must know before
   * it starts (the app needs the emulator's JWKS address; the emulator needs the app up).
   *
   * @return a loopback port that was free a moment ago
   */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
