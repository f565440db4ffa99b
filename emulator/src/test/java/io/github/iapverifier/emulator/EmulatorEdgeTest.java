package io.github.iapverifier.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapVerifier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14, the emulator part, over real HTTP against a running emulator: open redirects, DNS
 * rebinding and cross-site sign-in (Host and Origin), and x-goog headers smuggled with
 * underscores. Raw sockets where {@code java.net.http} would not send the request.
 */
class EmulatorEdgeTest {

  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private TestUpstream upstream;
  private Emulator emulator;
  private IapVerifier verifier;
  private String cookie;
  private String host;

  @BeforeEach
  void start() throws Exception {
    upstream = new TestUpstream();
    emulator = start(Emulator.builder());
    verifier =
        IapVerifier.builder().audiences(emulator.audience()).jwksUri(emulator.jwksUri()).build();
    cookie = Http.signIn(emulator.baseUri(), "ana@example.com", "example.com", "");
    host = "localhost:" + emulator.port();
  }

  private Emulator start(Emulator.Builder builder) {
    Emulator started =
        builder
            .upstream(upstream.uri())
            .port(0)
            .log(new PrintStream(log, true, StandardCharsets.UTF_8))
            .start();
    toClose.add(started);
    return started;
  }

  @AfterEach
  void stop() throws Exception {
    verifier.close();
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
    upstream.close();
  }

  private String log() {
    return log.toString(StandardCharsets.UTF_8);
  }

  private String withPort(String text) {
    return text.replace("{port}", String.valueOf(emulator.port()))
        .replace("{other}", String.valueOf(emulator.port() == 1 ? 2 : emulator.port() - 1));
  }

  /** What browsers treat as a place on this origin: a path that does not start a host. */
  private static boolean onThisOrigin(String location) {
    return location.startsWith("/")
        && !location.startsWith("//")
        && !location.startsWith("/\\")
        && location.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  // ---- Open redirect ------------------------------------------------------------------------

  @Test
  void clearLoginCookieWhenRequestLineIsFourSlashesEvilComThenRedirectsHomeNotToEvilCom()
      throws Exception {
    RawHttp.Response response =
        RawHttp.get(
            emulator.port(),
            "////evil.com/?gcp-iap-mode=CLEAR_LOGIN_COOKIE",
            "Host: " + host,
            "Cookie: " + cookie);

    assertThat(response.status()).isEqualTo(302);
    assertThat(response.header("Location")).containsExactly("/");
    assertThat(response.header("Set-Cookie")).singleElement().asString().contains("Max-Age=0");
    assertThat(upstream.nothingReceived()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "//evil.com/",
        "///evil.com/",
        "////evil.com/",
        "//evil.com/x",
        "/.//evil.com/",
        "/%2F%2Fevil.com/",
        "/%5Cevil.com/"
      })
  void clearLoginCookieWhenPathLooksLikeAnotherSiteThenLocationStaysOnThisOrigin(String path)
      throws Exception {
    RawHttp.Response response =
        RawHttp.get(
            emulator.port(),
            path + "?a=1&gcp-iap-mode=CLEAR_LOGIN_COOKIE",
            "Host: " + host,
            "Cookie: " + cookie);

    assertThat(response.header("Location")).singleElement().matches(EmulatorEdgeTest::onThisOrigin);
    assertThat(upstream.nothingReceived()).isTrue();
  }

  @Test
  void signInWhenReturnTargetComesFromFourSlashesEvilComThenSignedInAndSentHome() throws Exception {
    RawHttp.Response toSignIn = RawHttp.get(emulator.port(), "////evil.com/", "Host: " + host);

    assertThat(toSignIn.status()).isEqualTo(302);
    String location = toSignIn.header("Location").get(0);
    assertThat(location).isEqualTo("/_gcp_iap/signin?return=%2F%2F%2F%2Fevil.com%2F");

    HttpResponse<String> page = Http.get(emulator.baseUri(), location, null);
    assertThat(page.body()).contains("name=\"return\" value=\"/\"").doesNotContain("evil.com");
    HttpResponse<String> signIn =
        Http.postSignIn(
            emulator.baseUri(), "email=ana%40example.com&return=%2F%2F%2F%2Fevil.com%2F");
    assertThat(signIn.statusCode()).isEqualTo(303);
    assertThat(signIn.headers().firstValue("Location")).contains("/");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "%2F%09%2Fevil.example%2F",
        "%2F%0A%2Fevil.example%2F",
        "%2Fok%0D%0ALocation%3A%20https%3A%2F%2Fevil.example",
        "%2F%C3%A9",
        "%2F%20%2Fevil.example",
        "javascript%3Aalert(1)"
      })
  void signInWhenReturnHidesAnotherSiteOrAHeaderThenSentHome(String target) throws Exception {
    HttpResponse<String> response =
        Http.postSignIn(emulator.baseUri(), "email=ana%40example.com&return=" + target);

    assertThat(response.statusCode()).isEqualTo(303);
    assertThat(response.headers().allValues("Location")).containsExactly("/");
  }

