package io.github.iapverifier.parity;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.test.FakeIap;
import io.github.iapverifier.test.FakeIap.SecureTokenTest;
import io.github.iapverifier.web.IapLegacyHeaders;
import io.github.iapverifier.web.IapProblem;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The parity suite: one set of HTTP cases that every adapter configuration must answer alike, over
 * real HTTP in a real server. Each case checks the status, the {@code reason} and the exact
 * problem+json bytes of a rejection, or the {@link Echo} line (what the application sees: the
 * identity and the legacy headers) of a request that reaches the application. Since every
 * configuration is held to the same expected answers, they agree with each other case by case.
 *
 * <p>A configuration is a subclass that returns an {@link AdapterConfiguration} whose app serves:
 *
 * <ul>
 *   <li>{@code GET /whoami}: 200 and the {@link Echo} line;
 *   <li>{@code GET /async/whoami}: the same, written after an async dispatch;
 *   <li>{@code GET /boom}: the handler throws; the app's error page answers 500 and its line;
 *   <li>any other path: the error page answers 404 and its line;
 *   <li>{@code GET /healthz}: as {@code /whoami}, excluded from IAP ({@link
 *       ParitySettings#excludedPath()}).
 * </ul>
 *
 * Requests carry {@code Accept: text/html}, so that Spring Boot's error controller renders its
 * {@code error} view (the line) rather than its JSON.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ParitySuite {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  static final String AUDIENCE = "/projects/123456789012/global/backendServices/4567890123";
  static final String ANA = "ana@example.com";
  static final String FORGED = "accounts.google.com:boss@example.com";

  private FakeIap iap;
  private AdapterConfiguration.RunningApp app;

  /**
   * Returns the configuration under test.
   *
   * @return the configuration
   */
  protected abstract AdapterConfiguration configuration();

  private ParitySettings settings(URI jwksUri) {
    return new ParitySettings(AUDIENCE, jwksUri, "/healthz", "example.com");
  }

  @BeforeAll
  void start() throws Exception {
    iap = FakeIap.builder().audience(AUDIENCE).start();
    app = configuration().start(settings(iap.jwksUri()));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (app != null) {
        app.close();
      }
    } finally {
      iap.close();
    }
  }

  // ---- requests that reach the application ----

  @Test
  void whoamiWhenValidAssertionAndForgedLegacyHeaderThenVerifiedIdentityOnly() {
    HttpResponse<String> response =
        send("GET", "/whoami", IapVerifier.HEADER, ana(), IapLegacyHeaders.EMAIL, FORGED);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(anaSees(200));
  }

  @Test
  void asyncWhenValidAssertionThenIdentitySurvivesTheAsyncDispatch() {
    HttpResponse<String> response =
        send("GET", "/async/whoami", IapVerifier.HEADER, ana(), IapLegacyHeaders.EMAIL, FORGED);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(anaSees(200));
  }

  @Test
  void boomWhenHandlerThrowsThen500AndErrorPageSeesTheIdentity() {
    HttpResponse<String> response =
        send("GET", "/boom", IapVerifier.HEADER, ana(), IapLegacyHeaders.EMAIL, FORGED);

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).isEqualTo(anaSees(500));
  }

  @Test
  void unknownPathWhenValidAssertionThen404AndErrorPageSeesTheIdentity() {
    HttpResponse<String> response =
        send("GET", "/nope", IapVerifier.HEADER, ana(), IapLegacyHeaders.ID, "forged-id");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo(anaSees(404));
  }

  @Test
  void excludedPathWhenNoAssertionThenNoIdentityAndNoForgedHeader() {
    HttpResponse<String> response =
        send("GET", "/healthz", IapLegacyHeaders.EMAIL, FORGED, IapLegacyHeaders.ID, "forged");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(Echo.line(200, null, null, null, null, null));
  }

  // ---- rejections ----

  @Test
  void whoamiWhenNoAssertionThen401Missing() {
    assertRejected(send("GET", "/whoami"), Reason.MISSING);
  }

  @Test
  void whoamiWhenOnlyForgedLegacyHeadersThen401Missing() {
    assertRejected(
        send("GET", "/whoami", IapLegacyHeaders.EMAIL, FORGED, IapLegacyHeaders.ID, "forged"),
        Reason.MISSING);
  }

  @Test
  void postWhenNoAssertionThen401MissingNotCsrf() {
    assertRejected(send("POST", "/whoami"), Reason.MISSING);
  }

  /** Spring Security's firewall may refuse an unknown method first (400); else IAP's 401. */
  @Test
  void oddMethodWhenNoAssertionThenRefusedNeverServed() {
    HttpResponse<String> response = send("PROPFIND", "/whoami", IapLegacyHeaders.EMAIL, FORGED);

    if (response.statusCode() != 400) {
      assertRejected(response, Reason.MISSING);
    }
    assertThat(response.body()).doesNotContain("status=").doesNotContain("boss");
  }

  @Test
  void unknownPathWhenNoAssertionThen401Missing() {
    assertRejected(send("GET", "/nope"), Reason.MISSING);
  }

  @Test
  void whoamiWhenExpiredThen401Expired() {
    assertRejected(
        send("GET", "/whoami", IapVerifier.HEADER, iap.token(SecureTokenTest.PAST_EXPIRATION)),
        Reason.EXPIRED);
  }

  @Test
  void whoamiWhenWrongAudienceThen401WithoutDisclosingTheAudience() {
    HttpResponse<String> response =
        send("GET", "/whoami", IapVerifier.HEADER, iap.token(SecureTokenTest.AUDIENCE));

    assertRejected(response, Reason.WRONG_AUDIENCE);
    assertThat(response.body()).doesNotContain("123456789012").doesNotContain("4567890123");
  }

  @Test
  void whoamiWhenBadSignatureThen401BadSignature() {
    assertRejected(
        send("GET", "/whoami", IapVerifier.HEADER, iap.token(SecureTokenTest.SIGNATURE)),
        Reason.BAD_SIGNATURE);
  }

  @Test
  void whoamiWhenDomainNotAllowedThen403PolicyDenied() {
    String other = iap.token().email("eve@other.org").hostedDomain("other.org").build();

    HttpResponse<String> response = send("GET", "/whoami", IapVerifier.HEADER, other);

    assertRejected(response, Reason.POLICY_DENIED);
    assertThat(response.body()).doesNotContain("example.com").doesNotContain("other.org");
  }

  @Test
  void whoamiWhenTwoAssertionHeadersThen401Malformed() {
    assertRejected(
        send("GET", "/whoami", IapVerifier.HEADER, ana(), IapVerifier.HEADER, ana()),
        Reason.MALFORMED);
  }

  @Test
  void excludedPathWhenInvalidAssertionThenStillExempt() {
    HttpResponse<String> response =
        send("GET", "/healthz", IapVerifier.HEADER, iap.token(SecureTokenTest.SIGNATURE));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(Echo.line(200, null, null, null, null, null));
  }

  /**
   * Paths that spell something other than the excluded path as sent: a server or framework may
   * refuse them (400) or IAP may, but none is exempt and none reaches the application.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "/healthz;x=1",
        "/%68ealthz",
        "/healthz/..;/whoami",
        "/healthz/%2e%2e/whoami",
        "/healthz/../whoami",
        "//healthz",
        "/healthz/%2fwhoami"
      })
  void excludedPathWhenNotInNormalFormThenNeverExempt(String path) {
    HttpResponse<String> response = send("GET", path, IapLegacyHeaders.EMAIL, FORGED);

    assertThat(response.statusCode()).as(path).isIn(400, 401);
    assertThat(response.body()).as(path).doesNotContain("status=").doesNotContain("boss");
  }

  @Test
  void whoamiWhenKeysUnavailableThen503WithRetryAfter() throws Exception {
    try (FakeIap down = FakeIap.builder().audience(AUDIENCE).start()) {
      down.simulateOutage(true);
      try (AdapterConfiguration.RunningApp outage =
          configuration().start(settings(down.jwksUri()))) {
        HttpResponse<String> response =
            send(outage.baseUri(), "GET", "/whoami", IapVerifier.HEADER, down.token().build());

        assertRejected(response, Reason.KEYS_UNAVAILABLE);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("30");
        assertThat(response.body()).doesNotContain(down.jwksUri().toString());
      }
    }
  }

  // ---- helpers ----

  private String ana() {
    return iap.token().email(ANA).build();
  }

  private static String anaSees(int status) {
    return Echo.line(
        status, ANA, ANA, ANA, "accounts.google.com:" + ANA, FakeIap.googleSubject(ANA));
  }

  /** Status, headers and the exact bytes every adapter writes for this reason. */
  private static void assertRejected(HttpResponse<String> response, Reason reason) {
    IapProblem expected = IapProblem.of(new IapVerificationException(reason, "any"));
    assertThat(response.statusCode()).as(reason.name()).isEqualTo(expected.status());
    assertThat(response.body()).as(reason.name()).isEqualTo(expected.bodyText());
    assertThat(response.headers().firstValue("Content-Type")).hasValue(IapProblem.CONTENT_TYPE);
    for (Map.Entry<String, String> header : expected.headers().entrySet()) {
      assertThat(response.headers().allValues(header.getKey()))
          .as(header.getKey())
          .containsExactly(header.getValue());
    }
    if (expected.status() != 401) {
      assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
    }
  }

  private HttpResponse<String> send(String method, String path, String... headers) {
    return send(app.baseUri(), method, path, headers);
  }

  private static HttpResponse<String> send(
      URI base, String method, String path, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(20))
            .header("Accept", "text/html")
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
