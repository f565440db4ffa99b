package io.github.iapverifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.github.iapverifier.KeySourceFixtures.eventually;
import static io.github.iapverifier.KeySourceFixtures.jwks;
import static io.github.iapverifier.KeySourceFixtures.p256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.nimbusds.jose.jwk.ECKey;
import io.github.iapverifier.IapVerificationException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the fetch does on the wire: redirects, hostile servers, request headers. */
class RemoteKeySourceHttpTest extends KeySourceTestBase {

  private final ECKey k1 = p256("k1");
  private WireMockServer other;

  @BeforeEach
  void startOtherOrigin() {
    other = new WireMockServer(wireMockConfig().dynamicPort());
    other.start();
    other.stubFor(any(anyUrl()).willReturn(aResponse().withBody(jwks(p256("evil")))));
  }

  @AfterEach
  void stopOtherOrigin() {
    other.stop();
  }

  @Test
  void keyWhenRedirectedWithinSameOriginThenFollowed() {
    wm.stubFor(get(urlEqualTo(PATH)).willReturn(aResponse().withStatus(302).withHeader("Location", "/moved")));
    wm.stubFor(
        get(urlEqualTo("/moved"))
            .willReturn(aResponse().withStatus(301).withHeader("Location", wm.baseUrl() + "/final")));
    wm.stubFor(get(urlEqualTo("/final")).willReturn(aResponse().withBody(jwks(k1))));
    RemoteKeySource source = source();

    assertThat(source.key("k1")).isNotNull();
    wm.verify(1, getRequestedFor(urlEqualTo("/final")));
  }

  @Test
  void keyWhenRedirectedToOtherOriginThenRefused() {
    wm.stubFor(
        get(urlEqualTo(PATH))
            .willReturn(aResponse().withStatus(302).withHeader("Location", other.baseUrl() + "/jwks")));
    RemoteKeySource source = source();

    assertKeysUnavailable(() -> source.key("evil"));
    assertThat(source.lastError()).hasValueSatisfying(e -> assertThat(e).contains("redirect", "not followed"));
    other.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void keyWhenRedirectedToSameHostOtherPortThenRefused() {
    // localhost and 127.0.0.1 reach the same machine, but an origin is scheme, host and port.
    wm.stubFor(
        get(urlEqualTo(PATH))
            .willReturn(
                aResponse()
                    .withStatus(307)
                    .withHeader("Location", "http://localhost:" + other.port() + "/jwks")));
    RemoteKeySource source = source();

    assertKeysUnavailable(() -> source.key("evil"));
    other.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void keyWhenRedirectLoopsThenGivesUpAfterThreeHops() {
    wm.stubFor(get(urlEqualTo(PATH)).willReturn(aResponse().withStatus(302).withHeader("Location", PATH)));
    RemoteKeySource source = source();

    assertKeysUnavailable(() -> source.key("k1"));
    assertThat(fetches()).isEqualTo(4);
    assertThat(source.lastError()).hasValueSatisfying(e -> assertThat(e).contains("HTTP 302"));
  }

  @Test
  void keyWhenInjectedClientFollowsRedirectToOtherOriginThenResponseRefused() {
    wm.stubFor(
        get(urlEqualTo(PATH))
            .willReturn(aResponse().withStatus(302).withHeader("Location", other.baseUrl() + "/jwks")));
    HttpClient following =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.ALWAYS).build();
    RemoteKeySource source = source(b -> b.httpClient(following));

    assertKeysUnavailable(() -> source.key("evil"));
    assertThat(source.lastError()).hasValueSatisfying(e -> assertThat(e).contains("another origin"));
  }

  @Test
  void keyWhenFetchingThenAsksForJsonWithGet() {
    publish(jwks(k1), null);
    source().warmUp();
    wm.verify(
        getRequestedFor(urlEqualTo(PATH)).withHeader("Accept", WireMock.equalTo("application/json")));
  }

  @Test
  void keyWhenBodyDripsSlowlyThenTimeoutAbortsTheConnection() throws Exception {
    // A thread of its own: in the shared pool, the drip could wait behind other blocking work.
    ExecutorService dripper = Executors.newSingleThreadExecutor();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Boolean> dripStopped =
          CompletableFuture.supplyAsync(() -> drip(server), dripper);
      RemoteKeySource source =
          closeLater(
              RemoteKeySource.builder()
                  .jwksUri(URI.create("http://127.0.0.1:" + server.getLocalPort() + PATH))
                  .clock(clock)
                  .requestTimeout(TIMEOUT)
                  .build());

      assertKeysUnavailable(() -> source.key("k1"));

      // Without cancelling, the client would keep reading for the 100 s (at least) the body takes
      // to drip. The server only notices the drop on a later write (TCP buffers, the JDK's close),
      // so the bound is loose: what matters is that it notices at all, long before 100 s.
      assertThat(dripStopped.get(60, TimeUnit.SECONDS))
          .as("the client dropped the connection")
          .isTrue();
      // The lookup gives up at its own deadline, which comes just before the fetch's: the fetch
      // thread records why it failed a moment later (much later on a busy machine).
      eventually("the fetch's failure recorded", () -> source.lastError().isPresent());
      assertThat(source.lastError()).hasValueSatisfying(e -> assertThat(e).contains("HttpTimeoutException"));
    } finally {
      dripper.shutdownNow();
    }
  }

  /**
   * Serves one response whose 10,000-byte body comes one byte per 10 ms; returns true once writing
   * failed because the client went away.
   */
  private static boolean drip(ServerSocket server) {
    try (Socket socket = server.accept()) {
      InputStream in = socket.getInputStream();
      int matched = 0;
      while (matched < 4) { // read the request up to its blank line
        int c = in.read();
        if (c < 0) {
          return true;
        }
        matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
      }
      OutputStream out = socket.getOutputStream();
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      for (int i = 0; i < 10_000; i++) {
        out.write(' ');
        out.flush();
        Thread.sleep(10);
      }
      throw new IllegalStateException("the client read the whole slow body");
    } catch (IOException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void assertKeysUnavailable(Runnable call) {
    IapVerificationException e = catchThrowableOfType(IapVerificationException.class, call::run);
    assertThat(e).as("KEYS_UNAVAILABLE thrown").isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.KEYS_UNAVAILABLE);
  }
}