  @Test
  void requestWhenPathStartsWithSlashesThenForwardedToTheAppAsSent() throws Exception {
    RawHttp.Response response =
        RawHttp.get(emulator.port(), "////evil.com/x?q=1", "Host: " + host, "Cookie: " + cookie);

    assertThat(response.status()).isEqualTo(200);
    TestUpstream.Received received = upstream.next();
    assertThat(received.uri()).isEqualTo("////evil.com/x?q=1");
    assertThat(verifier.verify(received.assertion()).email()).isEqualTo("ana@example.com");
  }

  // ---- Host: DNS rebinding ------------------------------------------------------------------

  @Test
  void signInWhenHostIsAttackerExampleAndOriginCrossSiteThen421AndNoCookie() throws Exception {
    RawHttp.Response response =
        RawHttp.send(
            emulator.port(),
            "email=mallory%40example.com&return=%2F",
            "POST /_gcp_iap/signin HTTP/1.1",
            "Host: attacker.example",
            "Origin: http://attacker.example",
            "Content-Type: application/x-www-form-urlencoded");

    assertThat(response.status()).isEqualTo(421);
    assertThat(response.header("Set-Cookie")).isEmpty();
    assertThat(response.body()).doesNotContain("attacker");
    assertThat(log()).doesNotContain("signed in as mallory").contains("refused Host 'attacker.example'");
  }

  @Test
  void requestWhenHostIsAttackerExampleThen421AndNothingForwarded() throws Exception {
    RawHttp.Response response =
        RawHttp.get(emulator.port(), "/", "Host: attacker.example", "Cookie: " + cookie);

    assertThat(response.status()).isEqualTo(421);
    assertThat(response.header("Content-Type")).containsExactly("text/plain; charset=utf-8");
    assertThat(response.body())
        .startsWith("IAP emulator:")
        .contains("--allowed-hosts")
        .doesNotContain("attacker");
    assertThat(upstream.nothingReceived()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "attacker.example:{port}",
        "localhost",
        "localhost:80",
        "localhost:{other}",
        "127.0.0.1:{other}",
        "[::1]",
        "evil.localhost:{port}",
        "localhost.attacker.example:{port}",
        "127.0.0.1.nip.io:{port}",
        "203.0.113.7:{port}"
      })
  void requestWhenHostIsNotThisEmulatorsThen421AndNothingForwarded(String value)
      throws Exception {
    String hostValue = withPort(value);

    RawHttp.Response response =
        RawHttp.get(emulator.port(), "/", "Host: " + hostValue, "Cookie: " + cookie);

    assertThat(response.status()).as(hostValue).isEqualTo(421);
    // One fixed text whatever the Host: nothing of it is reflected.
    assertThat(response.body())
        .isEqualTo(RawHttp.get(emulator.port(), "/", "Host: attacker.example").body());
    assertThat(upstream.nothingReceived()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost.:{port}",
        "localhost:{port}@attacker.example",
        "attacker.example/x",
        "<script>alert(1)</script>",
        "localhost:99999",
        "localhost:",
        "::1:{port}",
        "[::1:{port}",
        ""
      })
  void requestWhenHostIsMalformedThen400WithoutEchoingIt(String value) throws Exception {
    String hostValue = withPort(value);

    RawHttp.Response response =
        RawHttp.get(emulator.port(), "/", "Host: " + hostValue, "Cookie: " + cookie);

    assertThat(response.status()).as(hostValue).isEqualTo(400);
    assertThat(response.body()).doesNotContain("<", "attacker");
    assertThat(upstream.nothingReceived()).isTrue();
  }

