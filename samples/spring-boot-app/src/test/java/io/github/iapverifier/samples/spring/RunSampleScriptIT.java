package io.github.iapverifier.samples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.github.iapverifier.emulator.Emulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's first command, {@code ./run-sample.sh}, run as a new user runs it: on its fixed
 * ports 8080 (emulator) and 8081 (app), stopped by SIGTERM or by Ctrl-C. It starts the jars this
 * build has just packaged ({@code RUN_SAMPLE_SKIP_BUILD=1}): a nested Maven build inside the
 * running one would rewrite this module's own classes and jar underneath it.
 */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason = "drives the script through setsid and GNU env, as on the README's Debian")
class RunSampleScriptIT {

  private static final Path ROOT = Path.of("..", "..").toAbsolutePath().normalize();
  private static final Path LOGS = Path.of("target", "run-sample");
  private static final int EMULATOR_PORT = 8080;
  private static final int APP_PORT = 8081;
  private static final String READY =
      "The Spring Boot sample is running behind the local IAP emulator.";
  /** Start-up of two JVMs on a loaded machine; the emulator itself gives up after 120 s. */
  private static final Duration START = Duration.ofSeconds(180);

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private Process script;
  private final StringBuffer output = new StringBuffer();

  @BeforeAll
  static void jarsBuilt() {
    assertThat(ROOT.resolve("run-sample.sh")).isRegularFile();
    assertThat(ROOT.resolve("samples/spring-boot-app/target/spring-boot-sample.jar"))
        .as("run through ./mvnw verify, which packages both jars first")
        .isRegularFile();
    assertThat(ROOT.resolve("emulator/target/iap-verifier-emulator.jar")).isRegularFile();
  }

  @AfterEach
  void killLeftovers() throws Exception {
    if (script != null && script.isAlive()) {
      signal("KILL", "-" + script.pid()); // failed half-way: free the ports for what runs next
      script.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void runSampleWhenStartedThenServesThroughEmulatorAndSigtermStopsBoth() throws Exception {
    startScript();
    List<ProcessHandle> javas = javaChildren();

    assertServesTheSample();

    // SIGTERM to the script alone, as kill(1) or a supervisor sends it. (Not Process.destroy,
    // which also closes the pipe the script's goodbye comes through.)
    signal("TERM", String.valueOf(script.pid()));
    assertStoppedCleanly(javas, 143);
  }

  @Test
  void runSampleWhenCtrlCThenStopsBoth() throws Exception {
    startScript();
    List<ProcessHandle> javas = javaChildren();
    assertThat(get(URI.create("http://localhost:" + APP_PORT + "/healthz")).statusCode())
        .isEqualTo(200);

    signal("INT", "-" + script.pid()); // Ctrl-C: SIGINT to every process of the terminal's job
    assertStoppedCleanly(javas, 130);
  }

  @ParameterizedTest
  @ValueSource(ints = {EMULATOR_PORT, APP_PORT})
  void runSampleWhenPortTakenThenFailsFastNamingIt(int port) throws Exception {
    assertPortsFree();
    try (ServerSocket taken = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
      script = launch();

      waitFor("run-sample.sh gives up", PATIENCE, () -> !script.isAlive());
      assertThat(script.exitValue()).as(output.toString()).isEqualTo(1);
      waitFor(
          "its message naming the port",
          PATIENCE,
          () -> output.toString().contains("run-sample: port " + port + " is in use"));
      assertThat(output.toString()).doesNotContain("Starting the app");
      assertThat(taken.isClosed()).isFalse();
    }
  }

  private void assertServesTheSample() throws Exception {
    URI emulator = URI.create("http://localhost:" + EMULATOR_PORT);

    HttpResponse<String> anonymous = get(URI.create(emulator + "/"));
    assertThat(anonymous.statusCode()).isEqualTo(302);
    assertThat(anonymous.headers().firstValue("Location"))
        .hasValue(Emulator.SIGN_IN_PATH + "?return=%2F");

    // A scripted sign-in with a cookie jar, as a browser does it; the app answers 503 until its
    // retried first key fetch (the emulator started after it) has succeeded.
    HttpClient browser =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    HttpResponse<String> signedIn =
        send(
            browser,
            HttpRequest.newBuilder(URI.create(emulator + Emulator.SIGN_IN_PATH))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("email=user%40example.com&hd=example.com"))
                .build());
    assertThat(signedIn.statusCode()).as(signedIn.body()).isIn(200, 503);
    waitFor(
        "the identity page",
        PATIENCE,
        () ->
            send(browser, HttpRequest.newBuilder(URI.create(emulator + "/")).build())
                .body()
                .contains("<td id=\"email\">user@example.com</td>"));

    HttpResponse<String> forged =
        send(
            HttpClient.newHttpClient(),
            HttpRequest.newBuilder(URI.create("http://localhost:" + APP_PORT + "/admin"))
                .header("x-goog-authenticated-user-email", "accounts.google.com:admin@example.com")
                .build());
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.body()).contains("\"reason\":\"MISSING\"");
  }

