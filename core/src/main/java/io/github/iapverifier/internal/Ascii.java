package io.github.iapverifier.internal;

/**
 * Case folding for names that are ASCII by definition (domains, email addresses as configured).
 * {@link String#toLowerCase(java.util.Locale)} maps some non-ASCII letters onto ASCII ones (the
 * Kelvin sign U+212A becomes {@code k}), which would let a look-alike name match; these methods
 * fold {@code A-Z} only and leave every other character as it is, so it cannot match.
 */
public final class Ascii {

  private Ascii() {}

  /**
   * Lowercases {@code A-Z} only.
   *
   * @param s the text, not null
   * @return the text with ASCII capitals lowercased, every other character unchanged
   */
  public static String toLowerCase(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        char[] chars = s.toCharArray();
        for (int j = i; j < chars.length; j++) {
          if (chars[j] >= 'A' && chars[j] <= 'Z') {
            chars[j] = (char) (chars[j] + ('a' - 'A'));
          }
        }
        return new String(chars);
      }
    }
    return s;
  }

  /**
   * Tells whether every character is ASCII.
   *
   * @param s the text, not null
   * @return true when no character is above U+007F
   */
  public static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7f) {
        return false;
      }
    }
    return true;
  }
}
