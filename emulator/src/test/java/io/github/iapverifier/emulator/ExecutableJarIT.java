package io.github.iapverifier.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.RemoteKeySource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packaged jar, run as a developer runs it: {@code java -jar iap-verifier-emulator.jar}. */
class ExecutableJarIT {

  private static final Path JAR = Path.of("target", "iap-verifier-emulator.jar");

  private final List<Process> processes = new ArrayList<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void jarExists() {
    assertThat(JAR).as("run through mvn verify, which packages the jar first").isRegularFile();
  }

  @AfterEach
  void stop() throws Exception {
    for (Process process : processes) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }

  private Process java(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    processes.add(process);
    return process;
  }

  private static String read(java.io.InputStream stream) throws IOException {
    return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void helpWhenRunThenUsageAndExitZero() throws Exception {
    Process process = java("--help");

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(read(process.getInputStream())).contains("Usage: java -jar iap-verifier-emulator.jar");
  }

  @Test
  void versionWhenRunThenPrintsTheBuildVersionAndExitZero() throws Exception {
    Process process = java("--version");

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(read(process.getInputStream()).strip())
        .isEqualTo("iap-verifier-emulator " + System.getProperty("emulator.version"));
  }

  @Test
  void startWhenBadFlagThenExitTwoWithMessage() throws Exception {
    Process process = java("--upstream", "http://localhost:1", "--bogus");

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(read(process.getErrorStream())).contains("unknown option '--bogus'");
  }

  @Test
  void startWhenPortTakenThenExitOneWithMessage() throws Exception {
    TestUpstream upstream = new TestUpstream();
    toClose.add(upstream);
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Process process =
          java("--upstream", upstream.uri().toString(), "--port",
              String.valueOf(taken.getLocalPort()));

      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isEqualTo(1);
      assertThat(read(process.getErrorStream())).contains("is already in use");
    }
  }

  @Test
  void startWhenUpstreamUpThenProxiesWithVerifiableAssertionAndTheBrowsersHost() throws Exception {
    TestUpstream upstream = new TestUpstream();
    toClose.add(upstream);
    Process process = java("--upstream", upstream.uri().toString(), "--port", "0");
    BufferedReader stdout =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));

    StringBuilder banner = new StringBuilder();
    String line;
    while ((line = stdout.readLine()) != null && !line.startsWith("Open ")) {
      banner.append(line).append('\n');
    }
    assertThat(line).as("banner: %s", banner).isNotNull();
    Matcher jwks = Pattern.compile("iap\\.jwks-uri=(\\S+)").matcher(banner);
    Matcher audience = Pattern.compile("iap\\.audiences=(\\S+)").matcher(banner);
    assertThat(jwks.find() && audience.find()).as(banner.toString()).isTrue();
    URI base = URI.create(line.substring(5, line.indexOf("/ in a browser")));

    String cookie = Http.signIn(base, "ana@example.com", "example.com", "");
    assertThat(Http.get(base, "/hello", cookie).body()).isEqualTo("hello from the app: GET");

    TestUpstream.Received received = upstream.next();
    // The first key fetch in this JVM loads the HTTP client and the signature code: seconds on a
    // loaded machine, which the default 2 s fetch timeout is not meant for (nor under test here).
    try (IapVerifier verifier =
        IapVerifier.builder().audiences(audience.group(1)).jwksUri(URI.create(jwks.group(1)))
            .remoteKeySource(RemoteKeySource.builder().requestTimeout(Duration.ofSeconds(60)))
            .build()) {
      IapIdentity who = verifier.verify(received.assertion());
      assertThat(who.email()).isEqualTo("ana@example.com");
    }
    // Main lets the JDK client send the browser's Host, so the app builds the right URLs.
    assertThat(received.header("Host")).containsExactly(base.getAuthority());
    assertThat(received.header("X-Forwarded-Host")).isEmpty();
  }
}
