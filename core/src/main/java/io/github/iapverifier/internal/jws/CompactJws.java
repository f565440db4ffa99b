package io.github.iapverifier.internal.jws;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A compact JWS ({@code header.payload.signature}) read strictly: bounded size, base64url
 * characters only, exactly three segments, canonical base64url, header and payload each one JSON
 * object with unique member names. Nothing here knows a proxy's rules. Segments are unpadded (RFC
 * 7515) unless the proxy pads them (AWS ALB): then every segment must be padded to a multiple of
 * four characters with {@code =} only at its end, and the signed bytes stay the exact received
 * text.
 *
 * <p>{@link #split} checks only the shape; each segment is decoded when asked for, so that a
 * verifier can reject on the header before it spends anything on the payload. Not thread-safe; one
 * instance per assertion.
 */
public final class CompactJws {

  private final byte[] ascii;
  private final int firstDot;
  private final int secondDot;
  private final boolean padded;

  private CompactJws(byte[] ascii, int firstDot, int secondDot, boolean padded) {
    this.ascii = ascii;
    this.firstDot = firstDot;
    this.secondDot = secondDot;
    this.padded = padded;
  }

  /**
   * Checks the shape of a compact JWS with unpadded segments.
   *
   * @param token the token, may be null
   * @param maxLength the longest accepted, in characters
   * @param missing the message when the token is null or blank (says where it should come from)
   * @return the token's segments, not yet decoded
   * @throws IapVerificationException {@link Reason#MISSING} for null or blank, {@link
   *     Reason#MALFORMED} for anything else that is not the shape of a compact JWS
   */
  public static CompactJws split(@Nullable String token, int maxLength, String missing) {
    return split(token, maxLength, missing, false);
  }

  /**
   * Checks the shape of a compact JWS.
   *
   * @param token the token, may be null
   * @param maxLength the longest accepted, in characters
   * @param missing the message when the token is null or blank (says where it should come from)
   * @param padded whether every segment is base64url padded with {@code =} (and must be)
   * @return the token's segments, not yet decoded
   * @throws IapVerificationException {@link Reason#MISSING} for null or blank, {@link
   *     Reason#MALFORMED} for anything else that is not the shape of a compact JWS
   */
  public static CompactJws split(
      @Nullable String token, int maxLength, String missing, boolean padded) {
    if (token == null || token.isBlank()) {
      throw new IapVerificationException(Reason.MISSING, missing);
    }
    int length = token.length();
    if (length > maxLength) {
      throw malformed(
          "the assertion is " + length + " characters long; at most " + maxLength + " accepted");
    }
    int firstDot = -1;
    int secondDot = -1;
    for (int i = 0; i < length; i++) {
      char c = token.charAt(i);
      if (c == '.') {
        if (firstDot < 0) {
          firstDot = i;
        } else if (secondDot < 0) {
          secondDot = i;
        } else {
          throw malformed("the assertion has more than three segments");
        }
      } else if (!Base64Url.isAlphabet(c) && !(padded && c == '=')) {
        throw malformed(
            "the assertion contains a character outside "
                + (padded ? "padded" : "unpadded")
                + " base64url at index "
                + i);
      }
    }
    if (secondDot < 0) {
      throw malformed("the assertion is not a compact JWS of three segments");
    }
    if (padded
        && !(Base64Url.isPadded(token, 0, firstDot)
            && Base64Url.isPadded(token, firstDot + 1, secondDot)
            && Base64Url.isPadded(token, secondDot + 1, length))) {
      throw malformed("a segment of the assertion is not padded base64url");
    }
    // Latin-1 is exact here: every character was checked to be ASCII.
    return new CompactJws(token.getBytes(StandardCharsets.ISO_8859_1), firstDot, secondDot, padded);
  }

  /**
   * Decodes the JOSE header.
   *
   * @return its members, never null
   * @throws IapVerificationException {@link Reason#MALFORMED} if it is not one JSON object
   */
  public Map<String, Object> header() {
    return json(0, firstDot, "header");
  }

  /**
   * Decodes the payload (the claims).
   *
   * @return its members, never null
   * @throws IapVerificationException {@link Reason#MALFORMED} if it is not one JSON object
   */
  public Map<String, Object> payload() {
    return json(firstDot + 1, secondDot, "payload");
  }

  /**
   * Decodes the signature segment.
   *
   * @return the signature bytes, or null if the segment is not canonical base64url
   */
  public byte @Nullable [] signature() {
    return decode(secondDot + 1, ascii.length);
  }

  /**
   * The signed bytes are {@code signingInput()[0, signingInputLength())}: header, dot, payload.
   *
   * @return the token's ASCII bytes, shared, not to be modified
   */
  public byte[] signingInput() {
    return ascii;
  }

  /**
   * Returns how many leading bytes of {@link #signingInput()} are signed.
   *
   * @return the index of the second dot
   */
  public int signingInputLength() {
    return secondDot;
  }

  private Map<String, Object> json(int from, int to, String part) {
    byte[] bytes = decode(from, to);
    Map<String, Object> map = bytes == null ? null : Json.parseObject(bytes);
    if (map == null) {
      throw malformed(
          "the assertion's " + part + " is not base64url-encoded JSON object with unique members");
    }
    return map;
  }

  private byte @Nullable [] decode(int from, int to) {
    int end = to;
    if (padded) {
      while (end > from && ascii[end - 1] == '=') {
        end--;
      }
    }
    return Base64Url.decode(ascii, from, end);
  }

  private static IapVerificationException malformed(String message) {
    return new IapVerificationException(Reason.MALFORMED, message);
  }
}
