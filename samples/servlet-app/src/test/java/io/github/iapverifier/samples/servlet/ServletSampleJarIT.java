package io.github.iapverifier.samples.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.emulator.Emulator;
import io.github.iapverifier.samples.testing.Http;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packaged sample, started as its README says: {@code java -jar servlet-sample.jar}. */
class ServletSampleJarIT {

  private static final Path JAR = Path.of("target", "servlet-sample.jar");

  private Process process;

  @BeforeAll
  static void jarExists() {
    assertThat(JAR).as("run through mvn verify, which packages the jar first").isRegularFile();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private Process java(Map<String, String> env) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar",
                    JAR.toString()))
            .redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("IAP_"));
    builder.environment().putAll(env);
    process = builder.start();
    return process;
  }

  @Test
  void startWhenConfiguredThenServesHealthAndRejectsForgedHeader() throws Exception {
    int port = Http.freePort();
    Process app =
        java(
            Map.of(
                "PORT",
                String.valueOf(port),
                "IAP_AUDIENCES",
                Emulator.DEFAULT_AUDIENCE,
                // Nothing listens there: keys are not needed to reject a request without any.
                "IAP_JWKS_URI",
                "http://127.0.0.1:" + Http.freePort() + Emulator.JWKS_PATH));
    BufferedReader output =
        new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = output.readLine()) != null && !line.startsWith("Servlet sample listening")) {
      seen.append(line).append('\n');
    }
    assertThat(line)
        .as("start-up output: %s", seen)
        .isEqualTo("Servlet sample listening on port " + port + "; admins: []");

    URI base = URI.create("http://127.0.0.1:" + port);
    assertThat(Http.get(URI.create(base + "/healthz")).body()).isEqualTo("ok");
    HttpResponse<String> forged =
        Http.get(
            URI.create(base + "/"),
            "x-goog-authenticated-user-email",
            "accounts.google.com:boss@example.com");
    assertThat(forged.statusCode()).isEqualTo(401);
  }

  @Test
  void startWhenNoAudienceThenExitsTwoSayingWhatToSet() throws Exception {
    Process app = java(Map.of("PORT", String.valueOf(Http.freePort())));

    assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(app.exitValue()).isEqualTo(2);
    assertThat(new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("servlet-sample: set IAP_AUDIENCES");
  }
}
