package io.github.iapverifier.internal.jws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The padded-segment mode (AWS ALB): padding exactly as base64 needs, signed text as received. */
class CompactJwsTest {

  private static final String HEADER = padded("{\"alg\":\"ES256\",\"kid\":\"k\"}");
  private static final String PAYLOAD = padded("{\"sub\":\"a\"}");
  private static final String SIGNATURE = padded("sixty-four bytes or so");

  private static String padded(String json) {
    return Base64.getUrlEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static CompactJws split(String token, boolean padded) {
    return CompactJws.split(token, 8192, "missing", padded);
  }

  private static Reason rejected(String token, boolean padded) {
    return catchThrowableOfType(IapVerificationException.class, () -> split(token, padded))
        .reason();
  }

  @Test
  void splitWhenPaddedModeAndPaddedSegmentsThenDecodedAndSignedTextIsTheReceivedText() {
    String token = HEADER + "." + PAYLOAD + "." + SIGNATURE;
    assertThat(HEADER + PAYLOAD + SIGNATURE).contains("=");

    CompactJws jws = split(token, true);

    assertThat(jws.header()).containsEntry("kid", "k");
    assertThat(jws.payload()).containsEntry("sub", "a");
    assertThat(jws.signature())
        .isEqualTo("sixty-four bytes or so".getBytes(StandardCharsets.UTF_8));
    assertThat(
            new String(jws.signingInput(), 0, jws.signingInputLength(), StandardCharsets.US_ASCII))
        .isEqualTo(HEADER + "." + PAYLOAD);
  }

  @Test
  void splitWhenUnpaddedModeAndPaddingThenMalformed() {
    assertThat(rejected(HEADER + "." + PAYLOAD + "." + SIGNATURE, false))
        .isEqualTo(Reason.MALFORMED);
  }

  @Test
  void splitWhenPaddedModeAndPaddingStrippedThenMalformed() {
    String token = HEADER.replace("=", "") + "." + PAYLOAD + "." + SIGNATURE;
    assertThat(rejected(token, true)).isEqualTo(Reason.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"=", "==", "===", "===="})
  void splitWhenPaddedModeAndPaddingAddedOrInsideThenMalformed(String extra) {
    assertThat(rejected(HEADER + extra + "." + PAYLOAD + "." + SIGNATURE, true))
        .isEqualTo(Reason.MALFORMED);
    assertThat(rejected(extra + HEADER + "." + PAYLOAD + "." + SIGNATURE, true))
        .isEqualTo(Reason.MALFORMED);
  }

  @Test
  void splitWhenPaddedModeAndUnusedBitsSetThenMalformedOnDecode() {
    // PAYLOAD ends "...fQ==" style: a last data character with its unused bits set is another
    // spelling of the same bytes, refused as in unpadded mode.
    String data = PAYLOAD.replace("=", "");
    char last = data.charAt(data.length() - 1);
    String respelled =
        data.substring(0, data.length() - 1) + (char) (last + 1) + PAYLOAD.substring(data.length());
    CompactJws jws = split(HEADER + "." + respelled + "." + SIGNATURE, true);

    IapVerificationException e = catchThrowableOfType(IapVerificationException.class, jws::payload);
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
  }
}
