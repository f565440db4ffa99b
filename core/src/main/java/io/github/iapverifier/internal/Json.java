package io.github.iapverifier.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
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
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(utf8))
              .toString();
    } catch (CharacterCodingException e) {
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
