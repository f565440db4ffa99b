package io.github.iapverifier.samples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.test.FakeIap;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The gateway sample in front of a recording service, over real HTTP: what reaches the service
 * behind the gateway, and what never does.
 */
class GatewaySampleTest {

  static final String FORGED = "accounts.google.com:boss@example.com";
  static final HttpClient CLIENT = HttpClient.newHttpClient();

  static FakeIap iap;
  static HttpServer service;
  static final List<Headers> received = new CopyOnWriteArrayList<>();
  static ConfigurableApplicationContext gateway;
  static int port;

  @BeforeAll
  static void start() throws IOException {
    iap = FakeIap.start();
    service = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    service.createContext(
        "/",
        exchange -> {
          received.add(exchange.getRequestHeaders());
          byte[] body = "from the service".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    service.start();
    gateway =
        new SpringApplicationBuilder(GatewaySample.class)
            .run(
                "--server.port=0",
                "--sample.downstream-uri=http://127.0.0.1:" + service.getAddress().getPort(),
                "--iap.audiences=" + iap.audience().value(),
                "--iap.jwks-uri=" + iap.jwksUri());
    port = gateway.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    service.stop(0);
    iap.close();
  }

  @BeforeEach
  void clear() {
    received.clear();
  }

  @Test
  void routeWhenValidAssertionThenServiceGetsOriginalAssertionAndVerifiedIdentityHeaders()
      throws Exception {
    String assertion = iap.token().email("ana@example.com").build();

    HttpResponse<String> response =
        send(
            "/api/orders",
            "x-goog-iap-jwt-assertion", assertion,
            "x-goog-authenticated-user-email", FORGED,
            "x-goog-authenticated-user-id", "accounts.google.com:1");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("from the service");
    assertThat(received).hasSize(1);
    Headers headers = received.get(0);
    assertThat(headers.get("x-goog-iap-jwt-assertion")).containsExactly(assertion);
    assertThat(headers.get("x-goog-authenticated-user-email"))
        .containsExactly("accounts.google.com:ana@example.com");
    assertThat(headers.get("x-goog-authenticated-user-id"))
        .containsExactly(FakeIap.googleSubject("ana@example.com"));
    // The service behind can verify the forwarded assertion itself, with the gateway's audience.
    try (IapVerifier verifier = iap.verifierBuilder().build()) {
      IapIdentity identity = verifier.verify(headers.getFirst("x-goog-iap-jwt-assertion"));
      assertThat(identity.email()).isEqualTo("ana@example.com");
    }
  }

  @Test
  void routeWhenNoAssertionThen401AtGatewayAndNothingForwarded() throws Exception {
    HttpResponse<String> response = send("/api/orders", "x-goog-authenticated-user-email", FORGED);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("IAP");
    assertThat(response.body()).contains("\"reason\":\"MISSING\"");
    assertThat(received).isEmpty();
  }

  @Test
  void routeWhenExpiredAssertionThen401AtGatewayAndNothingForwarded() throws Exception {
    String expired = iap.token().issuedAt(Instant.now().minusSeconds(3600)).build();

    HttpResponse<String> response = send("/api/orders", "x-goog-iap-jwt-assertion", expired);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("\"reason\":\"EXPIRED\"");
    assertThat(received).isEmpty();
  }

  private static HttpResponse<String> send(String path, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
