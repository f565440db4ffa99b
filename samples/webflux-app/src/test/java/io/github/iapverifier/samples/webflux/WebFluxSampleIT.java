package io.github.iapverifier.samples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.emulator.EmulatedUser;
import io.github.iapverifier.emulator.Emulator;
import io.github.iapverifier.samples.testing.Http;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The WebFlux sample with its {@code local} profile behind an in-JVM emulator, on free ports, over
 * real HTTP; and, for the attacker's view, without the emulator.
 */
class WebFluxSampleIT {

  static final String ADMIN = "admin@example.com";
  static final String USER = "ana@example.com";

  private static ConfigurableApplicationContext app;
  private static Emulator emulator;
  private static String user;
  private static String admin;

  @BeforeAll
  static void start() {
    int emulatorPort = Http.freePort();
    app =
        new SpringApplicationBuilder(WebFluxSample.class)
            .profiles("local")
            // As command-line arguments, which win over application-local.yml.
            .run(
                "--server.port=0",
                "--iap.jwks-uri=http://127.0.0.1:" + emulatorPort + Emulator.JWKS_PATH);
    emulator =
        Emulator.builder()
            .upstream(appUri(""))
            .port(emulatorPort)
            .presets(
                List.of(EmulatedUser.of(USER, "example.com"), EmulatedUser.of(ADMIN, "example.com")))
            .start();
    user = Http.signIn(emulator.baseUri(), USER, "example.com");
    admin = Http.signIn(emulator.baseUri(), ADMIN, "example.com");
    Http.awaitKeys(emulator.baseUri(), user);
  }

  @AfterAll
  static void stop() {
    try {
      if (emulator != null) {
        emulator.close();
      }
    } finally {
      if (app != null) {
        app.close();
      }
    }
  }

  private static URI appUri(String path) {
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static HttpResponse<String> viaEmulator(String path, String cookie) {
    return Http.get(URI.create(emulator.baseUri() + path), "Cookie", cookie);
  }

  @Test
  void identityPageWhenSignedInThenShowsTheVerifiedIdentity() {
    HttpResponse<String> page = viaEmulator("/", user);

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .contains("<td id=\"email\">ana@example.com</td>")
        .contains("<td id=\"domain\">example.com</td>")
        .contains("<td id=\"audience\">/projects/1/apps/local-dev</td>")
        .containsPattern("<td id=\"expires\">[0-9T:.-]+Z \\(in [0-9]+ s\\)</td>")
        .contains("<td id=\"authorities\">IAP_DOMAIN_example.com, IAP_USER</td>");
  }

  @Test
  void identityPageWhenNotSignedInThenEmulatorSendsToSignIn() {
    HttpResponse<String> page = Http.get(URI.create(emulator.baseUri() + "/"));

    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(page.headers().firstValue("Location")).hasValue("/_gcp_iap/signin?return=%2F");
  }

  @Test
  void adminPageWhenNotAnAdminThen403() {
    HttpResponse<String> page = viaEmulator("/admin", user);

    assertThat(page.statusCode()).isEqualTo(403);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(page.body()).contains("\"reason\":\"POLICY_DENIED\"");
  }

  @Test
  void adminPageWhenAdminThenServed() {
    HttpResponse<String> page = viaEmulator("/admin", admin);

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).isEqualTo("Hello admin admin@example.com");
  }

  @Test
  void appPortWhenForgedIdentityHeaderWithoutAssertionThen401() {
    HttpResponse<String> page =
        Http.get(
            appUri("/admin"),
            "x-goog-authenticated-user-email",
            "accounts.google.com:admin@example.com");

    assertThat(page.statusCode()).isEqualTo(401);
    assertThat(page.headers().firstValue("WWW-Authenticate")).hasValue("IAP");
    assertThat(page.body()).contains("\"reason\":\"MISSING\"");
  }

  @Test
  void healthzWhenCalledDirectlyThenServedWithoutAssertion() {
    HttpResponse<String> page = Http.get(appUri("/healthz"));

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).isEqualTo("ok");
  }
}
