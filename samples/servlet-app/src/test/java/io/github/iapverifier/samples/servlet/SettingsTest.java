package io.github.iapverifier.samples.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iapverifier.IapAudience;
import io.github.iapverifier.samples.servlet.ServletSample.Settings;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsTest {

  private static final Map<String, String> NO_PROPERTIES = Map.of();

  @Test
  void readWhenEnvironmentOnlyThenUsesItAndDefaults() {
    Settings settings =
        Settings.read(
            NO_PROPERTIES::get,
            Map.of("IAP_AUDIENCES", "/projects/1/apps/local-dev, /projects/2/apps/other-app"));

    assertThat(settings.audiences())
        .containsExactly(
            IapAudience.of("/projects/1/apps/local-dev"),
            IapAudience.of("/projects/2/apps/other-app"));
    assertThat(settings.jwksUri()).isEmpty();
    assertThat(settings.port()).isEqualTo(8081);
    assertThat(settings.admins()).isEmpty();
  }

  @Test
  void readWhenSystemPropertiesThenTheyWinOverEnvironment() {
    Map<String, String> properties =
        Map.of(
            "iap.audiences", "/projects/1/apps/local-dev",
            "iap.jwks-uri", "http://127.0.0.1:8080/iap/verify/public_key-jwk",
            "port", "9090",
            "admin.emails", "Boss@Example.com, ana@example.com");
    Settings settings =
        Settings.read(
            properties::get,
            Map.of(
                "IAP_AUDIENCES",
                "/projects/2/apps/other-app",
                "PORT",
                "1",
                "ADMIN_EMAILS",
                "x@y.z"));

    assertThat(settings.audiences()).containsExactly(IapAudience.of("/projects/1/apps/local-dev"));
    assertThat(settings.jwksUri())
        .contains(URI.create("http://127.0.0.1:8080/iap/verify/public_key-jwk"));
    assertThat(settings.port()).isEqualTo(9090);
    assertThat(settings.admins()).isEqualTo(Set.of("boss@example.com", "ana@example.com"));
  }

  @Test
  void readWhenNoAudienceThenRefusesNamingTheVariable() {
    assertThatThrownBy(() -> Settings.read(NO_PROPERTIES::get, Map.of("PORT", "8081")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("set IAP_AUDIENCES");
  }

  @Test
  void readWhenAudienceMalformedThenRefuses() {
    assertThatThrownBy(() -> Settings.read(NO_PROPERTIES::get, Map.of("IAP_AUDIENCES", "my-app")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("my-app");
  }

  @Test
  void readWhenPortNotANumberThenRefuses() {
    assertThatThrownBy(
            () ->
                Settings.read(
                    NO_PROPERTIES::get,
                    Map.of("IAP_AUDIENCES", "/projects/1/apps/local-dev", "PORT", "eighty")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PORT 'eighty'");
  }
}
