package io.github.iapverifier.internal.keys;

import io.github.iapverifier.internal.Text;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/** The rules for where keys may come from: the configured URI, and redirects within its origin. */
public final class JwksUri {

  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.[0-9]{1,3}){3}");

  private JwksUri() {}

  /**
   * The one rule for a key set URI, shared by every builder: absolute http(s) with a host, and no
   * user-info (credentials in a URI end up in logs and events).
   *
   * @param uri the URI, not null
   * @return the URI
   * @throws IllegalArgumentException naming {@code jwksUri}, without echoing user-info
   */
  public static URI check(URI uri) {
    return check(uri, "jwksUri", "https://www.gstatic.com/iap/verify/public_key-jwk");
  }

  /**
   * {@link #check(URI)} for a setting of another name.
   *
   * @param uri the URI, not null
   * @param setting the setting's name, for messages
   * @param example a valid value, for messages
   * @return the URI
   * @throws IllegalArgumentException naming the setting, without echoing user-info
   */
  public static URI check(URI uri, String setting, String example) {
    Objects.requireNonNull(uri, setting);
    String scheme = uri.getScheme();
    String userInfo = uri.getRawUserInfo();
    if (!("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))
        || uri.getHost() == null
        || userInfo != null) {
      String shown =
          userInfo == null ? uri.toString() : uri.toString().replace(userInfo + "@", "***@");
      throw new IllegalArgumentException(
          setting
              + " must be an absolute http(s) URI without user-info, such as "
              + example
              + ", got '"
              + Text.printable(shown)
              + "'");
    }
    return uri;
  }

  /**
   * Tells whether keys from this URI travel without TLS beyond this machine.
   *
   * @param uri a URI that passed {@link #check}
   * @return true for plain http to a host that is not loopback (by name or literal, no DNS)
   */
  public static boolean plainHttpOffHost(URI uri) {
    if (!"http".equalsIgnoreCase(uri.getScheme())) {
      return false;
    }
    String h = uri.getHost().toLowerCase(Locale.ROOT);
    boolean loopback =
        h.equals("localhost")
            || h.endsWith(".localhost")
            || h.equals("[::1]")
            || IPV4_LOOPBACK.matcher(h).matches();
    return !loopback;
  }

  /**
   * Logs, once per source, that keys from this URI travel without TLS beyond this machine.
   *
   * @param uri a URI that passed {@link #check}
   * @param whose whose keys, for the message, such as {@code IAP}
   * @param log the source's logger
   */
  public static void warnIfPlainHttp(URI uri, String whose, Logger log) {
    if (plainHttpOffHost(uri)) {
      log.warn(
          "{} keys are fetched over plain http from {}: keys fetched without TLS can be swapped"
              + " in transit; use https (plain http is meant for a local emulator on loopback)",
          whose,
          uri);
    }
  }

  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme() != null
        && a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  static String origin(URI u) {
    return u.getScheme() + "://" + u.getHost() + ":" + port(u);
  }

  private static int port(URI u) {
    if (u.getPort() != -1) {
      return u.getPort();
    }
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }
}
