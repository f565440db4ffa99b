package io.github.iapverifier.samples.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The condition behind {@link RequiresBrowser}. Settings, read as JUnit configuration parameters
 * (which include JVM system properties, so {@code ./mvnw verify -Dname=value} works):
 *
 * <ul>
 *   <li>{@value #REQUIRED} = {@code true} (or the environment variable {@value #REQUIRED_ENV} =
 *       {@code true}; the parameter wins when both are set): a missing browser fails the test
 *       instead of skipping it. {@code .ci/run} sets the variable.
 *   <li>{@value #CHROMIUM} and {@value #CHROMEDRIVER}: where the browser and its driver are;
 *       Debian's paths by default.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class BrowserCondition implements ExecutionCondition {

  /** Makes a missing browser a failure. */
  public static final String REQUIRED = "iap.browser.required";

  /** The environment variable with the same effect as {@link #REQUIRED}. */
  public static final String REQUIRED_ENV = "IAP_BROWSER_REQUIRED";

  /** Path of the Chromium binary; default {@code /usr/bin/chromium} (Debian's chromium). */
  public static final String CHROMIUM = "iap.browser.chromium";

  /** Path of chromedriver; default {@code /usr/bin/chromedriver} (Debian's chromium-driver). */
  public static final String CHROMEDRIVER = "iap.browser.chromedriver";

  static final String HINT = "install them with: sudo samples/install-browser.sh";

  /** Called by JUnit through {@link RequiresBrowser}. */
  public BrowserCondition() {}

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    ConditionEvaluationResult result =
        evaluate(context::getConfigurationParameter, System.getenv());
    if (result.isDisabled()) {
      // Maven's console counts skipped tests without their reason: say it where it is seen.
      String test =
          context.getTestClass().map(Class::getSimpleName).orElse("")
              + context.getTestMethod().map(m -> "." + m.getName()).orElse("");
      System.out.println("[skipped " + test + "] " + result.getReason().orElseThrow());
    }
    return result;
  }

  /**
   * Decides for these settings.
   *
   * @param config the configuration parameters (system properties included)
   * @param env the environment variables
   * @return enabled when both binaries are there; disabled with the install hint when not
   * @throws IllegalStateException when they are not there and a browser is required
   */
  static ConditionEvaluationResult evaluate(
      Function<String, Optional<String>> config, Map<String, String> env) {
    Path chromium = Path.of(config.apply(CHROMIUM).orElse(Browser.DEFAULT_CHROMIUM));
    Path chromedriver = Path.of(config.apply(CHROMEDRIVER).orElse(Browser.DEFAULT_CHROMEDRIVER));
    List<Path> missing = new ArrayList<>();
    for (Path binary : List.of(chromium, chromedriver)) {
      if (!Files.isExecutable(binary)) {
        missing.add(binary);
      }
    }
    if (missing.isEmpty()) {
      return ConditionEvaluationResult.enabled("browser at " + chromium + ", " + chromedriver);
    }
    String reason = "no Chromium/chromedriver at " + missing + "; " + HINT;
    if (isTrue(config.apply(REQUIRED).or(() -> Optional.ofNullable(env.get(REQUIRED_ENV))))) {
      throw new IllegalStateException(
          reason + " (a browser is required here: " + REQUIRED + " or " + REQUIRED_ENV + ")");
    }
    return ConditionEvaluationResult.disabled(reason);
  }

  private static boolean isTrue(Optional<String> value) {
    return value.map(v -> v.trim().toLowerCase(Locale.ROOT)).filter("true"::equals).isPresent();
  }
}
