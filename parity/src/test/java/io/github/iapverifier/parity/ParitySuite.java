package io.github.iapverifier.parity;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapProxy;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.test.FakeIap;
import io.github.iapverifier.test.FakeIap.SecureTokenTest;
import io.github.iapverifier.web.IapLegacyHeaders;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
 *   <li>{@code GET /healthz}: as {@code /whoami}, excluded from IAP ({@code iap.excluded-paths}).
 * </ul>
 *
 * The cases here are Google IAP's; {@link ProxyParitySuite}, which this extends, runs the core
 * cases of every other proxy through the same configuration. Requests carry {@code Accept:
 * text/html}, so that Spring Boot's error controller renders its {@code error} view (the line)
 * rather than its JSON.
 */
public abstract class ParitySuite extends ProxyParitySuite {

  static final String AUDIENCE = "/projects/123456789012/global/backendServices/4567890123";
  static final String ANA = "ana@example.com";
  static final String FORGED = "accounts.google.com:boss@example.com";

  private FakeIap iap;
  private AdapterConfiguration.RunningApp app;

  private static ParitySettings settings(URI jwksUri) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("iap.audiences", AUDIENCE);
    properties.put("iap.jwks-uri", jwksUri.toString());
    properties.put("iap.excluded-paths", "/healthz");
    properties.put("iap.allowed-hosted-domains", "example.com");
    return new ParitySettings(IapProxy.GOOGLE_IAP, properties);
  }

  @BeforeAll
  void startGoogle() throws Exception {
    iap = FakeIap.builder().audience(AUDIENCE).start();
    app = configuration().start(settings(iap.jwksUri()));
  }

  @AfterAll
  void stopGoogle() throws Exception {
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
    ParityHttp.assertRejected(send("GET", "/whoami"), Reason.MISSING);
  }

  @Test
  void whoamiWhenOnlyForgedLegacyHeadersThen401Missing() {
    ParityHttp.assertRejected(
        send("GET", "/whoami", IapLegacyHeaders.EMAIL, FORGED, IapLegacyHeaders.ID, "forged"),
        Reason.MISSING);
  }

  @Test
  void postWhenNoAssertionThen401MissingNotCsrf() {
    ParityHttp.assertRejected(send("POST", "/whoami"), Reason.MISSING);
  }

  /** Spring Security's firewall may refuse an unknown method first (400); else IAP's 401. */
  @Test
  void oddMethodWhenNoAssertionThenRefusedNeverServed() {
    HttpResponse<String> response = send("PROPFIND", "/whoami", IapLegacyHeaders.EMAIL, FORGED);

    if (response.statusCode() != 400) {
      ParityHttp.assertRejected(response, Reason.MISSING);
    }
    assertThat(response.body()).doesNotContain("status=").doesNotContain("boss");
  }

  @Test
  void unknownPathWhenNoAssertionThen401Missing() {
    ParityHttp.assertRejected(send("GET", "/nope"), Reason.MISSING);
  }

  @Test
  void whoamiWhenExpiredThen401Expired() {
    ParityHttp.assertRejected(
        send("GET", "/whoami", IapVerifier.HEADER, iap.token(SecureTokenTest.PAST_EXPIRATION)),
        Reason.EXPIRED);
  }

  @Test
  void whoamiWhenWrongAudienceThen401WithoutDisclosingTheAudience() {
    HttpResponse<String> response =
        send("GET", "/whoami", IapVerifier.HEADER, iap.token(SecureTokenTest.AUDIENCE));

    ParityHttp.assertRejected(response, Reason.WRONG_AUDIENCE);
    assertThat(response.body()).doesNotContain("123456789012").doesNotContain("4567890123");
  }

  @Test
  void whoamiWhenBadSignatureThen401BadSignature() {
    ParityHttp.assertRejected(
        send("GET", "/whoami", IapVerifier.HEADER, iap.token(SecureTokenTest.SIGNATURE)),
        Reason.BAD_SIGNATURE);
  }

  @Test
  void whoamiWhenDomainNotAllowedThen403PolicyDenied() {
    String other = iap.token().email("eve@other.org").hostedDomain("other.org").build();

    HttpResponse<String> response = send("GET", "/whoami", IapVerifier.HEADER, other);

    ParityHttp.assertRejected(response, Reason.POLICY_DENIED);
    assertThat(response.body()).doesNotContain("example.com").doesNotContain("other.org");
  }

  @Test
  void whoamiWhenTwoAssertionHeadersThen401Malformed() {
    ParityHttp.assertRejected(
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
            ParityHttp.send(
                outage.baseUri(), "GET", "/whoami", IapVerifier.HEADER, down.token().build());

        ParityHttp.assertRejected(response, Reason.KEYS_UNAVAILABLE);
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

  private HttpResponse<String> send(String method, String path, String... headers) {
    return ParityHttp.send(app.baseUri(), method, path, headers);
  }
}
