package io.github.iapverifier.internal.jws;

import java.util.Arrays;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/** Unpadded base64url (RFC 4648 section 5) with one spelling per value. */
final class Base64Url {

  private Base64Url() {}

  static boolean isAlphabet(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }

  /**
   * Whether {@code s[from, to)} is a padded segment: a multiple of four characters, with exactly
   * the {@code =} its data length needs and only at its end.
   */
  static boolean isPadded(String s, int from, int to) {
    if ((to - from) % 4 != 0) {
      return false;
    }
    int data = to;
    while (data > from && s.charAt(data - 1) == '=') {
      data--;
    }
    int firstPad = s.indexOf('=', from);
    if (firstPad >= 0 && firstPad < data) {
      return false;
    }
    int pad = to - data;
    return pad == (4 - (data - from) % 4) % 4;
  }

  private static int value(byte c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '-' ? 62 : 63;
  }

  /** Decodes {@code ascii[from, to)}, already checked to be the alphabet; null if not canonical. */
  static byte @Nullable [] decode(byte[] ascii, int from, int to) {
    int tail = (to - from) % 4;
    if (tail == 1) {
      return null;
    }
    // The JDK ignores the unused low bits of a last partial character; were they accepted, one
    // token would have several spellings (and several cache entries).
    if (tail != 0 && (value(ascii[to - 1]) & (tail == 2 ? 0x0f : 0x03)) != 0) {
      return null;
    }
    try {
      return Base64.getUrlDecoder().decode(Arrays.copyOfRange(ascii, from, to));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
