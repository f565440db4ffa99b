package io.github.iapverifier.samples.servlet;

import io.github.iapverifier.IapAudience;
import io.github.iapverifier.emulator.EmulatedUser;
import io.github.iapverifier.emulator.Emulator;
import io.github.iapverifier.samples.testing.Http;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The servlet sample on a free port behind an in-JVM emulator, as a developer runs them. */
final class SampleBehindEmulator implements AutoCloseable {

  static final String ADMIN = "boss@example.com";
  static final String USER = "ana@example.com";

  final ServletSample app;
  final Emulator emulator;

  SampleBehindEmulator() {
    int emulatorPort = Http.freePort();
    app =
        ServletSample.start(
            new ServletSample.Settings(
                List.of(IapAudience.of(Emulator.DEFAULT_AUDIENCE)),
                Optional.of(URI.create("http://127.0.0.1:" + emulatorPort + Emulator.JWKS_PATH)),
                0,
                Set.of(ADMIN)));
    try {
      emulator =
          Emulator.builder()
              .upstream(URI.create("http://127.0.0.1:" + app.port()))
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

  URI emulatorUri() {
    return emulator.baseUri();
  }

  URI appUri(String path) {
    return URI.create("http://127.0.0.1:" + app.port() + path);
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