  private void assertStoppedCleanly(List<ProcessHandle> javas, int exitStatus) {
    waitFor("run-sample.sh ends", PATIENCE, () -> !script.isAlive());
    assertThat(script.exitValue()).as(output.toString()).isEqualTo(exitStatus);
    // The script waits for both before it says so.
    assertThat(javas).as("the app and the emulator").noneMatch(ProcessHandle::isAlive);
    waitFor(
        "its goodbye",
        PATIENCE,
        () -> output.toString().contains("Stopped the sample and the emulator."));
    waitFor("ports 8080 and 8081 free", PATIENCE, () -> !accepts(EMULATOR_PORT) && !accepts(APP_PORT));
  }

  /** Waits (bounded) until the condition holds; on failure, tells what the script printed. */
  private void waitFor(String what, Duration atMost, Callable<Boolean> condition) {
    try {
      await(what)
          .atMost(atMost)
          .pollInterval(Duration.ofMillis(250))
          .until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          e.getMessage() + "\n--- output of run-sample.sh\n" + output + logs(), e);
    }
  }

  /** Starts the script and waits for its ready message. */
  private void startScript() throws IOException {
    assertPortsFree();
    script = launch();
    waitFor(
        "the ready message of run-sample.sh",
        START,
        () -> {
          if (!script.isAlive() && !output.toString().contains(READY)) {
            throw new AssertionError(
                "run-sample.sh ended before it was ready\n" + output + logs());
          }
          return output.toString().contains(READY);
        });
  }

  private Process launch() throws IOException {
    // A session of its own, so Ctrl-C can be played to the whole job; SIGINT and SIGTERM back to
    // their defaults, as in a terminal, in case this build was started with them ignored.
    ProcessBuilder builder =
        new ProcessBuilder(
                "setsid", "env", "--default-signal=INT,TERM", "bash", "./run-sample.sh")
            .directory(ROOT.toFile())
            .redirectErrorStream(true);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("RUN_SAMPLE_SKIP_BUILD", "1");
    Process process = builder.start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  output.append(line).append('\n');
                }
              } catch (IOException e) {
                output.append("(reading the output failed: ").append(e).append(")\n");
              }
            },
            "run-sample-output");
    reader.setDaemon(true);
    reader.start();
    return process;
  }

  private List<ProcessHandle> javaChildren() {
    List<ProcessHandle> javas =
        script
            .descendants()
            .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
            .toList();
    assertThat(javas).as("the app's and the emulator's JVMs").hasSize(2);
    return javas;
  }

  /** Sends a signal to a process, or to a process group when {@code target} is minus its id. */
  private static void signal(String signal, String target) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, "--", target).start();
    assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).as("kill -%s", signal).isZero();
  }

  private static void assertPortsFree() {
    for (int port : new int[] {EMULATOR_PORT, APP_PORT}) {
      if (accepts(port)) {
        fail(
            "port "
                + port
                + " is already in use by another process; this test runs ./run-sample.sh, which"
                + " needs ports 8080 and 8081");
      }
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static HttpResponse<String> get(URI uri) {
    return send(
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build(),
        HttpRequest.newBuilder(uri).build());
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
    try {
      return client.send(
          HttpRequest.newBuilder(request, (name, value) -> true)
              .timeout(Duration.ofSeconds(30))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.uri() + ": " + e + "; logs in " + LOGS, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The end of the script's logs, for a failure message. */
  private static String logs() {
    StringBuilder tail = new StringBuilder();
    for (String name : List.of("app.log", "emulator.log")) {
      Path log = LOGS.resolve(name);
      try {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        tail.append("--- ").append(log).append('\n');
        lines.subList(Math.max(0, lines.size() - 30), lines.size())
            .forEach(l -> tail.append(l).append('\n'));
      } catch (IOException e) {
        tail.append(e).append('\n');
      }
    }
    return tail.toString();
  }
}
