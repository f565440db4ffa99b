package io.github.iapverifier.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IapProblemResponseTest {

  @Test
  void ofWhenUnauthenticatedThenExactBytesAndChallenge() {
    IapProblemResponse problem =
        IapProblemResponse.of(
            new IapVerificationException(Reason.EXPIRED, "the assertion expired at X"));

    // The Spring Boot starter reuses this class; these bytes are the contract between them.
    assertThat(new String(problem.body(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                + "\"detail\":\"the assertion expired at X\",\"reason\":\"EXPIRED\"}");
    assertThat(problem.status()).isEqualTo(401);
    assertThat(problem.reason()).isEqualTo(Reason.EXPIRED);
    assertThat(problem.headers())
        .containsExactly(
            Map.entry("WWW-Authenticate", "IAP"), Map.entry("Cache-Control", "no-store"));
  }

  @Test
  void ofWhenPolicyDeniedThen403WithoutChallenge() {
    IapProblemResponse problem =
        IapProblemResponse.of(new IapVerificationException(Reason.POLICY_DENIED, "no"));

    assertThat(problem.status()).isEqualTo(403);
    assertThat(problem.bodyText()).contains("\"title\":\"Forbidden\",\"status\":403");
    assertThat(problem.headers()).containsExactly(Map.entry("Cache-Control", "no-store"));
  }

  @Test
  void ofWhenKeysUnavailableThen503WithRetryAfter() {
    IapProblemResponse problem =
        IapProblemResponse.of(new IapVerificationException(Reason.KEYS_UNAVAILABLE, "down"));

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

    assertThat(IapProblemResponse.status(reason)).isEqualTo(expected);
    assertThat(IapProblemResponse.of(new IapVerificationException(reason, "m")).bodyText())
        .endsWith(",\"reason\":\"" + reason.name() + "\"}");
  }

  @Test
  void ofWhenMessageHasSpecialCharactersThenEscapedAsciiJsonThatParsesBack() throws Exception {
    String message = "kid 'a\"b\\c'\n\t\u0001 caf\u00e9 \u2028 \ud83d\ude00 \ud800 </script>";

    IapProblemResponse problem =
        IapProblemResponse.of(new IapVerificationException(Reason.UNKNOWN_KEY, message));

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
    IapProblemResponse problem =
        IapProblemResponse.of(new IapVerificationException(Reason.MISSING, "none"));

    problem.body()[0] = 'X';

    assertThat(problem.body()[0]).isEqualTo((byte) '{');
  }
}
