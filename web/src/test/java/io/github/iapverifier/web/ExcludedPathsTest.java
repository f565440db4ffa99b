package io.github.iapverifier.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExcludedPathsTest {

  private final ExcludedPaths all = ExcludedPaths.of(List.of("/healthz", "/status/**", "/a/**"));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/healthz",
        "/status",
        "/status/",
        "/status/x/y",
        "/status/.well-known",
        "/status/a..b/...",
        "/status/a+b",
        "/status/a:b@c!$&'()*,=~_-.",
      })
  void matchesWhenNormalFormAndCoveredThenExcluded(String raw) {
    assertThat(all.matches(raw)).isTrue();
  }

  /** Each of these means, or might mean further down, something other than what it spells. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "healthz",
        "/healthz/../admin",
        "/status/..",
        "/status/../admin",
        "/status/./x",
        "/status/.",
        "/status/%2e%2e/admin",
        "/status/%2E%2E/admin",
        "/status/.%2e/admin",
        "/status/..;/admin",
        "/status;x=1/../admin",
        "/healthz;jsessionid=A1B2",
        "/%68ealthz",
        "/health%7A",
        "/status/a%20b",
        "/status/a%2fb",
        "/status/a%5cb",
        "/status/a\\b",
        "/status/a%00b",
        "/status/a%0d%0ab",
        "/status/a%252e%252e",
        "//healthz",
        "/status//x",
        "/a/b//../../admin",
        "/status/a b",
        "/status/a\tb",
        "/status/caf\u00e9",
        "/status/a\"b",
        "/status/a<b",
        "/status/a?b",
        "/status/a#b",
      })
  void matchesWhenNotInNormalFormThenNeverExcluded(String raw) {
    assertThat(all.matches(raw)).isFalse();
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
  void matchesWhenPrefixThenItAndEverythingBelowOnly() {
    ExcludedPaths paths = ExcludedPaths.of(List.of("/status/**", "/a/b/**"));

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
        "/a%20b", "/a%7A", "/a b", "/a\\b", "/a//**", "/caf\u00e9",
      })
  void ofWhenPatternMalformedThenMessageNamesItAndSaysWhatIsAccepted(String pattern) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ExcludedPaths.of(List.of("/ok", pattern)))
        .withMessageContaining("excluded path '" + IapHttpRequest.printable(pattern.strip()) + "'")
        .withMessageContaining("/healthz")
        .withMessageContaining("/status/**");
  }
}
