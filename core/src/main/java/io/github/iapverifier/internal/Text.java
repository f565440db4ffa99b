package io.github.iapverifier.internal;

/** Untrusted or configured text made safe for messages and logs. */
public final class Text {

  /** The longest text shown in a message before it is cut. */
  public static final int DEFAULT_LIMIT = 120;

  private Text() {}

  /**
   * Same as {@link #printable(String, int)} with {@value #DEFAULT_LIMIT} characters.
   *
   * @param s the text, not null
   * @return the printable form, never null
   */
  public static String printable(String s) {
    return printable(s, DEFAULT_LIMIT);
  }

  /**
   * Keeps messages readable and bounded when the input is long or binary: every character outside
   * printable ASCII becomes {@code ?}, and text past the limit is cut and marked {@code ...}.
   *
   * @param s the text, not null
   * @param limit how many characters to keep, positive
   * @return the printable form, never null
   */
  public static String printable(String s, int limit) {
    if (s.length() <= limit && isPrintable(s)) {
      return s; // the common case (key ids, audiences): nothing to replace or cut, no copy
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), limit));
    for (int i = 0; i < s.length() && i < limit; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return s.length() > limit ? b.append("...").toString() : b.toString();
  }

  private static boolean isPrintable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }
}
