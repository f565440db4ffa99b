package io.github.iapverifier.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Map;

/** Parses untrusted JSON objects with nimbus, after strict UTF-8 decoding. */
public final class Json {

  private Json() {}

  /**
   * Parses bytes as a JSON object.
   *
   * <p>Member names of the object must be unique. Within nested objects a repeated name keeps its
   * last value, as RFC 7519 section 4 allows.
   *
   * @param utf8 the bytes, not null
   * @return the members, or null when the bytes are not valid UTF-8 or not one JSON object (with
   *     unique member names)
   */
  public static Map<String, Object> parseObject(byte[] utf8) {
    String text = isAscii(utf8) ? new String(utf8, StandardCharsets.ISO_8859_1) : strictUtf8(utf8);
    if (text == null) {
      return null;
    }
    if (!startsWithObject(text)) {
      // Gson, under nimbus, also reads a JSON array of [name, value] pairs (and a leading BOM)
      // into a map; neither is a JSON object.
      return null;
    }
    try {
      // nimbus's Gson-backed parser rejects duplicate member names of the object it returns.
      return JSONObjectUtils.parse(text);
    } catch (ParseException | RuntimeException e) {
      return null;
    }
  }

  /** Every byte below 0x80: Latin-1 then decodes exactly, in one copy (IAP's JSON is ASCII). */
  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  /** Decodes UTF-8, or returns null for malformed input; reports, never throws, on bad input. */
  private static String strictUtf8(byte[] utf8) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    // UTF-8 never gives more chars than bytes, so the buffer cannot overflow.
    CharBuffer chars = CharBuffer.allocate(utf8.length);
    if (decoder.decode(ByteBuffer.wrap(utf8), chars, true).isError()
        || decoder.flush(chars).isError()) {
      return null;
    }
    return chars.flip().toString();
  }

  private static boolean startsWithObject(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return c == '{';
      }
    }
    return false;
  }
}
