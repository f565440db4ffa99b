package io.github.iapverifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.jwk.ECKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link IapVerifier#verify}: whatever the input, only {@link IapVerificationException} may
 * escape, its message never echoes the input, and a repeat (served by the token cache when the
 * first call succeeded) gives the same outcome.
 *
 * <p>In a plain {@code mvn test} Jazzer runs in regression mode over the seeds in {@code
 * IapVerifierFuzzTestInputs/verify/}: real assertions signed with the test-only key in {@code
 * fuzz-signing-key.jwk} at {@link TestIap#NOW}, and hostile variants of them. To fuzz, run with
 * {@code JAZZER_FUZZ=1 ./mvnw -pl core test -Dtest=IapVerifierFuzzTest}; findings are written to
 * that directory and then replay as regression seeds.
 */
class IapVerifierFuzzTest {

  private static final TestIap IAP = new TestIap(fuzzKey());
  private static final IapVerifier VERIFIER = IAP.verifier();

  @FuzzTest(maxDuration = "2m")
  void verify(FuzzedDataProvider data) {
    String assertion = data.consumeRemainingAsString();
    String first = outcome(assertion);
    assertThat(outcome(assertion)).isEqualTo(first);
  }

  @Test
  void seedsIncludeAValidAssertionSoTheFullPathIsFuzzed() {
    assertThat(VERIFIER.verify(seed("valid-workspace")).email()).isEqualTo(TestIap.EMAIL);
  }

  /** The email of the verified identity, or the rejection reason; anything else propagates. */
  private static String outcome(String assertion) {
    try {
      return "verified " + VERIFIER.verify(assertion).email();
    } catch (IapVerificationException e) {
      if (assertion.length() >= 16) {
        assertThat(e.getMessage()).doesNotContain(assertion);
      }
      return e.reason().name();
    }
  }

  static ECKey fuzzKey() {
    try {
      return ECKey.parse(resource("fuzz-signing-key.jwk"));
    } catch (ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String seed(String name) {
    return resource("IapVerifierFuzzTestInputs/verify/" + name);
  }

  private static String resource(String name) {
    try (InputStream in = IapVerifierFuzzTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
