package io.github.iapverifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.iapverifier.IapInspection.Check;
import io.github.iapverifier.IapInspection.Outcome;
import io.github.iapverifier.IapInspection.Step;
import io.github.iapverifier.IapVerificationException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link IapVerifier#inspect} gives the verdict {@link IapVerifier#verify} gives, step by step. */
class IapVerifierInspectTest {

  private static final TestIap IAP = new TestIap();
  private static final IapVerifier VERIFIER =
      IAP.verifierBuilder().allowedHostedDomains(TestIap.DOMAIN).tokenCacheSize(0).build();

  static Stream<Arguments> tokens() {
    List<Arguments> tokens = new ArrayList<>();
    tokens.add(Arguments.of("valid", IAP.token()));
    tokens.add(Arguments.of("null", null));
    tokens.add(Arguments.of("blank", " "));
    tokens.add(Arguments.of("garbage", "not a token"));
    tokens.add(Arguments.of("too long", "a".repeat(IapVerifier.MAX_LENGTH + 1)));
    tokens.add(Arguments.of("bad header", "e30.e30.e30"));
    Map<String, Object> header = new LinkedHashMap<>(IAP.header());
    header.put("alg", "HS256");
    tokens.add(Arguments.of("algorithm", IAP.token(header, TestIap.claims())));
    tokens.add(Arguments.of("unknown kid", new TestIap(TestIap.generate("other")).token()));
    tokens.add(Arguments.of("issuer", IAP.token(with("iss", "https://evil.example"))));
    tokens.add(Arguments.of("audience", IAP.token(with("aud", TestIap.OTHER_AUDIENCE))));
    tokens.add(
        Arguments.of("expired", IAP.token(TestIap.claims(TestIap.NOW.minus(Duration.ofHours(1))))));
    tokens.add(Arguments.of("no email", IAP.token(with("email", null))));
    tokens.add(Arguments.of("policy", IAP.token(with("hd", "other.org"))));
    String token = IAP.token();
    tokens.add(Arguments.of("bad signature", TestIap.withSignature(token, new byte[64])));
    tokens.add(Arguments.of("short signature", TestIap.withSignature(token, new byte[10])));
    // Two problems: verify reports the first; inspect reports both.
    Map<String, Object> both = with("aud", TestIap.OTHER_AUDIENCE);
    both.put("hd", "other.org");
    tokens.add(Arguments.of("audience and policy", IAP.token(both)));
    return tokens.stream();
  }

  private static Map<String, Object> with(String claim, Object value) {
    Map<String, Object> claims = TestIap.claims();
    if (value == null) {
      claims.remove(claim);
    } else {
      claims.put(claim, value);
    }
    return claims;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tokens")
  void inspectWhenAnyTokenThenSameVerdictAsVerify(String name, String token) {
    IapInspection inspection = VERIFIER.inspect(token);
    IapVerificationException thrown =
        catchThrowableOfType(IapVerificationException.class, () -> VERIFIER.verify(token));

    assertThat(inspection.steps()).extracting(Step::check).containsExactly(Check.values());
    if (thrown == null) {
      assertThat(inspection.failure()).isEmpty();
      assertThat(inspection.identity()).contains(VERIFIER.verify(token));
      assertThat(inspection.steps()).extracting(Step::outcome).containsOnly(Outcome.PASSED);
    } else {
      assertThat(inspection.identity()).isEmpty();
      assertThat(inspection.reason()).contains(thrown.reason());
      assertThat(inspection.failure().orElseThrow()).hasMessage(thrown.getMessage());
    }
  }

  @Test
  void inspectWhenSeveralProblemsThenEachReportedAndFirstIsTheVerdict() {
    Map<String, Object> claims = with("aud", TestIap.OTHER_AUDIENCE);
    String token = TestIap.withSignature(IAP.token(claims), new byte[64]);

    IapInspection inspection = VERIFIER.inspect(token);

    assertThat(inspection.steps())
        .filteredOn(step -> step.outcome() == Outcome.FAILED)
        .extracting(Step::check)
        .containsExactly(Check.AUDIENCE, Check.SIGNATURE);
    assertThat(inspection.reason()).contains(Reason.WRONG_AUDIENCE);
    assertThat(inspection.claims()).containsEntry("aud", TestIap.OTHER_AUDIENCE);
    assertThat(inspection.header()).containsEntry("kid", IAP.keyId());
  }
}
