package io.github.iapverifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The three audience formats: built from parts, parsed from strings, and verified end to end. */
class IapAudienceTest {

  private final TestIap iap = new TestIap();

  @Test
  void appEngineWhenPartsValidThenIapFormat() {
    IapAudience audience = IapAudience.appEngine(123456789012L, "my-project");
    assertThat(audience.value()).isEqualTo("/projects/123456789012/apps/my-project");
    assertThat(audience.kind()).isEqualTo(IapAudience.Kind.APP_ENGINE);
    assertThat(IapAudience.appEngine(1, "example.com:my-project").value())
        .isEqualTo("/projects/1/apps/example.com:my-project");
  }

  @Test
  void backendServiceWhenPartsValidThenIapFormat() {
    IapAudience audience = IapAudience.backendService(123456789012L, 4567890123456789012L);
    assertThat(audience.value())
        .isEqualTo("/projects/123456789012/global/backendServices/4567890123456789012");
    assertThat(audience.kind()).isEqualTo(IapAudience.Kind.BACKEND_SERVICE);
  }

  @Test
  void cloudRunWhenPartsValidThenIapFormat() {
    IapAudience audience = IapAudience.cloudRun(123456789012L, "europe-west1", "billing");
    assertThat(audience.value()).isEqualTo(TestIap.AUDIENCE);
    assertThat(audience.kind()).isEqualTo(IapAudience.Kind.CLOUD_RUN);
    assertThat(IapAudience.cloudRun(1, "northamerica-northeast1", "a").value())
        .isEqualTo("/projects/1/locations/northamerica-northeast1/services/a");
  }

  @Test
  void ofWhenEachFormatThenSameAsFactory() {
    assertThat(IapAudience.of("/projects/123456789012/apps/my-project"))
        .isEqualTo(IapAudience.appEngine(123456789012L, "my-project"))
        .extracting(IapAudience::kind)
        .isEqualTo(IapAudience.Kind.APP_ENGINE);
    assertThat(IapAudience.of("/projects/123456789012/global/backendServices/987"))
        .isEqualTo(IapAudience.backendService(123456789012L, 987))
        .extracting(IapAudience::kind)
        .isEqualTo(IapAudience.Kind.BACKEND_SERVICE);
    assertThat(IapAudience.of(TestIap.AUDIENCE))
        .isEqualTo(IapAudience.cloudRun(123456789012L, "europe-west1", "billing"))
        .hasSameHashCodeAs(IapAudience.cloudRun(123456789012L, "europe-west1", "billing"))
        .hasToString(TestIap.AUDIENCE)
        .extracting(IapAudience::kind)
        .isEqualTo(IapAudience.Kind.CLOUD_RUN);
  }

  @Test
  void ofWhenSurroundedByWhitespaceThenStripped() {
    // Values pasted into properties files often carry a trailing space or newline.
    assertThat(IapAudience.of(" " + TestIap.AUDIENCE + "\n").value()).isEqualTo(TestIap.AUDIENCE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "billing",
        "projects/1/apps/my-project",
        "/projects/0/apps/my-project",
        "/projects/my-project/apps/my-project",
        "/projects/1/apps/My-Project",
        "/projects/1/apps/abc",
        "/projects/1/apps/my-project/",
        "/projects/1/global/backendServices/my-backend",
        "/projects/1/global/backendServices/0",
        "/projects/1/locations/europe-west1/services/Billing",
        "/projects/1/locations/europe-west1/services/billing-",
        "/projects/1/locations/Europe-West1/services/billing",
        "/projects/1/locations/europe-west1/services/",
        "/projects/1/regions/europe-west1/services/billing",
        "https://billing-abc-ew.a.run.app",
        "/projects/1/apps/my-project\u0000"
      })
  void ofWhenNotAnIapAudienceThenRefusedWithTheFormats(String audience) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapAudience.of(audience))
        .withMessageContaining("is not an IAP audience")
        .withMessageContaining("/projects/PROJECT_NUMBER/locations/REGION/services/SERVICE_NAME");
  }

  @Test
  void ofWhenNullThenMessageNamesArgument() {
    assertThatNullPointerException().isThrownBy(() -> IapAudience.of(null)).withMessage("audience");
  }

  @Test
  void factoriesWhenProjectNumberNotPositiveThenNamed() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapAudience.appEngine(0, "my-project"))
        .withMessageContaining("projectNumber");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapAudience.backendService(-1, 1))
        .withMessageContaining("projectNumber");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapAudience.cloudRun(0, "europe-west1", "billing"))
        .withMessageContaining("projectNumber")
        .withMessageContaining("gcloud projects describe");
  }

  @Test
  void appEngineWhenProjectIdMalformedThenNamed() {
    for (String id : new String[] {"My-Project", "abc", "1project", "my-project-", "my project"}) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> IapAudience.appEngine(1, id))
          .withMessageContaining("projectId");
    }
    assertThatNullPointerException()
        .isThrownBy(() -> IapAudience.appEngine(1, null))
        .withMessage("projectId");
  }

  @Test
  void backendServiceWhenIdNotPositiveThenNamed() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapAudience.backendService(1, 0))
        .withMessageContaining("backendServiceId")
        .withMessageContaining("gcloud compute backend-services describe");
  }

  @Test
  void cloudRunWhenRegionMalformedThenNamed() {
    for (String region : new String[] {"Europe-West1", "europe-west", "europe west1", "", "1"}) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> IapAudience.cloudRun(1, region, "billing"))
          .withMessageContaining("region");
    }
    assertThatNullPointerException()
        .isThrownBy(() -> IapAudience.cloudRun(1, null, "billing"))
        .withMessage("region");
  }

  @Test
  void cloudRunWhenServiceNameMalformedThenNamed() {
    for (String name :
        new String[] {"Billing", "billing-", "1billing", "bill_ing", "", "a".repeat(50)}) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> IapAudience.cloudRun(1, "europe-west1", name))
          .withMessageContaining("serviceName");
    }
    assertThat(IapAudience.cloudRun(1, "europe-west1", "a".repeat(49)).value())
        .endsWith("a".repeat(49));
    assertThatNullPointerException()
        .isThrownBy(() -> IapAudience.cloudRun(1, "europe-west1", null))
        .withMessage("serviceName");
  }

  @Test
  void verifyWhenEachAudienceFormatThenAcceptedOnlyByItsVerifier() {
    IapAudience[] audiences = {
      IapAudience.appEngine(123456789012L, "my-project"),
      IapAudience.backendService(123456789012L, 4567890123456789012L),
      IapAudience.cloudRun(123456789012L, "europe-west1", "billing")
    };
    for (IapAudience audience : audiences) {
      IapVerifier verifier =
          IapVerifier.builder()
              .audiences(audience)
              .keySource(iap.keySource())
              .clock(TestIap.CLOCK)
              .build();
      for (IapAudience other : audiences) {
        Map<String, Object> claims = TestIap.claims();
        claims.put("aud", other.value());
        String token = iap.token(claims);
        if (other.equals(audience)) {
          assertThat(verifier.verify(token).audience()).isEqualTo(audience.value());
        } else {
          TestIap.assertRejected(verifier, token, IapVerificationException.Reason.WRONG_AUDIENCE);
        }
      }
    }
  }
}
