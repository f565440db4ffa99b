package io.github.iapverifier.samples.servlet;

import static io.github.iapverifier.samples.servlet.SampleBehindEmulator.ADMIN;
import static io.github.iapverifier.samples.servlet.SampleBehindEmulator.USER;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.samples.testing.Browser;
import io.github.iapverifier.samples.testing.Http;
import io.github.iapverifier.samples.testing.RequiresBrowser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a developer sees in a real browser: the emulator's sign-in page, the identity page, a 403 on
 * the admin page, sign-out, the admin page as an admin.
 */
@RequiresBrowser
class ServletSampleBrowserIT {

  private static final String LEVEL = "accessPolicies/123/accessLevels/corp_devices";

  @Test
  void signInAsUserThenAdminThenSignOut(@TempDir Path profile) {
    try (SampleBehindEmulator sample = new SampleBehindEmulator();
        Browser browser = Browser.start(profile, Path.of("target", "browser"))) {
      String base = sample.emulatorUri().toString();
      Http.awaitKeys(sample.emulatorUri(), Http.signIn(sample.emulatorUri(), USER, "example.com"));

      browser.open(base + "/");
      assertThat(browser.title()).isEqualTo("Sign in - local IAP emulator");

      // A chosen identity, typed into the emulator's form.
      browser.find("#email").sendKeys(USER);
      browser.find("#hd").sendKeys("example.com");
      browser.find("#levels").sendKeys(LEVEL);
      browser.clickAndWait("#sign-in");

      assertThat(browser.url()).isEqualTo(base + "/");
      assertThat(browser.text("#email")).isEqualTo(USER);
      assertThat(browser.text("#domain")).isEqualTo("example.com");
      assertThat(browser.text("#access-levels")).isEqualTo(LEVEL);
      assertThat(browser.text("#expires")).matches("\\S+Z \\(in \\d+ s\\)");
      browser.screenshot(Path.of("target", "screenshots", "identity.png"));

      browser.clickAndWait("#admin-link");
      assertThat(browser.text("#denied"))
          .isEqualTo(USER + " is not an admin of this app (see" + " ADMIN_EMAILS).");
      assertThat(browser.status("/admin")).isEqualTo(403);

      browser.open(base + "/?gcp-iap-mode=CLEAR_LOGIN_COOKIE");
      assertThat(browser.title()).isEqualTo("Sign in - local IAP emulator");
      assertThat(browser.has("#current")).as("still signed in").isFalse();

      // An admin, with the emulator's one-click button.
      browser.clickAndWait("button[data-email='" + ADMIN + "']");
      assertThat(browser.text("#email")).isEqualTo(ADMIN);
      browser.open(base + "/admin");
      assertThat(browser.text("#welcome")).isEqualTo("Welcome, admin " + ADMIN + ".");
      assertThat(browser.status("/admin")).isEqualTo(200);

      browser.clickAndWait("#sign-out");
      assertThat(browser.title()).isEqualTo("Sign in - local IAP emulator");
      browser.open(base + "/admin");
      assertThat(browser.url()).startsWith(base + "/_gcp_iap/signin");
    }
  }
}
