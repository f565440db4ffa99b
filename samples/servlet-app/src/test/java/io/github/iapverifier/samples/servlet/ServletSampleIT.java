package io.github.iapverifier.samples.servlet;

import static io.github.iapverifier.samples.servlet.SampleBehindEmulator.ADMIN;
import static io.github.iapverifier.samples.servlet.SampleBehindEmulator.USER;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.samples.testing.Http;
import java.net.URI;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The servlet sample over real HTTP, behind the emulator and, for the attacker's view, without. */
class ServletSampleIT {

  private static SampleBehindEmulator sample;
  private static String user;
  private static String admin;

  @BeforeAll
  static void start() {
    sample = new SampleBehindEmulator();
    user = Http.signIn(sample.emulatorUri(), USER, "example.com");
    admin = Http.signIn(sample.emulatorUri(), ADMIN, "example.com");
    Http.awaitKeys(sample.emulatorUri(), user);
  }

  @AfterAll
  static void stop() {
    if (sample != null) {
      sample.close();
    }
  }

  private static HttpResponse<String> viaEmulator(String path, String cookie) {
    return Http.get(URI.create(sample.emulatorUri() + path), "Cookie", cookie);
  }

  @Test
  void identityPageWhenSignedInThenShowsTheVerifiedIdentity() {
    HttpResponse<String> page = viaEmulator("/", user);

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .contains("<td id=\"email\">ana@example.com</td>")
        .contains("<td id=\"domain\">example.com</td>")
        .contains("<td id=\"audience\">/projects/1/apps/local-dev</td>")
        .containsPattern("<td id=\"expires\">[0-9T:-]+Z \\(in [0-9]+ s\\)</td>");
  }

  @Test
  void identityPageWhenNotSignedInThenEmulatorSendsToSignIn() {
    HttpResponse<String> page = Http.get(URI.create(sample.emulatorUri() + "/"));

    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(page.headers().firstValue("Location")).hasValue("/_gcp_iap/signin?return=%2F");
  }

  @Test
  void adminPageWhenNotAnAdminThen403() {
    HttpResponse<String> page = viaEmulator("/admin", user);

    assertThat(page.statusCode()).isEqualTo(403);
    assertThat(page.body()).contains("ana@example.com</strong> is not an admin");
  }

  @Test
  void adminPageWhenAnAdminThen200() {
    HttpResponse<String> page = viaEmulator("/admin", admin);

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Welcome, admin <strong>boss@example.com</strong>");
  }

  @Test
  void directRequestWhenForgedEmailHeaderThen401() {
    // The "direct URL still reachable" mistake: the app's own port, around IAP.
    HttpResponse<String> response =
        Http.get(
            sample.appUri("/admin"),
            "x-goog-authenticated-user-email",
            "accounts.google.com:" + ADMIN);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.body()).contains("\"reason\":\"MISSING\"");
  }

  @Test
  void healthzWhenNoAssertionThen200() {
    HttpResponse<String> response = Http.get(sample.appUri("/healthz"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok");
  }

  @ParameterizedTest
  @ValueSource(strings = {"SIGNATURE", "FUTURE_ISSUE", "PAST_EXPIRATION", "ISSUER", "AUDIENCE"})
  void secureTokenTestWhenInvalidAssertionThen401(String type) {
    HttpResponse<String> response =
        viaEmulator("/?gcp-iap-mode=SECURE_TOKEN_TEST&iap-secure-token-test-type=" + type, user);

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void secureTokenTestWhenNotSetThenValidAnd200() {
    HttpResponse<String> response =
        viaEmulator("/?gcp-iap-mode=SECURE_TOKEN_TEST&iap-secure-token-test-type=NOT_SET", user);

    assertThat(response.statusCode()).isEqualTo(200);
  }
}
