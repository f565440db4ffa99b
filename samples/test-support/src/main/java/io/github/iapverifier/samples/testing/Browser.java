package io.github.iapverifier.samples.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.imageio.ImageIO;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium, Debian's {@code /usr/bin/chromium} driven through {@code
 * /usr/bin/chromedriver} (other paths: the system properties {@value BrowserCondition#CHROMIUM}
 * and {@value BrowserCondition#CHROMEDRIVER}). Both paths are given to Selenium explicitly, so
 * Selenium Manager never runs and nothing is ever downloaded. Tests that use it are annotated
 * {@link RequiresBrowser}. Not thread-safe: one per test.
 */
public final class Browser implements AutoCloseable {

  /** Debian's {@code chromium} package. */
  static final String DEFAULT_CHROMIUM = "/usr/bin/chromium";

  /** Debian's {@code chromium-driver} package, the same version as {@link #DEFAULT_CHROMIUM}. */
  static final String DEFAULT_CHROMEDRIVER = "/usr/bin/chromedriver";

  private static final Duration WAIT = Duration.ofSeconds(15);

  // Selenium warns that it has no CDP (DevTools) support for this Chromium version; the tests use
  // only W3C WebDriver, which works with any version. Held here: JUL keeps loggers weakly.
  private static final List<Logger> QUIETED =
      List.of(
          Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder"),
          Logger.getLogger("org.openqa.selenium.chromium.ChromiumDriver"));

  static {
    QUIETED.forEach(logger -> logger.setLevel(Level.SEVERE));
  }

  private final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  /**
   * Starts a headless Chromium with a fresh profile, or fails the test when it is not installed
   * ({@link RequiresBrowser} skips the test before that unless a browser is required).
   *
   * @param profile an empty directory for the browser profile (cookies start empty)
   * @param logs where chromedriver writes its log, for when a test fails
   * @return the browser; close it
   */
  public static Browser start(Path profile, Path logs) {
    Path chromium = Path.of(System.getProperty(BrowserCondition.CHROMIUM, DEFAULT_CHROMIUM));
    Path chromedriver =
        Path.of(System.getProperty(BrowserCondition.CHROMEDRIVER, DEFAULT_CHROMEDRIVER));
    if (!Files.isExecutable(chromedriver) || !Files.isExecutable(chromium)) {
      fail(
          "the browser end-to-end test needs Chromium and chromedriver ("
              + chromium
              + ", "
              + chromedriver
              + "); "
              + BrowserCondition.HINT);
    }
    try {
      Files.createDirectories(logs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(chromedriver.toFile())
            .usingAnyFreePort()
            .withLogFile(logs.resolve("chromedriver.log").toFile())
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless=new",
        // Root in a container has no user namespace for the sandbox.
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        // Without these Chromium calls Google's servers at start; the tests run offline.
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1024,768",
        "--user-data-dir=" + profile.toAbsolutePath());
    return new Browser(new ChromeDriver(service, options));
  }

  /**
   * Opens a URL and waits for the page to load.
   *
   * @param url absolute
   */
  public void open(String url) {
    driver.get(url);
  }

  /**
   * Returns an element once it is on the page.
   *
   * @param css a CSS selector
   * @return the element
   */
  public WebElement find(String css) {
    return new WebDriverWait(driver, WAIT)
        .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
  }

  /**
   * Tells whether an element is on the current page, without waiting.
   *
   * @param css a CSS selector
   * @return true if at least one element matches
   */
  public boolean has(String css) {
    return !driver.findElements(By.cssSelector(css)).isEmpty();
  }

  /**
   * Returns the text of an element once it is on the page.
   *
   * @param css a CSS selector
   * @return its visible text
   */
  public String text(String css) {
    return find(css).getText();
  }

  /**
   * Clicks an element and waits until the browser has left the page it was on.
   *
   * @param css a CSS selector
   */
  public void clickAndWait(String css) {
    WebElement element = find(css);
    element.click();
    new WebDriverWait(driver, WAIT).until(ExpectedConditions.stalenessOf(element));
  }

  /**
   * Returns the title of the current page.
   *
   * @return the title
   */
  public String title() {
    return driver.getTitle();
  }

  /**
   * Returns the URL of the current page, after redirects.
   *
   * @return the URL
   */
  public String url() {
    return driver.getCurrentUrl();
  }

  /**
   * Returns the whole visible text of the current page.
   *
   * @return the text
   */
  public String pageText() {
    return find("body").getText();
  }

  /**
   * Requests a path from the current page's origin with the browser's own cookies and returns the
   * HTTP status, which WebDriver does not expose for page loads.
   *
   * @param path absolute path, e.g. {@code /admin}
   * @return the status code
   */
  public int status(String path) {
    Object status =
        driver.executeScript(
            "return fetch(arguments[0], {redirect: 'manual', cache: 'no-store'})"
                + ".then(r => r.status)",
            path);
    return ((Number) status).intValue();
  }

  /**
   * Saves a screenshot of the viewport and checks that it shows a rendered page, not a blank one:
   * many distinct colours (anti-aliased text) and a fair share of non-white pixels.
   *
   * @param png where to write it; parent directories are created
   * @return the decoded image
   */
  public BufferedImage screenshot(Path png) {
    byte[] bytes = driver.getScreenshotAs(OutputType.BYTES);
    BufferedImage image;
    try {
      Files.createDirectories(png.toAbsolutePath().getParent());
      Files.write(png, bytes);
      image = ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(image).as("%s decodes as PNG", png).isNotNull();
    Screenshots.assertNotBlank(image, png.toString());
    return image;
  }

  /** Quits Chromium and chromedriver. */
  @Override
  public void close() {
    driver.quit();
  }
}
