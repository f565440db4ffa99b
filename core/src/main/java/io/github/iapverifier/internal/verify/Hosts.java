package io.github.iapverifier.internal.verify;

import static io.github.iapverifier.internal.Text.printable;

import io.github.iapverifier.internal.Ascii;
import java.util.regex.Pattern;

/** Configured host names, accepted bare or as an https origin URL, normalised. Stateless. */
final class Hosts {

  // A DNS name of letters, digits and hyphens (punycode for others), optionally with a port.
  private static final Pattern HOST =
      Pattern.compile(
          "(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
              + "(?::[1-9][0-9]{0,4})?");

  private Hosts() {}

  /**
   * Reads {@code host}, {@code https://host} or {@code https://host/}.
   *
   * @param value the configured value, not null
   * @param setting the setting's name, for the message
   * @param example an example value, for the message
   * @return the host, ASCII-lowercased
   * @throws IllegalArgumentException if it is not one of those forms
   */
  static String host(String value, String setting, String example) {
    String v = value.strip();
    String lower = Ascii.toLowerCase(v);
    if (lower.startsWith("https://")) {
      v = v.substring("https://".length());
      if (v.endsWith("/")) {
        v = v.substring(0, v.length() - 1);
      }
    }
    String host = Ascii.toLowerCase(v);
    if (!Ascii.isAscii(v) || !HOST.matcher(host).matches()) {
      throw new IllegalArgumentException(
          setting
              + " '"
              + printable(value)
              + "' must be a host name such as "
              + example
              + " (or https://"
              + example
              + "), without path, query or user-info; punycode for internationalised names");
    }
    return host;
  }
}
