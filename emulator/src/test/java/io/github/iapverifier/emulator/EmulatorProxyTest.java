package io.github.iapverifier.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.test.FakeIap;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmulatorProxyTest {

  private static final String CORP = "accessPolicies/7/accessLevels/corp";

  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private TestUpstream upstream;
  private Emulator emulator;
  private IapVerifier verifier;
  private String cookie;

  @BeforeEach
  void start() throws Exception {
    upstream = new TestUpstream();
    emulator =
        Emulator.builder()
            .upstream(upstream.uri())
            .port(0)
            .log(new PrintStream(log, true, StandardCharsets.UTF_8))
            .start();
    verifier =
        IapVerifier.builder().audiences(emulator.audience()).jwksUri(emulator.jwksUri()).build();
    cookie = Http.signIn(emulator.baseUri(), "ana@example.com", "example.com", CORP);
  }

  @AfterEach
  void stop() {
    verifier.close();
    emulator.close();
    upstream.close();
  }

  @Test
  void getWhenSignedInThenUpstreamGetsPathQueryAndAVerifiableAssertion() throws Exception {
    HttpResponse<String> response =
        Http.get(emulator.baseUri(), "/reports/2025?q=a%20b&page=2", cookie);

    TestUpstream.Received received = upstream.next();
    assertThat(received.method()).isEqualTo("GET");
    assertThat(received.uri()).isEqualTo("/reports/2025?q=a%20b&page=2");
    IapIdentity who = verifier.verify(received.assertion());
    assertThat(who.email()).isEqualTo("ana@example.com");
    assertThat(who.subject()).isEqualTo(FakeIap.googleSubject("ana@example.com"));
    assertThat(who.hostedDomain()).contains("example.com");
    assertThat(who.accessLevels()).containsExactly(CORP);
    assertThat(who.audience()).isEqualTo(Emulator.DEFAULT_AUDIENCE);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("hello from the app: GET");
    assertThat(response.headers().firstValue("X-App")).contains("yes");
    assertThat(response.headers().allValues("Set-Cookie"))
        .containsExactlyInAnyOrder("app=1; Path=/", "theme=dark; Path=/");
    assertThat(response.headers().firstValue(EmulatorHandler.GENERATED)).isEmpty();
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("GET /reports/2025 -> 200 as ana@example.com")
        .doesNotContain(received.assertion());
  }

  @Test
  void getWhenConsumerAccountThenNoHostedDomainInAssertion() throws Exception {
    String consumer = Http.signIn(emulator.baseUri(), "bob@gmail.com", "", "");

    Http.get(emulator.baseUri(), "/", consumer);

    IapIdentity who = verifier.verify(upstream.next().assertion());
    assertThat(who.email()).isEqualTo("bob@gmail.com");
    assertThat(who.hostedDomain()).isEmpty();
    assertThat(who.accessLevels()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH"})
  void requestWhenMethodWithBodyThenForwardedIntact(String method) throws Exception {
    byte[] body = "{\"name\":\"ana\",\"n\":42}".getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> response =
        Http.send(
            Http.request(emulator.baseUri(), "/items/7?dry-run=true")
                .header("Cookie", cookie)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                .build());

    TestUpstream.Received received = upstream.next();
    assertThat(received.method()).isEqualTo(method);
    assertThat(received.uri()).isEqualTo("/items/7?dry-run=true");
    assertThat(received.header("Content-Type")).containsExactly("application/json");
    assertThat(received.length()).isEqualTo(body.length);
    assertThat(received.sha256()).isEqualTo(TestUpstream.sha256(body));
    assertThat(verifier.verify(received.assertion()).email()).isEqualTo("ana@example.com");
    assertThat(response.body()).isEqualTo("hello from the app: " + method);
  }

  @Test
  void deleteWhenNoBodyThenForwardedWithoutOne() throws Exception {
    Http.send(
        Http.request(emulator.baseUri(), "/items/7")
            .header("Cookie", cookie)
            .DELETE()
            .build());

    TestUpstream.Received received = upstream.next();
    assertThat(received.method()).isEqualTo("DELETE");
    assertThat(received.length()).isZero();
  }

  @Test
  void requestWhenClientSendsXGoogHeadersThenAllAreDroppedAndIapsAreAdded() throws Exception {
    Http.send(
        Http.request(emulator.baseUri(), "/")
            .header("Cookie", cookie)
            .header("x-goog-iap-jwt-assertion", "forged.token.value")
            .header("X-Goog-Authenticated-User-Email", "accounts.google.com:mallory@example.com")
            .header("X-GOOG-AUTHENTICATED-USER-ID", "accounts.google.com:1")
            .header("x-goog-anything", "else")
            .header("X-Custom", "kept")
            .build());

    TestUpstream.Received received = upstream.next();
    assertThat(received.header("x-goog-iap-jwt-assertion")).hasSize(1);
    assertThat(verifier.verify(received.assertion()).email()).isEqualTo("ana@example.com");
    assertThat(received.header("x-goog-authenticated-user-email"))
        .containsExactly("accounts.google.com:ana@example.com");
    assertThat(received.header("x-goog-authenticated-user-id"))
        .containsExactly(FakeIap.googleSubject("ana@example.com"))
        .allMatch(id -> id.matches("accounts\\.google\\.com:[0-9]+"));
    assertThat(received.header("x-goog-anything")).isEmpty();
    assertThat(received.header("X-Custom")).containsExactly("kept");
  }

  @Test
  void requestWhenCookiesThenOnlyTheEmulatorsOwnIsWithheld() throws Exception {
    Http.get(emulator.baseUri(), "/", "a=1; " + cookie + "; b=2");

    assertThat(upstream.next().header("Cookie")).containsExactly("a=1; b=2");
  }

  @Test
  void requestWhenOnlyTheEmulatorsCookieThenNoCookieHeaderForwarded() throws Exception {
    Http.get(emulator.baseUri(), "/", cookie);

    assertThat(upstream.next().header("Cookie")).isEmpty();
  }

  @Test
  void requestWhenHopByHopHeadersThenDroppedAndHostKept() throws Exception {
    // A raw request, because the JDK client refuses to send Connection and friends.
    String host = "localhost:" + emulator.port();
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), emulator.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /raw HTTP/1.1\r\nHost: " + host + "\r\nCookie: " + cookie + "\r\n"
                  + "Connection: close\r\nConnection: X-Drop-Me\r\nX-Drop-Me: 1\r\nKeep-Alive: timeout=5\r\n"
                  + "TE: trailers\r\nX-Forwarded-For: 203.0.113.9\r\nX-Kept: 1\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 200");
    }

    TestUpstream.Received received = upstream.next();
    assertThat(received.header("X-Drop-Me")).isEmpty();
    assertThat(received.header("Keep-Alive")).isEmpty();
    assertThat(received.header("TE")).isEmpty();
    assertThat(received.header("X-Kept")).containsExactly("1");
    assertThat(received.header("Host")).containsExactly(host);
    assertThat(received.header("X-Forwarded-For")).containsExactly("203.0.113.9, 127.0.0.1");
    assertThat(received.header("X-Forwarded-Proto")).containsExactly("http");
  }

  @Test
  void responseWhenLargeThenStreamedCompletely() throws Exception {
    int size = 24 * 1024 * 1024;

    HttpResponse<InputStream> response =
        Http.CLIENT.send(
            Http.request(emulator.baseUri(), "/big?bytes=" + size)
                .header("Cookie", cookie)
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());

    assertThat(response.statusCode()).isEqualTo(200);
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    long length = 0;
    try (InputStream body = response.body()) {
      byte[] buffer = new byte[65536];
      int n;
      while ((n = body.read(buffer)) != -1) {
        digest.update(buffer, 0, n);
        length += n;
      }
    }
    assertThat(length).isEqualTo(size);
    assertThat(HexFormat.of().formatHex(digest.digest()))
        .isEqualTo(TestUpstream.sha256(TestUpstream.pattern(size)));
  }

  @Test
  void requestWhenLargeUploadOfUnknownLengthThenStreamedCompletely() throws Exception {
    byte[] body = TestUpstream.pattern(8 * 1024 * 1024);

    // ofInputStream has no length: the client sends it chunked, as browsers stream uploads.
    Http.send(
        Http.request(emulator.baseUri(), "/upload")
            .header("Cookie", cookie)
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build());

    TestUpstream.Received received = upstream.next();
    assertThat(received.length()).isEqualTo(body.length);
    assertThat(received.sha256()).isEqualTo(TestUpstream.sha256(body));
  }

  @Test
  void responseWhenSlowThenFirstBytesArriveBeforeTheAppFinishes() throws Exception {
    HttpResponse<InputStream> response =
        Http.CLIENT.send(
            Http.request(emulator.baseUri(), "/slow").header("Cookie", cookie).build(),
            HttpResponse.BodyHandlers.ofInputStream());

    try (InputStream body = response.body()) {
      // The app is still holding back its second line: this only returns if the emulator
      // forwarded the first one without waiting for the whole body.
      byte[] first = body.readNBytes(6);
      assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("first\n");
      upstream.releaseSlow();
      assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("second\n");
    }
  }

  @Test
  void responseWhenRedirectThenRelayedNotFollowed() throws Exception {
    HttpResponse<String> response = Http.get(emulator.baseUri(), "/status/302", cookie);

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("Location")).contains("/elsewhere");
    assertThat(upstream.next().uri()).isEqualTo("/status/302");
    assertThat(upstream.nothingReceived()).isTrue();
  }

  @Test
  void responseWhenNoContentThenRelayedWithoutBody() throws Exception {
    HttpResponse<String> response = Http.get(emulator.baseUri(), "/status/204", cookie);

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void requestWhenUpstreamDownThenBadGatewayFromTheEmulator() throws Exception {
    upstream.close();

    HttpResponse<String> response = Http.get(emulator.baseUri(), "/", cookie);

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.headers().firstValue(EmulatorHandler.GENERATED)).contains("true");
    assertThat(response.body()).contains("did not answer").contains(upstream.uri().toString());
  }
}