  @Test
  void requestWhenNoHostOrTwoHostsThen400AndNothingForwarded() throws Exception {
    assertThat(RawHttp.get(emulator.port(), "/", "Cookie: " + cookie).status()).isEqualTo(400);
    assertThat(
            RawHttp.send(emulator.port(), "", "GET / HTTP/1.0", "Cookie: " + cookie).status())
        .isEqualTo(400);
    assertThat(
            RawHttp.get(
                    emulator.port(),
                    "/",
                    "Host: " + host,
                    "Host: attacker.example",
                    "Cookie: " + cookie)
                .status())
        .isEqualTo(400);
    assertThat(upstream.nothingReceived()).isTrue();
  }

  @Test
  void requestWhenTargetIsAbsoluteFormThen400AndNothingForwarded() throws Exception {
    for (String target : List.of("http://attacker.example/", "http://" + host + "/")) {
      RawHttp.Response response =
          RawHttp.get(emulator.port(), target, "Host: " + host, "Cookie: " + cookie);

      assertThat(response.status()).as(target).isEqualTo(400);
    }
    assertThat(upstream.nothingReceived()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost:{port}",
        "LocalHost:{port}",
        "127.0.0.1:{port}",
        "127.0.0.2:{port}",
        "[::1]:{port}",
        "[0:0:0:0:0:0:0:1]:{port}"
      })
  void requestWhenHostNamesThisEmulatorThenForwardedWithThatHost(String value) throws Exception {
    String hostValue = withPort(value);

    RawHttp.Response response =
        RawHttp.get(emulator.port(), "/", "Host: " + hostValue, "Cookie: " + cookie);

    assertThat(response.status()).as(hostValue).isEqualTo(200);
    TestUpstream.Received received = upstream.next();
    assertThat(received.header("Host")).containsExactly(hostValue);
    assertThat(verifier.verify(received.assertion()).email()).isEqualTo("ana@example.com");
  }

