package io.github.iapverifier.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The release build as a maintainer runs it ({@code ./mvnw -Prelease deploy -Drevision=X.Y.Z
 * -DaltDeploymentRepository=staging::file:///DIR}), run on a copy of this source tree with a
 * throwaway GPG key in a temporary keyring, so the real {@code ~/.gnupg} and {@code ~/.m2} are
 * never touched (install is skipped; the copy has its own {@code target} folders).
 */
final class StagedRelease {

  static final String GROUP = "io.github.iapverifier";

  final Path root;
  final String version;
  final Path work;
  final Path staging;
  final Path gnupgHome;
  final Path log;

  private StagedRelease(Path root, String version, Path work, Path gnupgHome) {
    this.root = root;
    this.version = version;
    this.work = work;
    this.staging = work.resolve("staging");
    this.gnupgHome = gnupgHome;
    this.log = work.resolve("release-build.log");
  }

  /** The release version the build is given: the project's version without -SNAPSHOT. */
  static StagedRelease build(Path root, String projectVersion, Path work) throws Exception {
    deleteRecursively(work);
    Files.createDirectories(work);
    // Short and private (0700): gpg-agent's socket path has a length limit.
    Path gnupgHome = Files.createTempDirectory("iapv-gpg");
    StagedRelease release =
        new StagedRelease(root, projectVersion.replace("-SNAPSHOT", ""), work, gnupgHome);
    release.generateKey();
    Path source = work.resolve("source");
    copySources(root, source);
    release.run(
        source,
        release.log,
        30,
        "./mvnw",
        "-B",
        "-ntp",
        "-Prelease",
        "-Dmaven.test.skip=true",
        // Nothing of this build in ~/.m2, where other builds would pick it up.
        "-Dmaven.install.skip=true",
        "-Drevision=" + release.version,
        "deploy",
        "-DaltDeploymentRepository=staging::" + release.staging.toUri());
    return release;
  }

  /** The version folder of a published artifact in the staging repository. */
  Path artifactDir(String artifactId) {
    return staging.resolve(GROUP.replace('.', '/')).resolve(artifactId).resolve(version);
  }

  Path file(String artifactId, String suffix) {
    return artifactDir(artifactId).resolve(artifactId + "-" + version + suffix);
  }

  /** The environment of every command: the JDK running the tests, the throwaway keyring. */
  Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("GNUPGHOME", gnupgHome.toString());
    // Whatever the caller's shell passes to Maven must not change this build.
    env.put("MAVEN_ARGS", "");
    env.put("MAVEN_OPTS", "");
    return env;
  }

  /** Runs a command to completion; fails with the end of its output when it exits non-zero. */
  void run(Path dir, Path output, int timeoutMinutes, String... command) throws Exception {
    int exit = exitCode(dir, output, timeoutMinutes, command);
    if (exit != 0) {
      throw new AssertionError(
          String.join(" ", command)
              + " exited "
              + exit
              + "; end of "
              + output
              + ":\n"
              + tail(output));
    }
  }

  int exitCode(Path dir, Path output, int timeoutMinutes, String... command) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    builder.environment().putAll(environment());
    Process process = builder.start();
    if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(
          String.join(" ", command)
              + " still running after "
              + timeoutMinutes
              + " min; see "
              + output);
    }
    return process.exitValue();
  }

  /** Stops the gpg-agent this keyring started and removes the keyring. */
  void close() throws Exception {
    exitCode(work, work.resolve("gpgconf.log"), 1, "gpgconf", "--kill", "gpg-agent");
    deleteRecursively(gnupgHome);
  }

  private void generateKey() throws Exception {
    run(
        work,
        work.resolve("gpg-key.log"),
        2,
        "gpg",
        "--batch",
        "--passphrase",
        "",
        "--quick-generate-key",
        "iap-verifier release check <release-check@invalid>",
        "rsa3072",
        "sign",
        "never");
  }

  /** Tracked and new (not ignored) files, as a fresh clone plus the work in progress would have. */
  private static void copySources(Path root, Path into) throws Exception {
    List<String> files = new ArrayList<>();
    Path list = Files.createTempFile("iapv-files", ".txt");
    try {
      ProcessBuilder git =
          new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
              .directory(root.toFile())
              .redirectOutput(list.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD);
      Process process = git.start();
      if (process.waitFor(2, TimeUnit.MINUTES) && process.exitValue() == 0) {
        for (String name : Files.readString(list, StandardCharsets.UTF_8).split("\0")) {
          if (!name.isEmpty()) {
            files.add(name);
          }
        }
      }
    } finally {
      Files.deleteIfExists(list);
    }
    if (files.isEmpty()) {
      // Not a git checkout: everything but build output.
      try (Stream<Path> walk = Files.walk(root)) {
        walk.filter(Files::isRegularFile)
            .map(root::relativize)
            .filter(
                p ->
                    Stream.of(p.toString().split("[/\\\\]"))
                        .noneMatch(part -> part.equals("target") || part.equals(".git")))
            .forEach(p -> files.add(p.toString()));
      }
    }
    for (String name : files) {
      Path from = root.resolve(name);
      if (Files.isRegularFile(from)) {
        Path to = into.resolve(name);
        Files.createDirectories(to.getParent());
        Files.copy(from, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
