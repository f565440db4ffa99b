package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps README.md true: its code blocks are the tagged regions of the files the quick-start
 * and custom-chain tests run ({@link QuickStartTest}, {@link CustomChainTest}); and
 * test-support/README.md, whose examples run here (see {@code testing/}), since
 * test-support's own tests cannot use the starter or the servlet filter.
 */
class ReadmeSnippetTest {

  private static final Path TEST = Path.of("src/test");

  @Test
  void readmeWhenQuickStartThenYmlIsTheTestedOne() throws IOException {
    assertThat(readme())
        .contains("```yaml\n" + region(TEST.resolve("resources/quickstart.yml"), "yml") + "```");
  }

  @Test
  void readmeWhenQuickStartThenControllerIsTheTestedOne() throws IOException {
    assertThat(readme())
        .contains(
            "```java\n"
                + region(
                    TEST.resolve(
                        "java/io/github/iapverifier/spring/quickstart/HelloController.java"),
                    "controller")
                + "```");
  }

  @Test
  void readmeWhenOwnChainThenChainIsTheTestedOne() throws IOException {
    assertThat(readme())
        .contains(
            "```java\n"
                + region(
                    TEST.resolve(
                        "java/io/github/iapverifier/spring/customchain/CustomChainApplication.java"),
                    "chain")
                + "```");
  }

  @Test
  void readmeWhenWebFluxQuickStartThenControllerIsTheTestedOne() throws IOException {
    assertThat(readme())
        .contains(
            "```java\n"
                + region(
                    TEST.resolve(
                        "java/io/github/iapverifier/spring/reactive/secured/SecuredReactiveApplication.java"),
                    "webflux-controller")
                + "```");
  }

  @Test
  void readmeWhenWebFluxOwnChainThenChainIsTheTestedOne() throws IOException {
    assertThat(readme())
        .contains(
            "```java\n"
                + region(
                    TEST.resolve("java/io/github/iapverifier/spring/ReactiveOwnChainTest.java"),
                    "webflux-chain")
                + "```");
  }

  @Test
  void testingReadmeWhenWebTestClientExampleThenIsTheTestedOne() throws IOException {
    assertThat(testingReadme())
        .contains(region(TESTING.resolve("WebTestClientIapTest.java"), "webtestclient") + "}\n```");
  }

  @Test
  void testingReadmeWhenServletExampleThenIsTheTestedOne() throws IOException {
    assertThat(testingReadme())
        .contains("```java\n" + region(TESTING.resolve("ServletAppTest.java"), "servlet") + "```");
  }

  @Test
  void testingReadmeWhenMockMvcExampleThenIsTheTestedOne() throws IOException {
    assertThat(testingReadme())
        .contains(region(TESTING.resolve("MockMvcIapTest.java"), "mockmvc") + "}\n```");
  }

  @Test
  void testingReadmeWhenWithIapUserExampleThenIsTheTestedOne() throws IOException {
    assertThat(testingReadme())
        .contains(
            "```java\n"
                + region(
                    Path.of(
                        "../spring-boot-test/src/test/java/io/github/iapverifier/spring/test",
                        "WithIapUserTest.java"),
                    "withiapuser")
                + "```");
  }

  @Test
  void rootReadmeWhenAssembledThenShowsBothModuleReadmes() throws IOException {
    assertThat(Files.readString(Path.of("../README.md")))
        .contains(readme().strip())
        .contains(testingReadme().strip());
  }

  private static final Path TESTING = TEST.resolve("java/io/github/iapverifier/spring/testing");

  private static String testingReadme() throws IOException {
    return Files.readString(Path.of("../test-support/README.md"));
  }

  private static String readme() throws IOException {
    return Files.readString(Path.of("README.md"));
  }

  /** The lines between "tag::NAME[]" and "end::NAME[]", de-indented, each ending with a newline. */
  static String region(Path file, String name) throws IOException {
    String text = Files.readString(file);
    int start = text.indexOf('\n', text.indexOf("tag::" + name + "[]")) + 1;
    int end = text.lastIndexOf('\n', text.indexOf("end::" + name + "[]")) + 1;
    assertThat(start).as("tag " + name + " in " + file).isPositive();
    String[] lines = text.substring(start, end).split("\n", -1);
    int indent = Integer.MAX_VALUE;
    for (String line : lines) {
      if (!line.isBlank()) {
        indent = Math.min(indent, line.length() - line.stripLeading().length());
      }
    }
    int last = lines.length - 2;
    while (last >= 0 && lines[last].isBlank()) {
      last--; // the formatter's blank line before an end tag is not part of the example
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i <= last; i++) {
      out.append(lines[i].isBlank() ? "" : lines[i].substring(indent)).append('\n');
    }
    return out.toString();
  }
}
