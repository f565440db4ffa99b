package io.github.iapverifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JWSObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The module as a user on the module path sees it: a consumer module is compiled and run against
 * {@code target/classes} and the real dependency jars, in a JVM of its own. It verifies a real
 * token through the API, and code that reaches into {@code internal} does not compile.
 */
class ModulePathTest {

  private static final String MODULE = "io.github.iapverifier.core";

  @TempDir Path work;

  @Test
  void descriptorWhenReadThenOnlyTheApiPackageIsExported() throws Exception {
    ModuleDescriptor descriptor =
        ModuleFinder.of(location(IapVerifier.class)).find(MODULE).orElseThrow().descriptor();

    assertThat(descriptor.exports())
        .extracting(ModuleDescriptor.Exports::source)
        .containsExactly("io.github.iapverifier");
    assertThat(descriptor.packages()).contains("io.github.iapverifier.internal.keys");
  }

  @Test
  void consumerModuleWhenRunOnModulePathThenVerifiesARealToken() throws Exception {
    TestIap iap = new TestIap();
    Path src = write("consumer/module-info.java", "module consumer { requires " + MODULE + "; }");
    write(
        "consumer/consumer/Main.java",
        """
        package consumer;

        import io.github.iapverifier.*;
        import java.time.*;

        public class Main {
          public static void main(String[] args) {
            IapVerifier verifier = IapVerifier.builder()
                .audiences(args[0])
                .keySource(IapKeySource.fromJwks(args[1]))
                .clock(Clock.fixed(Instant.parse(args[2]), ZoneOffset.UTC))
                .build();
            System.out.println("named=" + IapVerifier.class.getModule().isNamed());
            System.out.println("email=" + verifier.verify(args[3]).email());
            try {
              verifier.verify("garbage");
            } catch (IapVerificationException e) {
              System.out.println("reason=" + e.reason());
            }
          }
        }
        """);
    Path out = work.resolve("out");

    assertThat(javac(src.getParent(), out)).as("javac output").isEmpty();
    Process java =
        new ProcessBuilder(
                javaHome().resolve("bin/java").toString(),
                "--module-path",
                modulePath(out),
                "--module",
                "consumer/consumer.Main",
                TestIap.AUDIENCE,
                iap.jwks(),
                TestIap.NOW.toString(),
                iap.token())
            .redirectErrorStream(true)
            .start();
    assertThat(java.waitFor(60, TimeUnit.SECONDS)).as("ended").isTrue();
    String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(output)
        .as(output)
        .contains("named=true", "email=" + TestIap.EMAIL, "reason=MALFORMED");
    assertThat(java.exitValue()).isZero();
  }

  @Test
  void consumerModuleWhenReachingIntoInternalThenDoesNotCompile() throws Exception {
    Path src = write("consumer/module-info.java", "module consumer { requires " + MODULE + "; }");
    write(
        "consumer/consumer/Main.java",
        """
        package consumer;

        public class Main {
          Object keys = io.github.iapverifier.internal.keys.JwksUri.class;
        }
        """);

    assertThat(javac(src.getParent(), work.resolve("out")))
        .contains("package io.github.iapverifier.internal.keys is not visible");
  }

  private Path write(String relative, String text) throws IOException {
    Path file = work.resolve("src").resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  /** Compiles a module source tree; returns the diagnostics, empty on success. */
  private static String javac(Path moduleRoot, Path out) throws Exception {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    List<String> args =
        new ArrayList<>(List.of("--module-path", modulePath(), "-d", out.toString()));
    try (Stream<Path> files = Files.walk(moduleRoot)) {
      files.filter(f -> f.toString().endsWith(".java")).forEach(f -> args.add(f.toString()));
    }
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    compiler.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
    return diagnostics.toString(StandardCharsets.UTF_8);
  }

  /** target/classes and the jars of the module's dependencies, as a user's build would have. */
  private static String modulePath(Path... more) throws URISyntaxException {
    List<Path> path = new ArrayList<>(List.of(more));
    for (Class<?> c :
        Set.of(
            IapVerifier.class,
            JWSObject.class,
            Caffeine.class,
            LoggerFactory.class,
            ECDSASigner.class,
            NullMarked.class)) {
      path.add(location(c));
    }
    return path.stream()
        .map(Path::toString)
        .collect(Collectors.joining(java.io.File.pathSeparator));
  }

  private static Path location(Class<?> c) throws URISyntaxException {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static Path javaHome() {
    return Path.of(System.getProperty("java.home"));
  }
}
