package io.github.iapverifier.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IapProblemTest {

  @Test
  void ofWhenUnauthenticatedThenExactBytesAndChallenge() {
    IapProblem problem =
        IapProblem.of(new IapVerificationException(Reason.EXPIRED, "the assertion expired at X"));

    // Every adapter writes these bytes as they are; they are the contract between them.
    assertThat(new String(problem.body(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                + "\"detail\":\"The IAP assertion has expired.\",\"reason\":\"EXPIRED\"}");
    assertThat(problem.status()).isEqualTo(401);
    assertThat(problem.reason()).isEqualTo("EXPIRED");
    assertThat(problem.headers())
        .containsExactly(
            Map.entry("WWW-Authenticate", "IAP"), Map.entry("Cache-Control", "no-store"));
  }

  @Test
  void ofWhenPolicyDeniedThen403WithoutChallenge() {
    IapProblem problem = IapProblem.of(new IapVerificationException(Reason.POLICY_DENIED, "no"));

    assertThat(problem.status()).isEqualTo(403);
    assertThat(problem.bodyText()).contains("\"title\":\"Forbidden\",\"status\":403");
    assertThat(problem.headers()).containsExactly(Map.entry("Cache-Control", "no-store"));
  }

  @Test
  void ofWhenKeysUnavailableThen503WithRetryAfter() {
    IapProblem problem =
        IapProblem.of(new IapVerificationException(Reason.KEYS_UNAVAILABLE, "down"));

    assertThat(problem.status()).isEqualTo(503);
    assertThat(problem.bodyText()).contains("\"title\":\"Service Unavailable\",\"status\":503");
    assertThat(problem.headers())
        .containsExactly(Map.entry("Retry-After", "30"), Map.entry("Cache-Control", "no-store"));
  }

  @ParameterizedTest
  @EnumSource(Reason.class)
  void statusWhenReasonThenMappedAsDesigned(Reason reason) {
    int expected =
        reason == Reason.POLICY_DENIED ? 403 : reason == Reason.KEYS_UNAVAILABLE ? 503 : 401;

    assertThat(IapProblem.status(reason)).isEqualTo(expected);
    assertThat(IapProblem.of(new IapVerificationException(reason, "m")).bodyText())
        .endsWith(",\"reason\":\"" + reason.name() + "\"}");
  }

  /** Finding 6 of issue 12: bodies disclosed audiences, domains, levels and the key endpoint. */
  @ParameterizedTest
  @EnumSource(Reason.class)
  void ofWhenDefaultThenFixedDetailPerReasonAndNeverTheMessage(Reason reason) {
    String message =
        "audience /projects/999/apps/x is not one of [/projects/123456789012/global/backendServices"
            + "/42]; keys from https://keys.internal.example/jwks";

    IapProblem problem = IapProblem.of(new IapVerificationException(reason, message));

    assertThat(problem.bodyText())
        .contains("\"detail\":\"" + IapProblem.detail(reason) + "\"")
        .doesNotContain("123456789012")
        .doesNotContain("keys.internal")
        .doesNotContain("999");
    assertThat(IapProblem.detail(reason)).isNotBlank().doesNotContain("\"").hasSizeLessThan(80);
  }

  @Test
  void ofWhenMessageIncludedThenDetailIsTheMessage() {
    IapProblem problem =
        IapProblem.of(
            new IapVerificationException(Reason.WRONG_AUDIENCE, "audience /projects/1/apps/x"),
            true);

    assertThat(problem.bodyText()).contains("\"detail\":\"audience /projects/1/apps/x\"");
  }

  @Test
  void csrfWhenValidAssertionRefusedThen403WithOwnReasonNotPolicyDenied() {
    IapProblem problem = IapProblem.csrf();

    assertThat(problem.status()).isEqualTo(403);
    assertThat(problem.reason()).isEqualTo("CSRF");
    assertThat(problem.bodyText())
        .startsWith("{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,")
        .endsWith(",\"reason\":\"CSRF\"}");
    assertThat(problem.headers()).containsExactly(Map.entry("Cache-Control", "no-store"));
  }

  @Test
  void ofWhenMessageHasSpecialCharactersThenEscapedAsciiJsonThatParsesBack() throws Exception {
    String message = "kid 'a\"b\\c'\n\t\u0001 caf\u00e9 \u2028 \ud83d\ude00 \ud800 </script>";

    IapProblem problem =
        IapProblem.of(new IapVerificationException(Reason.UNKNOWN_KEY, message), true);

    byte[] body = problem.body();
    for (byte b : body) {
      assertThat(b & 0xff).isBetween(0x20, 0x7e);
    }
    Map<String, Object> parsed = JSONObjectUtils.parse(problem.bodyText());
    assertThat(parsed.get("detail")).isEqualTo(message);
    assertThat(problem.bodyText()).contains("\\\"b\\\\c", "\\n\\t\\u0001", "\\u2028", "\\ud800");
  }

  @Test
  void bodyWhenModifiedByCallerThenResponseUnchanged() {
    IapProblem problem = IapProblem.of(new IapVerificationException(Reason.MISSING, "none"));

    problem.body()[0] = 'X';

    assertThat(problem.body()[0]).isEqualTo((byte) '{');
  }
}
