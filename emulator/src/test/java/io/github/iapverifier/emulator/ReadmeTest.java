package io.github.iapverifier.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps {@code emulator/README.md} in the project README and in step with the flags. */
class ReadmeTest {

  private static final Path README = Path.of("README.md");

  @Test
  void readmeWhenProjectReadmeReadThenItHoldsTheEmulatorSectionVerbatim() throws Exception {
    assertThat(Files.readString(Path.of("../README.md")))
        .contains(Files.readString(README).strip());
  }

  @Test
  void readmeWhenReadThenEveryFlagIsDescribed() throws Exception {
    String readme = Files.readString(README);

    assertThat(Main.OPTIONS).allSatisfy(option -> assertThat(readme).contains("`" + option + " "));
  }
}
