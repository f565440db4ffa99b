package io.github.iapverifier.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.test.FakeIap;
import io.github.iapverifier.test.FakeIap.SecureTokenTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The sign-in page, the cookie, IAP's gcp-iap-mode URLs and the JWKS endpoint. */
class EmulatorSignInTest {

  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private TestUpstream upstream;
  private Emulator emulator;
  private IapVerifier verifier;

  @BeforeEach
  void start() {
    upstream = new TestUpstream();
    emulator =
        Emulator.builder()
            .upstream(upstream.uri())
            .port(0)
            .presets(
                List.of(
                    EmulatedUser.of("admin@example.com", "example.com",
                        "accessPolicies/1/accessLevels/admin"),
                    EmulatedUser.of("bob@gmail.com", null)))
            .log(new PrintStream(log, true, StandardCharsets.UTF_8))
            .start();
    verifier =
        IapVerifier.builder().audiences(emulator.audience()).jwksUri(emulator.jwksUri()).build();
  }

  @AfterEach
  void stop() {
    verifier.close();
    emulator.close();
    upstream.close();
  }

  @Test
  void requestWhenNotSignedInThenRedirectedToSignInAndAppNotReached() throws Exception {
    HttpResponse<String> response = Http.get(emulator.baseUri(), "/a/b?x=1&y=%2F", null);

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("Location"))
        .contains("/_gcp_iap/signin?return=%2Fa%2Fb%3Fx%3D1%26y%3D%252F");
    assertThat(response.headers().firstValue(EmulatorHandler.GENERATED)).contains("true");
    assertThat(upstream.nothingReceived()).isTrue();
  }

  @Test
  void requestWhenCookieIsNotTheEmulatorsThenRedirectedToSignIn() throws Exception {
    HttpResponse<String> response =
        Http.get(emulator.baseUri(), "/", Emulator.COOKIE_NAME + "=bm90IGFuIGVtYWls");

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(upstream.nothingReceived()).isTrue();
  }

  @Test
  void signInPageWhenOpenedThenSelfContainedHtmlWithPresetsAndForm() throws Exception {
    HttpResponse<String> response =
        Http.get(emulator.baseUri(), "/_gcp_iap/signin?return=%2Freports", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(response.body())
        .contains("local IAP emulator")
        .contains("data-email=\"admin@example.com\"", "Workspace example.com")
        .contains("accessPolicies/1/accessLevels/admin")
        .contains("data-email=\"bob@gmail.com\"", "consumer account")
        .contains("name=\"email\"", "name=\"hd\"", "name=\"levels\"")
        .contains("name=\"return\" value=\"/reports\"")
        .contains(Emulator.DEFAULT_AUDIENCE)
        .doesNotContain("<script", "<link", "src=", "url(");
  }

  @Test
  void signInWhenFormPostedThenCookieSetAndRequestsCarryThatIdentity() throws Exception {
    HttpResponse<String> signIn =
        Http.postSignIn(
            emulator.baseUri(),
            "email=ana%40example.com&hd=example.com&levels=accessPolicies%2F1%2FaccessLevels%2Fcorp"
                + "%0D%0AaccessPolicies%2F1%2FaccessLevels%2Fadmin&return=%2Freports%3Fy%3D2025");

    assertThat(signIn.statusCode()).isEqualTo(303);
    assertThat(signIn.headers().firstValue("Location")).contains("/reports?y=2025");
    String setCookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie)
        .startsWith(Emulator.COOKIE_NAME + "=")
        .contains("; Path=/", "; HttpOnly", "; SameSite=Lax");
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("signed in as ana@example.com");

    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    HttpResponse<String> page = Http.get(emulator.baseUri(), "/reports?y=2025", cookie);

    assertThat(page.statusCode()).isEqualTo(200);
    var who = verifier.verify(upstream.next().assertion());
    assertThat(who.email()).isEqualTo("ana@example.com");
    assertThat(who.hostedDomain()).contains("example.com");
    assertThat(who.accessLevels())
        .containsExactly(
            "accessPolicies/1/accessLevels/corp", "accessPolicies/1/accessLevels/admin");
  }

  @Test
  void signInWhenPresetPostedThenSignedInAsThePreset() throws Exception {
    String cookie =
        Http.signIn(emulator.baseUri(), "admin@example.com", "example.com",
            "accessPolicies/1/accessLevels/admin");

    HttpResponse<String> page = Http.get(emulator.baseUri(), "/_gcp_iap/signin", cookie);

    assertThat(page.body()).contains("Signed in as <strong>admin@example.com</strong>");
  }

  @Test
  void signInWhenEmailInvalidThen400WithTheReasonAndNoCookie() throws Exception {
    HttpResponse<String> response =
        Http.postSignIn(emulator.baseUri(), "email=%3Cb%3Enot-an-email&hd=&levels=&return=%2F");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(response.body())
        .contains("is not an email address")
        .contains("value=\"&lt;b&gt;not-an-email\"")
        .doesNotContain("<b>not-an-email");
  }

  @Test
  void signInWhenAccessLevelMalformedThen400NamingIt() throws Exception {
    HttpResponse<String> response =
        Http.postSignIn(emulator.baseUri(), "email=ana%40example.com&levels=corp&return=%2F");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .contains("access level &#39;corp&#39; is not of the form accessPolicies/NUMBER/accessLevels/NAME");
  }

  @Test
  void signInWhenReturnPointsToAnotherSiteThenGoesHomeInstead() throws Exception {
    for (String target : List.of("%2F%2Fevil.example%2F", "https%3A%2F%2Fevil.example%2F",
        "%2F%5Cevil.example")) {
      HttpResponse<String> response =
          Http.postSignIn(emulator.baseUri(), "email=ana%40example.com&return=" + target);

      assertThat(response.headers().firstValue("Location")).as(target).contains("/");
    }
  }

  @Test
  void clearLoginCookieWhenOnAnyPathThenCookieExpiredAndBackToThatUrlWithoutTheMode()
      throws Exception {
    String cookie = Http.signIn(emulator.baseUri(), "ana@example.com", "example.com", "");

    HttpResponse<String> response =
        Http.get(emulator.baseUri(), "/page?a=1&gcp-iap-mode=CLEAR_LOGIN_COOKIE&b=2", cookie);

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("Location")).contains("/page?a=1&b=2");
    assertThat(response.headers().firstValue("Set-Cookie").orElseThrow())
        .startsWith(Emulator.COOKIE_NAME + "=;")
        .contains("Max-Age=0");
    assertThat(upstream.nothingReceived()).isTrue();
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("signed out ana@example.com");
  }

  @Test
  void clearLoginCookieWhenItsOwnPathThenCookieExpiredAndHome() throws Exception {
    HttpResponse<String> response = Http.get(emulator.baseUri(), "/_gcp_iap/clear_login_cookie",
        null);

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("Location")).contains("/");
    assertThat(response.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
  }

  @Test
  void identityWhenSignedInThenJsonAsRealIapAndSubjectMatchesTheAssertion() throws Exception {
    String cookie = Http.signIn(emulator.baseUri(), "ana@example.com", "example.com", "");

    HttpResponse<String> identity =
        Http.get(emulator.baseUri(), "/any/path?gcp-iap-mode=IDENTITY", cookie);

    assertThat(identity.statusCode()).isEqualTo(200);
    assertThat(identity.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
    assertThat(identity.body())
        .isEqualTo(
            "{\"email\":\"accounts.google.com:ana@example.com\",\"sub\":\""
                + FakeIap.googleSubject("ana@example.com")
                + "\"}");
    assertThat(upstream.nothingReceived()).isTrue();

    Http.get(emulator.baseUri(), "/", cookie);
    assertThat(identity.body())
        .contains(verifier.verify(upstream.next().assertion()).subject());
  }

  @Test
  void identityWhenNotSignedInThenSignInFirstAndComeBack() throws Exception {
    HttpResponse<String> response =
        Http.get(emulator.baseUri(), "/?gcp-iap-mode=IDENTITY", null);

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("Location"))
        .contains("/_gcp_iap/signin?return=%2F%3Fgcp-iap-mode%3DIDENTITY");
  }

  @ParameterizedTest
  @EnumSource(SecureTokenTest.class)
  void secureTokenTestWhenTypeGivenThenAppGetsTheTokenAndVerifierAnswersAsIapExpects(
      SecureTokenTest type) throws Exception {
    Map<SecureTokenTest, Reason> expected =
        Map.of(
            SecureTokenTest.SIGNATURE, Reason.BAD_SIGNATURE,
            SecureTokenTest.FUTURE_ISSUE, Reason.ISSUED_IN_FUTURE,
            SecureTokenTest.PAST_EXPIRATION, Reason.EXPIRED,
            SecureTokenTest.ISSUER, Reason.WRONG_ISSUER,
            SecureTokenTest.AUDIENCE, Reason.WRONG_AUDIENCE);
    String cookie = Http.signIn(emulator.baseUri(), "ana@example.com", "example.com", "");

    HttpResponse<String> response =
        Http.get(
            emulator.baseUri(),
            "/check?gcp-iap-mode=SECURE_TOKEN_TEST&iap-secure-token-test-type=" + type,
            cookie);

    assertThat(response.statusCode()).isEqualTo(200);
    TestUpstream.Received received = upstream.next();
    assertThat(received.uri())
        .isEqualTo("/check?gcp-iap-mode=SECURE_TOKEN_TEST&iap-secure-token-test-type=" + type);
    if (type == SecureTokenTest.NOT_SET) {
      assertThat(verifier.verify(received.assertion()).email()).isEqualTo("ana@example.com");
    } else {
      assertThatThrownBy(() -> verifier.verify(received.assertion()))
          .isInstanceOfSatisfying(
              IapVerificationException.class,
              e -> assertThat(e.reason()).isEqualTo(expected.get(type)));
    }
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("(SECURE_TOKEN_TEST " + type + ")");
  }

  @Test
  void secureTokenTestWhenTypeUnknownThen400ListingTheTypes() throws Exception {
    String cookie = Http.signIn(emulator.baseUri(), "ana@example.com", "example.com", "");

    HttpResponse<String> response =
        Http.get(emulator.baseUri(),
            "/?gcp-iap-mode=SECURE_TOKEN_TEST&iap-secure-token-test-type=SIGNATUR", cookie);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("'SIGNATUR'").contains("PAST_EXPIRATION");
    assertThat(upstream.nothingReceived()).isTrue();
  }

  @Test
  void modeWhenUnknownThen400ListingTheModes() throws Exception {
    String cookie = Http.signIn(emulator.baseUri(), "ana@example.com", "example.com", "");

    HttpResponse<String> response =
        Http.get(emulator.baseUri(), "/?gcp-iap-mode=IDENTIY", cookie);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("'IDENTIY'").contains("IDENTITY, CLEAR_LOGIN_COOKIE");
  }

  @Test
  void jwksWhenFetchedWithoutSigningInThenPublicKeysOnly() throws Exception {
    HttpResponse<String> response = Http.get(emulator.baseUri(), Emulator.JWKS_PATH, null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
    assertThat(response.body()).contains("\"kty\":\"EC\"", "\"crv\":\"P-256\"", "\"kid\":")
        .doesNotContain("\"d\":");
    assertThat(upstream.nothingReceived()).isTrue();
  }
}
