package io.github.iapverifier.samples.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.skippedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The browser condition decided for both states of the machine without touching its browser:
 * paths that do not exist stand for "not installed", executable files made here for "installed".
 */
class BrowserConditionTest {

  private static final String NOWHERE = "/nonexistent/iap-verifier-test/chromium";

  private final Map<String, String> config = new HashMap<>();
  private final Map<String, String> env = new HashMap<>();

  private ConditionEvaluationResult evaluate() {
    return BrowserCondition.evaluate(name -> Optional.ofNullable(config.get(name)), env);
  }

  private void installFakeBrowser(Path dir) throws IOException {
    config.put(BrowserCondition.CHROMIUM, executable(dir.resolve("chromium")).toString());
    config.put(BrowserCondition.CHROMEDRIVER, executable(dir.resolve("chromedriver")).toString());
  }

  private static Path executable(Path file) throws IOException {
    return Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  @Test
  void evaluateWhenBrowserMissingThenDisabledWithInstallHint() {
    config.put(BrowserCondition.CHROMIUM, NOWHERE);

    ConditionEvaluationResult result = evaluate();

    assertThat(result.isDisabled()).isTrue();
    assertThat(result.getReason())
        .hasValueSatisfying(
            reason ->
                assertThat(reason)
                    .contains(NOWHERE)
                    .endsWith("install them with: sudo samples/install-browser.sh"));
  }

  @Test
  void evaluateWhenBrowserInstalledThenEnabled(@TempDir Path dir) throws IOException {
    installFakeBrowser(dir);

    ConditionEvaluationResult result = evaluate();

    assertThat(result.isDisabled()).isFalse();
    assertThat(result.getReason()).hasValueSatisfying(r -> assertThat(r).contains(dir.toString()));
  }

  @Test
  void evaluateWhenDriverMissingThenDisabledNamingIt(@TempDir Path dir) throws IOException {
    installFakeBrowser(dir);
    config.put(BrowserCondition.CHROMEDRIVER, dir.resolve("no-driver").toString());

    ConditionEvaluationResult result = evaluate();

    assertThat(result.isDisabled()).isTrue();
    assertThat(result.getReason()).hasValueSatisfying(r -> assertThat(r).contains("no-driver"));
  }

  @Test
  void evaluateWhenFileNotExecutableThenDisabled(@TempDir Path dir) throws IOException {
    installFakeBrowser(dir);
    config.put(BrowserCondition.CHROMIUM, Files.createFile(dir.resolve("plain")).toString());

    assertThat(evaluate().isDisabled()).isTrue();
  }

  @Test
  void evaluateWhenBrowserMissingAndRequiredByPropertyThenFailsWithInstallHint() {
    config.put(BrowserCondition.CHROMIUM, NOWHERE);
    config.put(BrowserCondition.REQUIRED, "true");

    assertThatThrownBy(this::evaluate)
        .hasMessageContaining(NOWHERE)
        .hasMessageContaining("install them with: sudo samples/install-browser.sh")
        .hasMessageContaining("iap.browser.required");
  }

  @Test
  void evaluateWhenBrowserMissingAndRequiredByEnvironmentThenFails() {
    config.put(BrowserCondition.CHROMIUM, NOWHERE);
    env.put(BrowserCondition.REQUIRED_ENV, "TRUE");

    assertThatThrownBy(this::evaluate).hasMessageContaining("IAP_BROWSER_REQUIRED");
  }

  @Test
  void evaluateWhenRequiredIsFalseThenStillSkips() {
    config.put(BrowserCondition.CHROMIUM, NOWHERE);
    config.put(BrowserCondition.REQUIRED, "false");
    env.put(BrowserCondition.REQUIRED_ENV, "no");

    assertThat(evaluate().isDisabled()).isTrue();
  }

  @Test
  void evaluateWhenPropertySaysNotRequiredThenItWinsOverTheEnvironment() {
    config.put(BrowserCondition.CHROMIUM, NOWHERE);
    config.put(BrowserCondition.REQUIRED, "false");
    env.put(BrowserCondition.REQUIRED_ENV, "true");

    assertThat(evaluate().isDisabled()).isTrue();
  }

  @Test
  void evaluateWhenBrowserInstalledAndRequiredThenEnabled(@TempDir Path dir) throws IOException {
    installFakeBrowser(dir);
    config.put(BrowserCondition.REQUIRED, "true");
    env.put(BrowserCondition.REQUIRED_ENV, "true");

    assertThat(evaluate().isDisabled()).isFalse();
  }

  // Through the real Jupiter engine, as Maven runs the browser tests. The parameter "required"
  // is always given, so that IAP_BROWSER_REQUIRED in this build's own environment (CI) is not read.

  @Test
  void annotatedTestWhenBrowserMissingThenReportedSkippedWithHintAndNotRun() {
    UsesBrowser.runs.set(0);

    Events events =
        run(Map.of(BrowserCondition.CHROMIUM, NOWHERE, BrowserCondition.REQUIRED, "false"));

    events.assertThatEvents()
        .haveExactly(
            1,
            event(
                container(UsesBrowser.class),
                skippedWithReason(
                    r -> r.endsWith("install them with: sudo samples/install-browser.sh"))));
    assertThat(events.failed().count()).isZero();
    assertThat(UsesBrowser.runs).hasValue(0);
  }

  @Test
  void annotatedTestWhenBrowserMissingAndRequiredThenFails() {
    UsesBrowser.runs.set(0);

    Events events =
        run(Map.of(BrowserCondition.CHROMIUM, NOWHERE, BrowserCondition.REQUIRED, "true"));

    events.assertThatEvents()
        .haveExactly(
            1,
            event(
                container(UsesBrowser.class),
                finishedWithFailure(
                    message(m -> m.contains("install them with: sudo samples/install-browser.sh")))));
    assertThat(events.skipped().count()).isZero();
    assertThat(UsesBrowser.runs).hasValue(0);
  }

  @Test
  void annotatedTestWhenBrowserInstalledThenRuns(@TempDir Path dir) throws IOException {
    UsesBrowser.runs.set(0);
    installFakeBrowser(dir);
    config.put(BrowserCondition.REQUIRED, "false");

    Events events = run(config);

    events.assertThatEvents().haveExactly(1, event(test(), finishedSuccessfully()));
    assertThat(UsesBrowser.runs).hasValue(1);
  }

  /** Runs {@link UsesBrowser}; returns the events of the class and of its test. */
  private static Events run(Map<String, String> parameters) {
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameters(parameters)
        .selectors(selectClass(UsesBrowser.class))
        .execute()
        .allEvents();
  }

  /**
   * Run only through the engine above: a nested class without {@code @Nested}, which neither
   * Surefire (it skips inner classes) nor Jupiter's discovery of the outer class runs.
   */
  @RequiresBrowser
  static class UsesBrowser {
    static final AtomicInteger runs = new AtomicInteger();

    @Test
    void counts() {
      runs.incrementAndGet();
    }
  }
}
