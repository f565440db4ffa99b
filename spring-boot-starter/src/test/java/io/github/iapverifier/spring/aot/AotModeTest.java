package io.github.iapverifier.spring.aot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.iapverifier.test.FakeIap;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootVersion;

/**
 * Spring AOT, the step a GraalVM native image starts with: a small app with the starter, Spring
 * Security and Actuator is processed ahead of time ({@code SpringApplicationAotProcessor}, what the
 * {@code process-aot} goal runs), the generated sources compiled, and the app started from them
 * with {@code -Dspring.aot.enabled=true}, on the Spring Boot version the tests run on (4.x, and 3.5
 * with {@code -Pboot35}). An app in AOT mode fails to start without the generated initializers, so
 * a start proves they were used.
 */
class AotModeTest {

  private static final Pattern PORT = Pattern.compile("started on port (\\d+)");

  @TempDir Path work;

  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (Process process : processes) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  @Test
  void appWhenProcessedAheadOfTimeThenStartsInAotModeVerifiesAndReportsHealth() throws Exception {
    try (FakeIap iap = FakeIap.start()) {
      Path sources = Files.createDirectories(work.resolve("sources"));
      Path resources = Files.createDirectories(work.resolve("resources"));
      Path classes = Files.createDirectories(work.resolve("classes"));
      String[] appArgs = {
        "--iap.audiences=" + FakeIap.DEFAULT_AUDIENCE,
        "--iap.jwks-resource=classpath:aot-iap-keys.json",
        "--iap.excluded-paths=/actuator/health/**",
        "--management.endpoint.health.show-details=always",
        "--management.endpoint.health.show-components=always"
      };

      List<String> process =
          new ArrayList<>(
              List.of(
                  java(),
                  "-cp",
                  classPath(classes),
                  "org.springframework.boot.SpringApplicationAotProcessor",
                  AotApplication.class.getName(),
                  sources.toString(),
                  resources.toString(),
                  classes.toString(),
                  "io.github.iapverifier",
                  "aot-test"));
      process.addAll(List.of(appArgs));
      int processed = runToEnd(process, work.resolve("process-aot.log"));
      assertThat(processed).as(log("process-aot.log")).isZero();
      assertThat(generated(sources, ".java")).as("generated sources").isNotEmpty();
      assertThat(generated(resources, ".json"))
          .as("native-image hints")
          .anyMatch(file -> read(file).contains("aot-iap-keys.json"))
          .anyMatch(file -> read(file).contains("io.github.iapverifier.IapIdentity"));

      compile(sources, classes);
      // A fixed key set on the class path (its hint is checked above); written after processing,
      // which empties its output folders.
      Files.writeString(classes.resolve("aot-iap-keys.json"), iap.jwksJson());

      List<String> start =
          new ArrayList<>(
              List.of(
                  java(),
                  "-Dspring.aot.enabled=true",
                  "-cp",
                  resources + File.pathSeparator + classPath(classes),
                  AotApplication.class.getName(),
                  "--server.port=0"));
      start.addAll(List.of(appArgs));
      StringBuffer output = new StringBuffer();
      Process app = start(start, output);
      await("app start (" + SpringBootVersion.getVersion() + ", AOT mode)")
          .atMost(Duration.ofMinutes(3))
          .until(() -> PORT.matcher(output).find() || !app.isAlive());
      Matcher port = PORT.matcher(output);
      assertThat(port.find()).as(output.toString()).isTrue();
      URI base = URI.create("http://127.0.0.1:" + port.group(1));

      HttpResponse<String> hello =
          get(base.resolve("/hello"), iap.token().email("ana@example.com").build());
      assertThat(hello.statusCode()).isEqualTo(200);
      assertThat(hello.body()).isEqualTo("hello ana@example.com");
      assertThat(get(base.resolve("/hello"), null).statusCode()).isEqualTo(401);
      HttpResponse<String> health = get(base.resolve("/actuator/health/iap"), null);
      assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
      assertThat(health.body()).contains("\"status\":\"UP\"", "\"keySource\":\"static\"");
      assertThat(output.toString()).doesNotContain("ERROR");
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The test class path as the forked build sees it, with the generated classes first. */
  private static String classPath(Path classes) {
    String testPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return classes + File.pathSeparator + testPath;
  }

  private int runToEnd(List<String> command, Path log) throws Exception {
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(process);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as(String.join(" ", command)).isTrue();
    return process.exitValue();
  }

  private Process start(List<String> command, StringBuffer output) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    processes.add(process);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                  output.append(line).append('\n');
                }
              } catch (IOException e) {
                output.append("(output lost: ").append(e).append(")\n");
              }
            });
    reader.setDaemon(true);
    reader.start();
    return process;
  }

  private void compile(Path sources, Path classes) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--release",
                "17",
                "-proc:none",
                "-nowarn",
                "-d",
                classes.toString(),
                "-cp",
                classPath(classes)));
    generated(sources, ".java").forEach(file -> args.add(file.toString()));
    assertThat(javac.run(null, null, null, args.toArray(String[]::new)))
        .as("javac of the generated sources")
        .isZero();
  }

  private static HttpResponse<String> get(URI uri, String assertion) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
    if (assertion != null) {
      request.header("x-goog-iap-jwt-assertion", assertion);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<Path> generated(Path dir, String suffix) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> p.toString().endsWith(suffix)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String log(String name) {
    return read(work.resolve(name));
  }
}