  @Test
  void jwksWhenHostIsAnotherNameThenServedBecauseTheKeysArePublic() throws Exception {
    RawHttp.Response response =
        RawHttp.get(emulator.port(), Emulator.JWKS_PATH, "Host: host.docker.internal:9999");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).contains("\"kty\":\"EC\"").doesNotContain("\"d\":");
  }

  @Test
  void requestWhenBoundToWildcardThenLoopbackAndThisMachinesAddressesAcceptedOthers421()
      throws Exception {
    Emulator wildcard = start(Emulator.builder().bind("0.0.0.0"));
    int port = wildcard.port();
    List<String> ownAddresses =
        NetworkInterface.networkInterfaces()
            .flatMap(NetworkInterface::inetAddresses)
            .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
            .map(InetAddress::getHostAddress)
            .collect(Collectors.toList());

    assertThat(wildcard.baseUri().toString()).isEqualTo("http://localhost:" + port);
    for (String accepted : concat(List.of("localhost", "127.0.0.1", "0.0.0.0"), ownAddresses)) {
      RawHttp.Response response = RawHttp.get(port, "/", "Host: " + accepted + ":" + port);
      // Not signed in: sent to the sign-in page, which means the Host passed.
      assertThat(response.status()).as(accepted).isEqualTo(302);
    }
    for (String refused : List.of("attacker.example", "203.0.113.7")) {
      assertThat(RawHttp.get(port, "/", "Host: " + refused + ":" + port).status())
          .as(refused)
          .isEqualTo(421);
    }
  }

  @Test
  void allowedHostsWhenGivenThenThoseNamesWorkOnAnyPortAndOthersStill421() throws Exception {
    Emulator mapped = start(Emulator.builder().allowedHosts(List.of("App.Test", "192.168.1.5")));
    String signedIn = Http.signIn(mapped.baseUri(), "ana@example.com", "example.com", "");

    RawHttp.Response proxied =
        RawHttp.get(mapped.port(), "/", "Host: app.test:9000", "Cookie: " + signedIn);
    assertThat(proxied.status()).isEqualTo(200);
    assertThat(upstream.next().header("Host")).containsExactly("app.test:9000");
    assertThat(RawHttp.get(mapped.port(), "/", "Host: 192.168.1.5").status()).isEqualTo(302);

    RawHttp.Response signIn =
        RawHttp.send(
            mapped.port(),
            "email=bob%40gmail.com&return=%2F",
            "POST /_gcp_iap/signin HTTP/1.1",
            "Host: app.test:9000",
            "Origin: http://app.test:9000",
            "Content-Type: application/x-www-form-urlencoded");
    assertThat(signIn.status()).isEqualTo(303);
    assertThat(signIn.header("Set-Cookie")).hasSize(1);

    assertThat(RawHttp.get(mapped.port(), "/", "Host: attacker.example:9000").status())
        .isEqualTo(421);
  }

  // ---- Origin: cross-site sign-in and sign-out ----------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://attacker.example",
        "null",
        "http://localhost:{port}",
        "https://127.0.0.1:{port}",
        "http://127.0.0.1:{other}",
        "http://127.0.0.1:{port}/",
        "http://127.0.0.1:{port}.attacker.example",
        "http://127.0.0.1"
      })
  void signInWhenOriginIsNotThisOriginThen403AndNoCookie(String value) throws Exception {
    // The JDK client sends Host 127.0.0.1:PORT, the emulator's base URI.
    String origin = withPort(value);

    HttpResponse<String> response =
        Http.send(
            Http.request(emulator.baseUri(), Emulator.SIGN_IN_PATH)
                .header("Origin", origin)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                    "email=mallory%40example.com&return=%2F"))
                .build());

    assertThat(response.statusCode()).as(origin).isEqualTo(403);
    assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(response.body()).doesNotContain("attacker");
    assertThat(log()).doesNotContain("signed in as mallory");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:{port}", "HTTP://127.0.0.1:{port}"})
  void signInWhenOriginIsThisOriginThenSignedIn(String value) throws Exception {
    HttpResponse<String> response =
        Http.send(
            Http.request(emulator.baseUri(), Emulator.SIGN_IN_PATH)
                .header("Origin", withPort(value))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                    "email=bob%40gmail.com&return=%2Fhome"))
                .build());

    assertThat(response.statusCode()).isEqualTo(303);
    assertThat(response.headers().firstValue("Location")).contains("/home");
    assertThat(response.headers().allValues("Set-Cookie")).hasSize(1);
  }

  @Test
  void signInWhenNoOriginThenSignedInAsCurlDoes() throws Exception {
    HttpResponse<String> response =
        Http.postSignIn(emulator.baseUri(), "email=bob%40gmail.com&return=%2F");

    assertThat(response.statusCode()).isEqualTo(303);
    assertThat(response.headers().allValues("Set-Cookie")).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/_gcp_iap/clear_login_cookie", "/page?gcp-iap-mode=CLEAR_LOGIN_COOKIE"})
  void signOutWhenPostedFromAnotherSiteThen403AndCookieKept(String target) throws Exception {
    RawHttp.Response response =
        RawHttp.send(
            emulator.port(),
            "x=1",
            "POST " + target + " HTTP/1.1",
            "Host: " + host,
            "Origin: https://attacker.example",
            "Cookie: " + cookie);

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.header("Set-Cookie")).isEmpty();
    assertThat(upstream.nothingReceived()).isTrue();
  }

  @Test
  void signOutWhenPostedFromThisOriginThenSignedOut() throws Exception {
    RawHttp.Response response =
        RawHttp.send(
            emulator.port(),
            "",
            "POST /_gcp_iap/clear_login_cookie HTTP/1.1",
            "Host: " + host,
            "Origin: http://" + host,
            "Cookie: " + cookie);

    assertThat(response.status()).isEqualTo(302);
    assertThat(response.header("Set-Cookie")).singleElement().asString().contains("Max-Age=0");
  }

  @Test
  void proxiedPostWhenOriginIsAnotherOriginThenForwardedForTheAppToJudgeAsBehindIap()
      throws Exception {
    RawHttp.Response response =
        RawHttp.send(
            emulator.port(),
            "{}",
            "POST /api/items HTTP/1.1",
            "Host: " + host,
            "Origin: http://localhost:5173",
            "Content-Type: application/json",
            "Cookie: " + cookie);

    assertThat(response.status()).isEqualTo(200);
    TestUpstream.Received received = upstream.next();
    assertThat(received.method()).isEqualTo("POST");
    assertThat(received.header("Origin")).containsExactly("http://localhost:5173");
    assertThat(verifier.verify(received.assertion()).email()).isEqualTo("ana@example.com");
  }

  // ---- Header smuggling ---------------------------------------------------------------------

  @Test
  void requestWhenXGoogHeadersSentWithUnderscoresThenNoneReachesTheApp() throws Exception {
    RawHttp.Response response =
        RawHttp.get(
            emulator.port(),
            "/",
            "Host: " + host,
            "Cookie: " + cookie,
            "x_goog_authenticated_user_email: accounts.google.com:mallory@example.com",
            "X_Goog-Iap-Jwt-Assertion: forged.token.value",
            "X-GOOG_AUTHENTICATED-USER_ID: accounts.google.com:1",
            "x_goog_anything: else",
            "X_Forwarded_For: 198.51.100.66",
            "X_Custom_Header: kept");

    assertThat(response.status()).isEqualTo(200);
    TestUpstream.Received received = upstream.next();
    List<String> xGoog =
        received.headers().keySet().stream()
            .map(name -> name.toLowerCase(Locale.ROOT))
            .filter(name -> name.replace('_', '-').startsWith("x-goog-"))
            .sorted()
            .collect(Collectors.toList());
    assertThat(xGoog)
        .containsExactly(
            "x-goog-authenticated-user-email",
            "x-goog-authenticated-user-id",
            "x-goog-iap-jwt-assertion");
    assertThat(verifier.verify(received.assertion()).email()).isEqualTo("ana@example.com");
    assertThat(received.header("x-goog-authenticated-user-email"))
        .containsExactly("accounts.google.com:ana@example.com");
    assertThat(received.header("X-Forwarded-For")).containsExactly("127.0.0.1");
    assertThat(received.header("X_Forwarded_For")).isEmpty();
    assertThat(received.header("X_Custom_Header")).containsExactly("kept");
  }

  // ---- The emulator's own pages -------------------------------------------------------------

  @Test
  void signInPageWhenServedThenRefusesToBeFramedByAnotherSite() throws Exception {
    HttpResponse<String> page = Http.get(emulator.baseUri(), Emulator.SIGN_IN_PATH, null);

    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .contains("frame-ancestors 'none'");
    assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
  }

  @Test
  void emulatorPageWhenUnknownThenItsTextIsNeverSniffedAsHtml() throws Exception {
    HttpResponse<String> response =
        Http.get(emulator.baseUri(), "/_gcp_iap/%3Cb%3Ex%3C%2Fb%3E", null);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
    assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
  }

  private static List<String> concat(List<String> first, List<String> second) {
    return Stream.concat(first.stream(), second.stream())
        .collect(Collectors.toList());
  }
}
