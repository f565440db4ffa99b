package io.github.iapverifier.emulator;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which {@code Host} and {@code Origin} values name this emulator. A page on {@code
 * attacker.example} whose name is made to resolve to 127.0.0.1 (DNS rebinding) reaches the
 * emulator with {@code Host: attacker.example}; a cross-site form reaches it with the attacker's
 * {@code Origin}. Neither may sign in or be forwarded with an assertion. Immutable, thread-safe.
 *
 * <p>Accepted: {@code localhost}, a loopback address, the bind address (any address of this
 * machine when bound to the wildcard), or the bind name, each with the emulator's port (no port
 * means 80, as browsers omit it there); and the names given with {@code --allowed-hosts}, with
 * any port (they exist for port mappings such as Docker's).
 */
final class HostRule {

  /** A host and port as the client wrote them, host lower-cased; port 80 when absent. */
  record Authority(String host, int port) {}

  private static final int HTTP_PORT = 80;
  // Names and IPv4 literals (underscores occur in container names); IPv6 only in brackets.
  private static final String NAME = "[a-z0-9_](?:[a-z0-9_.-]{0,251}[a-z0-9_])?";
  private static final String IPV6 = "\\[[0-9a-f:.]{2,45}\\]";
  private static final Pattern AUTHORITY =
      Pattern.compile("(" + NAME + "|" + IPV6 + ")(?::([0-9]{1,5}))?");
  private static final Pattern HOST = Pattern.compile(NAME + "|" + IPV6);
  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final Pattern IPV4 =
      Pattern.compile(OCTET + "\\." + OCTET + "\\." + OCTET + "\\." + OCTET);

  private final InetAddress bindAddress;
  private final int port;
  private final Set<String> names;
  private final Set<String> anyPort;

  /**
   * @param bindAddress the address listened on
   * @param bindName the bind address as the user gave it (a name or a literal)
   * @param port the port listened on
   * @param allowedHosts extra host names, already checked by {@link #checkAllowedHost}
   */
  HostRule(InetAddress bindAddress, String bindName, int port, List<String> allowedHosts) {
    this.bindAddress = bindAddress;
    this.port = port;
    this.names =
        Stream.of("localhost", bindName.toLowerCase(Locale.ROOT))
            .filter(name -> HOST.matcher(name).matches())
            .collect(Collectors.toUnmodifiableSet());
    this.anyPort = Set.copyOf(allowedHosts);
  }

  /**
   * Checks and normalises one {@code --allowed-hosts} entry.
   *
   * @return the host, lower-cased
   * @throws IllegalArgumentException if it is not a bare host name or address
   */
  static String checkAllowedHost(String host) {
    String lower = host.strip().toLowerCase(Locale.ROOT);
    if (!HOST.matcher(lower).matches()) {
      throw new IllegalArgumentException(
          "allowed host '"
              + host
              + "' is not a host name like laptop.local or an address like 192.168.1.5"
              + " (no scheme, no port: every port is allowed for it)");
    }
    return lower;
  }

  /** Parses a {@code Host} value (or an origin's authority); empty if it is not one. */
  static Optional<Authority> parse(String text) {
    Matcher matcher = AUTHORITY.matcher(text.toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      return Optional.empty();
    }
    int port = matcher.group(2) == null ? HTTP_PORT : Integer.parseInt(matcher.group(2));
    return port == 0 || port > 65535
        ? Optional.empty()
        : Optional.of(new Authority(matcher.group(1), port));
  }

  /** Whether the authority names this emulator. */
  boolean allows(Authority authority) {
    if (anyPort.contains(authority.host())) {
      return true;
    }
    if (authority.port() != port) {
      return false;
    }
    if (names.contains(authority.host())) {
      return true;
    }
    InetAddress address = literal(authority.host());
    return address != null
        && (address.isLoopbackAddress()
            || address.equals(bindAddress)
            || (bindAddress.isAnyLocalAddress() && isOnThisMachine(address)));
  }

  /**
   * Whether an {@code Origin} header value is the origin of a request that arrived with the
   * (allowed) {@code host}. {@code null}, the opaque origin browsers send from sandboxes and
   * privacy-sensitive contexts, is not.
   */
  static boolean sameOrigin(String origin, Authority host) {
    String scheme = "http://";
    return origin.regionMatches(true, 0, scheme, 0, scheme.length())
        && parse(origin.substring(scheme.length())).filter(host::equals).isPresent();
  }

  /** The address an IP literal names, without a DNS lookup; null if it is a name. */
  private static InetAddress literal(String host) {
    try {
      Matcher v4 = IPV4.matcher(host);
      if (v4.matches()) {
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
          bytes[i] = (byte) Integer.parseInt(v4.group(i + 1));
        }
        return InetAddress.getByAddress(bytes);
      }
      // Bracketed, getByName parses an IPv6 literal and never asks DNS.
      return host.startsWith("[") ? InetAddress.getByName(host) : null;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static boolean isOnThisMachine(InetAddress address) {
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;
    }
  }
}
