package io.github.iapverifier.release;

import static io.github.iapverifier.release.Reactor.child;
import static io.github.iapverifier.release.Reactor.children;
import static io.github.iapverifier.release.Reactor.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.iapverifier.release.Reactor.Module;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * Runs the release build into a staging repository once and checks what Maven Central requires of
 * every published artifact (the Central Portal's published requirements), and what we promise on
 * top: the BOM, the runnable emulator, reproducible archives, a Boot 3.5 app that stays on 3.5.
 */
class ReleaseStagingIT {

  private static final String REPOSITORY = "https://github.com/iap-verifier/iap-verifier";
  private static final Set<String> SIDE_FILES = Set.of("asc", "md5", "sha1", "sha256", "sha512");

  static StagedRelease release;
  static List<Module> published;

  @BeforeAll
  static void buildRelease() throws Exception {
    Path root = Path.of(System.getProperty("release-check.root")).toAbsolutePath();
    String version = System.getProperty("release-check.version");
    release =
        StagedRelease.build(root, version, Path.of("target", "release-check").toAbsolutePath());
    published = Reactor.published(root);
  }

  @AfterAll
  static void stopAgent() throws Exception {
    if (release != null) {
      release.close();
    }
  }

  @Test
  void stagingWhenReleasedThenHoldsExactlyThePublishedModules() throws IOException {
    Set<String> expected =
        published.stream().map(Module::artifactId).collect(Collectors.toCollection(TreeSet::new));
    Path group = release.staging.resolve(StagedRelease.GROUP.replace('.', '/'));
    Set<String> staged;
    try (Stream<Path> dirs = Files.list(group)) {
      staged =
          dirs.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }

    assertThat(expected)
        .as("published modules of the build")
        .contains("iap-verifier-core", "iap-verifier-bom");
    assertThat(staged)
        .as("deployed artifacts; samples, benchmarks, test-only modules and the parent stay home")
        .isEqualTo(expected);
    try (Stream<Path> others = Files.list(release.staging)) {
      assertThat(others.map(p -> p.getFileName().toString()))
          .as("nothing outside our group")
          .containsOnly("io");
    }
  }

  @Test
  void pomWhenPublishedThenHasEveryElementCentralRequires() {
    SoftAssertions softly = new SoftAssertions();
    Set<String> ours = published.stream().map(Module::artifactId).collect(Collectors.toSet());
    for (Module module : published) {
      Path pomFile = release.file(module.artifactId(), ".pom");
      String where = module.dir() + " (" + pomFile.getFileName() + ")";
      softly.assertThat(pomFile).as(where).isRegularFile();
      if (!Files.isRegularFile(pomFile)) {
        continue;
      }
      Element pom = Reactor.read(pomFile);
      softly.assertThat(text(pom, "groupId")).as(where + " groupId").contains(StagedRelease.GROUP);
      softly
          .assertThat(text(pom, "artifactId"))
          .as(where + " artifactId")
          .contains(module.artifactId());
      softly.assertThat(text(pom, "version")).as(where + " version").contains(release.version);
      softly
          .assertThat(text(pom, "packaging").orElse("jar"))
          .as(where + " packaging")
          .isEqualTo(module.packaging());
      softly.assertThat(text(pom, "name")).as(where + " name").isPresent();
      softly.assertThat(text(pom, "description")).as(where + " description").isPresent();
      softly
          .assertThat(text(pom, "url"))
          .as(where + " url: the module's own folder (set <url> in its pom.xml)")
          .contains(REPOSITORY + "/tree/main/" + module.dir());
      List<Element> licenses = children(child(pom, "licenses"), "license");
      softly.assertThat(licenses).as(where + " licenses").isNotEmpty();
      licenses.forEach(
          l -> {
            softly.assertThat(text(l, "name")).as(where + " license name").contains("Apache-2.0");
            softly.assertThat(text(l, "url")).as(where + " license url").isPresent();
          });
      List<Element> developers = children(child(pom, "developers"), "developer");
      softly.assertThat(developers).as(where + " developers").isNotEmpty();
      developers.forEach(
          d -> softly.assertThat(text(d, "name")).as(where + " developer name").isPresent());
      Element scm = child(pom, "scm");
      softly.assertThat(text(scm, "url")).as(where + " scm url").contains(REPOSITORY);
      softly
          .assertThat(text(scm, "connection"))
          .as(where + " scm connection")
          .contains("scm:git:" + REPOSITORY + ".git");
      softly
          .assertThat(child(pom, "parent"))
          .as(where + " refers to a parent, which is not published (is the POM flattened?)")
          .isNull();
      softly.assertThat(child(pom, "repositories")).as(where + " repositories").isNull();
      softly.assertThat(pom.getTextContent()).as(where + " unresolved ${...}").doesNotContain("${");
      for (Element dependency : children(child(pom, "dependencies"), "dependency")) {
        String id =
            text(dependency, "groupId").orElse("?")
                + ":"
                + text(dependency, "artifactId").orElse("?");
        softly.assertThat(text(dependency, "version")).as(where + " version of " + id).isPresent();
        if (id.startsWith(StagedRelease.GROUP + ":")) {
          softly
              .assertThat(ours)
              .as(where + " depends on unpublished " + id)
              .contains(text(dependency, "artifactId").orElseThrow());
        }
      }
    }
    softly.assertAll();
  }

  @Test
  void jarModuleWhenPublishedThenHasClassesSourcesAndJavadoc() throws IOException {
    SoftAssertions softly = new SoftAssertions();
    for (Module module : published) {
      if (!module.packaging().equals("jar")) {
        continue;
      }
      String id = module.artifactId();
      softly
          .assertThat(entries(release.file(id, ".jar")))
          .as(id + " jar")
          .contains("META-INF/MANIFEST.MF")
          .anyMatch(n -> n.endsWith(".class"));
      softly
          .assertThat(entries(release.file(id, "-sources.jar")))
          .as(id + " sources")
          .anyMatch(n -> n.endsWith(".java"));
      softly
          .assertThat(entries(release.file(id, "-javadoc.jar")))
          .as(id + " javadoc")
          .contains("index.html")
          .anyMatch(n -> n.endsWith(".html") && n.contains("/"));
    }
    softly.assertAll();
  }

  @Test
  void sourcesJarWhenPublishedThenHoldsTheSourceOfEveryClass() throws IOException {
    SoftAssertions softly = new SoftAssertions();
    for (Module module : published) {
      if (!module.packaging().equals("jar")) {
        continue;
      }
      String id = module.artifactId();
      Set<String> sources = entries(release.file(id, "-sources.jar"));
      entries(release.file(id, ".jar")).stream()
          .filter(name -> name.endsWith(".class") && !name.contains("$"))
          .filter(name -> !name.endsWith("module-info.class") && !name.startsWith("META-INF/"))
          .map(name -> name.substring(0, name.length() - ".class".length()) + ".java")
          .forEach(source -> softly.assertThat(sources).as(id + "-sources").contains(source));
    }
    softly.assertAll();
  }

  @Test
  void fileWhenPublishedThenSignedAndChecksummed() throws Exception {
    List<Path> files = publishedFiles();
    assertThat(files).as("published files").hasSizeGreaterThan(published.size());
    SoftAssertions softly = new SoftAssertions();
    for (Path file : files) {
      Path signature = sibling(file, ".asc");
      softly.assertThat(signature).as(file.getFileName() + ".asc").isRegularFile();
      if (Files.isRegularFile(signature)) {
        softly
            .assertThat(gpgVerify(signature, file))
            .as("signature of " + file.getFileName())
            .isZero();
      }
      for (String algorithm : List.of("MD5", "SHA-1")) {
        Path sum = sibling(file, "." + algorithm.replace("-", "").toLowerCase());
        softly.assertThat(sum).as(file.getFileName() + " " + algorithm).isRegularFile();
        if (Files.isRegularFile(sum)) {
          softly
              .assertThat(Files.readString(sum).strip().split("\\s+")[0])
              .as(algorithm + " of " + file.getFileName())
              .isEqualTo(digest(algorithm, file));
        }
      }
    }
    softly.assertAll();
    // The check can fail: a signature does not verify another file.
    Path pom = release.file("iap-verifier-core", ".pom");
    assertThat(gpgVerify(sibling(release.file("iap-verifier-core", ".jar"), ".asc"), pom))
        .isNotZero();
  }

  @Test
  void bomWhenPublishedThenListsEveryPublishedArtifactAndNothingElse() {
    Element bom = Reactor.read(release.file("iap-verifier-bom", ".pom"));
    List<String> listed = new ArrayList<>();
    for (Element dependency :
        children(child(child(bom, "dependencyManagement"), "dependencies"), "dependency")) {
      listed.add(
          text(dependency, "groupId").orElse("?")
              + ":"
              + text(dependency, "artifactId").orElse("?")
              + ":"
              + text(dependency, "version").orElse("?")
              + text(dependency, "scope").map(s -> ":" + s).orElse(""));
    }
    List<String> expected =
        published.stream()
            .filter(m -> !m.artifactId().equals("iap-verifier-bom"))
            .map(m -> StagedRelease.GROUP + ":" + m.artifactId() + ":" + release.version)
            .toList();

    assertThat(listed).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(child(bom, "dependencies")).as("a BOM brings no dependencies").isNull();
  }

  @Test
  void archiveWhenPublishedThenEveryEntryHasTheFixedBuildTime() throws IOException {
    String configured =
        text(
                child(Reactor.read(release.root.resolve("pom.xml")), "properties"),
                "project.build.outputTimestamp")
            .orElseThrow();
    Instant expected = Instant.parse(configured);
    SoftAssertions softly = new SoftAssertions();
    for (Path file : publishedFiles()) {
      if (file.toString().endsWith(".jar")) {
        // The emulator's runnable jar copies its dependencies' entries with their own (fixed)
        // times.
        boolean shaded = file.toString().endsWith("-all.jar");
        try (ZipFile zip = new ZipFile(file.toFile())) {
          Set<Instant> times =
              zip.stream()
                  .filter(
                      e ->
                          !shaded
                              || e.getName().startsWith("io/github/iapverifier/")
                              || e.getName().equals("META-INF/MANIFEST.MF"))
                  .map(e -> e.getLastModifiedTime().toInstant())
                  .collect(Collectors.toSet());
          softly
              .assertThat(times)
              .as("entry times of " + file.getFileName())
              .containsOnly(expected);
        }
      }
    }
    softly.assertAll();
  }

  @Test
  void pomWhenPublishedThenBringsNoSpringArtifactTransitively() {
    // Optional and provided dependencies are not passed on, by Maven or Gradle. Anything else would
    // put our Spring versions into the app's graph, where Gradle picks the highest version even
    // against Boot's platform(): a Boot 3.5 app would run on Boot 4 jars.
    SoftAssertions softly = new SoftAssertions();
    for (Module module : published) {
      Element pom = Reactor.read(release.file(module.artifactId(), ".pom"));
      for (Element dependency : children(child(pom, "dependencies"), "dependency")) {
        String group = text(dependency, "groupId").orElse("");
        String scope = text(dependency, "scope").orElse("compile");
        boolean optional = text(dependency, "optional").map(Boolean::parseBoolean).orElse(false);
        if (group.startsWith("org.springframework")) {
          softly
              .assertThat(optional || scope.equals("provided") || scope.equals("test"))
              .as(
                  module.artifactId()
                      + " passes on "
                      + group
                      + ":"
                      + text(dependency, "artifactId").orElse("?")
                      + " ("
                      + scope
                      + ")")
              .isTrue();
        }
      }
    }
    softly.assertAll();
  }

  @Test
  void boot35AppWhenItAddsTheStarterThenStaysOnBoot35() throws Exception {
    // The strictest case for Maven: Boot's starters with a version but without Boot's BOM, so
    // nothing but nearest-wins decides; our own BOM imported, as the README shows.
    String boot = "3.5.16";
    Path consumer = Files.createDirectories(release.work.resolve("boot35-consumer"));
    Files.writeString(
        consumer.resolve("pom.xml"),
        """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>example</groupId>
          <artifactId>boot35-app</artifactId>
          <version>1</version>
          <repositories>
            <repository><id>staging</id><url>%s</url></repository>
          </repositories>
          <dependencyManagement>
            <dependencies>
              <dependency>
                <groupId>io.github.iapverifier</groupId>
                <artifactId>iap-verifier-bom</artifactId>
                <version>%s</version>
                <type>pom</type>
                <scope>import</scope>
              </dependency>
            </dependencies>
          </dependencyManagement>
          <dependencies>
            <dependency>
              <groupId>org.springframework.boot</groupId>
              <artifactId>spring-boot-starter-web</artifactId>
              <version>%s</version>
            </dependency>
            <dependency>
              <groupId>io.github.iapverifier</groupId>
              <artifactId>iap-verifier-spring-boot-starter</artifactId>
            </dependency>
          </dependencies>
        </project>
        """
            .formatted(release.staging.toUri(), release.version, boot));
    Path list = consumer.resolve("dependencies.txt");
    release.run(
        release.work.resolve("source"),
        consumer.resolve("resolve.log"),
        10,
        "./mvnw",
        "-B",
        "-ntp",
        "-f",
        consumer.resolve("pom.xml").toString(),
        // Our staged artifacts land in a throwaway local repository; the real one is only read.
        "-Dmaven.repo.local=" + consumer.resolve("m2"),
        "-Dmaven.repo.local.tail=" + System.getProperty("release-check.local-repository"),
        "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:list",
        "-DincludeScope=runtime",
        "-DoutputFile=" + list,
        "-DoutputAbsoluteArtifactFilename=false");

    List<String> resolved =
        Files.readAllLines(list).stream()
            .map(String::strip)
            .filter(line -> line.matches("[\\w.-]+:[\\w.-]+:.*"))
            .toList();
    assertThat(resolved)
        .anyMatch(
            line ->
                line.startsWith("io.github.iapverifier:iap-verifier-core:jar:" + release.version));
    assertThat(resolved)
        .anyMatch(
            line ->
                line.startsWith("org.springframework.boot:spring-boot-autoconfigure:jar:" + boot));
    assertThat(resolved)
        .filteredOn(line -> line.startsWith("org.springframework.boot:"))
        .allMatch(line -> line.contains(":" + boot + ":"), "Spring Boot " + boot);
    assertThat(resolved)
        .filteredOn(line -> line.startsWith("org.springframework:"))
        .allMatch(line -> line.contains(":6.2."), "Spring Framework 6.2 (Boot 3.5's)");
  }

  @Test
  void emulatorWhenDownloadedThenRunsWithJavaJar() throws Exception {
    Path jar = release.file("iap-verifier-emulator", "-all.jar");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path out = release.work.resolve("emulator-version.log");

    release.run(release.work, out, 1, java, "-jar", jar.toString(), "--version");
    assertThat(Files.readString(out).strip()).isEqualTo("iap-verifier-emulator " + release.version);

    HttpServer upstream =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    upstream.start();
    Process emulator =
        new ProcessBuilder(
                java,
                "-jar",
                jar.toString(),
                "--port",
                "0",
                "--upstream",
                "http://127.0.0.1:" + upstream.getAddress().getPort())
            .redirectErrorStream(true)
            .start();
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(emulator.getInputStream(), StandardCharsets.UTF_8))) {
      String line = lines.readLine();
      assertThat(line).startsWith("IAP emulator listening on http://127.0.0.1:");
      URI base = URI.create(line.split(" ")[4]);
      HttpResponse<String> keys =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(base.resolve("/iap/verify/public_key-jwk")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(keys.statusCode()).isEqualTo(200);
      assertThat(keys.body()).contains("\"keys\"");
    } finally {
      emulator.destroy();
      emulator.waitFor(30, TimeUnit.SECONDS);
      upstream.stop(0);
    }
  }

  private static List<Path> publishedFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Module module : published) {
      try (Stream<Path> list = Files.list(release.artifactDir(module.artifactId()))) {
        list.filter(p -> !SIDE_FILES.contains(extension(p))).forEach(files::add);
      }
    }
    return files;
  }

  private static Set<String> entries(Path jar) throws IOException {
    if (!Files.isRegularFile(jar)) {
      return Set.of();
    }
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.stream().map(ZipEntry::getName).collect(Collectors.toSet());
    }
  }

  private static int gpgVerify(Path signature, Path file) throws Exception {
    return release.exitCode(
        release.work,
        release.work.resolve("gpg-verify.log"),
        1,
        "gpg",
        "--batch",
        "--verify",
        signature.toString(),
        file.toString());
  }

  private static String digest(String algorithm, Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance(algorithm).digest(Files.readAllBytes(file)));
  }

  private static Path sibling(Path file, String suffix) {
    return file.resolveSibling(file.getFileName() + suffix);
  }

  private static String extension(Path file) {
    String name = file.getFileName().toString();
    return name.substring(name.lastIndexOf('.') + 1).toLowerCase();
  }
}
