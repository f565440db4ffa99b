package io.github.iapverifier.samples.spring;

import io.github.iapverifier.emulator.EmulatedUser;
import io.github.iapverifier.emulator.Emulator;
import io.github.iapverifier.samples.testing.Http;
import java.net.URI;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Spring Boot sample with its {@code local} profile behind an in-JVM emulator, as {@code
 * run-sample.sh} runs them, but on free ports.
 */
final class SampleBehindEmulator implements AutoCloseable {

  /** Granted ADMIN by application.yml. */
  static final String ADMIN = "admin@example.com";

  static final String USER = "ana@example.com";

  final ConfigurableApplicationContext app;
  final Emulator emulator;

  SampleBehindEmulator() {
    int emulatorPort = Http.freePort();
    app =
        new SpringApplicationBuilder(SpringBootSample.class)
            .profiles("local")
            // As command-line arguments, which win over application-local.yml.
            .run(
                "--server.port=0",
                "--iap.jwks-uri=http://127.0.0.1:" + emulatorPort + Emulator.JWKS_PATH);
    try {
      emulator =
          Emulator.builder()
              .upstream(URI.create("http://127.0.0.1:" + port()))
              .port(emulatorPort)
              .presets(
                  List.of(
                      EmulatedUser.of(USER, "example.com"), EmulatedUser.of(ADMIN, "example.com")))
              .start();
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
  }

  private int port() {
    return ((WebServerApplicationContext) app).getWebServer().getPort();
  }

  URI emulatorUri() {
    return emulator.baseUri();
  }

  URI appUri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  @Override
  public void close() {
    try {
      emulator.close();
    } finally {
      app.close();
    }
  }
}
