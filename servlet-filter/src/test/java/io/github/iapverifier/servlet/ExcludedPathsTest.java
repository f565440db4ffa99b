package io.github.iapverifier.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExcludedPathsTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/healthz|/healthz",
        "/healthz;jsessionid=A1B2|/healthz",
        "/a;x=1/b;y=2|/a/b",
        "/status/|/status/",
        "/|/",
        "/a%20b|/a b",
        "/%68ealthz|/healthz",
        "/caf%C3%A9|/caf\u00e9",
        "/a+b|/a+b",
        "/.well-known/x|/.well-known/x",
        "/a..b/...|/a..b/...",
      })
  void normaliseWhenNormalFormThenDecodedPath(String raw, String expected) {
    assertThat(ExcludedPaths.normalise(raw)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "healthz",
        "/healthz/../admin",
        "/healthz/..",
        "/..",
        "/.",
        "/./healthz",
        "/healthz/%2e%2e/admin",
        "/healthz/%2E%2E/admin",
        "/healthz/.%2e/admin",
        "/healthz/..;/admin",
        "/healthz/..;x=1/admin",
        "/%2e/healthz",
        "//healthz",
        "/healthz//x",
        "/;x=1/healthz",
        "/a%2fb",
        "/a%2Fb",
        "/a%5cb",
        "/a\\b",
        "/a%3bb",
        "/a%00b",
        "/a%0d%0ab",
        "/a%zzb",
        "/a%2",
        "/a%",
        "/a%c0%ae%c0%ae",
        "/a%ff",
        "/a%252e%252e",
        "/a b",
        "/a\tb",
        "/caf\u00e9",
      })
  void normaliseWhenNotNormalFormThenNull(String raw) {
    assertThat(ExcludedPaths.normalise(raw)).isNull();
  }

  @Test
  void matchesWhenExactThenOnlyThatPath() {
    ExcludedPaths paths = ExcludedPaths.of(List.of("/healthz"));

    assertThat(paths.matches("/healthz")).isTrue();
    assertThat(paths.matches("/healthz/")).isFalse();
    assertThat(paths.matches("/healthz/x")).isFalse();
    assertThat(paths.matches("/healthzx")).isFalse();
    assertThat(paths.matches("/HEALTHZ")).isFalse();
    assertThat(paths.matches(null)).isFalse();
  }

  @Test
  void matchesWhenPrefixThenItAndEverythingBelow() {
    ExcludedPaths paths = ExcludedPaths.of(List.of("/status/**", "/a/b/**"));

    assertThat(paths.matches("/status")).isTrue();
    assertThat(paths.matches("/status/")).isTrue();
    assertThat(paths.matches("/status/x/y")).isTrue();
    assertThat(paths.matches("/a/b/c")).isTrue();
    assertThat(paths.matches("/statusx")).isFalse();
    assertThat(paths.matches("/statu")).isFalse();
    assertThat(paths.matches("/a")).isFalse();
    assertThat(paths.matches("/")).isFalse();
  }

  @Test
  void ofWhenNoPatternsThenEmptyAndMatchesNothing() {
    assertThat(ExcludedPaths.of(List.of()).isEmpty()).isTrue();
    assertThat(ExcludedPaths.NONE.matches("/")).isFalse();
  }

  @Test
  void ofWhenPatternHasSurroundingSpaceThenTrimmed() {
    assertThat(ExcludedPaths.of(List.of("  /healthz ")).matches("/healthz")).isTrue();
  }

  @Test
  void ofWhenWholeApplicationThenRefusedWithReason() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ExcludedPaths.of(List.of("/**")))
        .withMessageContaining("would exempt the whole application");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "healthz", "", "/a/*", "/*", "/a/**/b", "/a**", "/a/../b", "/a/./b", "//a", "/a;x=1",
        "/a%20b", "/a b", "/a\\b",
      })
  void ofWhenPatternMalformedThenMessageNamesItAndSaysWhatIsAccepted(String pattern) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ExcludedPaths.of(List.of("/ok", pattern)))
        .withMessageContaining("excluded path '" + pattern.strip() + "'")
        .withMessageContaining("/healthz")
        .withMessageContaining("/status/**");
  }

  @Test
  void ofWhenEmptySegmentBeforeWildcardThenRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ExcludedPaths.of(List.of("/a//**")))
        .withMessageContaining("'/a//**'");
  }
}
