package io.github.iapverifier.web;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The paths that pass without an assertion (load balancer health checks carry none): exact paths
 * and {@code /prefix/**} patterns, matched on the raw path within the application.
 *
 * <p>An exclusion is a hole in the protection, so matching fails closed and decodes nothing: a
 * request path is excluded only when it is already in normal form as sent, that is made of segments
 * of the characters below, none of them empty (but a trailing one), {@code .} or {@code ..}. Then
 * every HTTP stack and framework behind agrees on what the path means, so the string compared is
 * the path the application serves. Anything else is verified like any other path: percent-escapes
 * ({@code /health%7A}, {@code %2e%2e}), path parameters ({@code ;jsessionid=}), backslashes, dot
 * segments ({@code /healthz/../admin}) and empty segments ({@code //healthz}). Health checkers send
 * plain paths, so this costs them nothing.
 *
 * <p>Characters: letters, digits and {@code - . _ ~ ! $ & ' ( ) * + , = : @} (RFC 3986 {@code
 * pchar} without {@code %} and {@code ;}). Comparison is case-sensitive, as paths are.
 *
 * <p>Immutable and thread-safe.
 */
final class ExcludedPaths {

  static final ExcludedPaths NONE = new ExcludedPaths(Set.of(), List.of(), List.of());

  private final Set<String> exact;
  private final List<String> prefixes;
  private final List<String> patterns;

  private ExcludedPaths(Set<String> exact, List<String> prefixes, List<String> patterns) {
    this.exact = exact;
    this.prefixes = prefixes;
    this.patterns = patterns;
  }

  /**
   * Parses patterns.
   *
   * @throws IllegalArgumentException naming the first bad pattern and what is accepted
   */
  static ExcludedPaths of(Collection<String> patterns) {
    Set<String> exact = new LinkedHashSet<>();
    Set<String> prefixes = new LinkedHashSet<>();
    Set<String> all = new LinkedHashSet<>();
    for (String pattern : Objects.requireNonNull(patterns, "excludedPaths")) {
      Objects.requireNonNull(pattern, "excludedPaths must not contain null");
      String p = pattern.strip();
      boolean prefix = p.endsWith("/**");
      String base = prefix ? p.substring(0, p.length() - 3) : p;
      if (prefix && base.isEmpty()) {
        throw new IllegalArgumentException(
            "excluded path '/**' would exempt the whole application from IAP verification; exclude"
                + " only health-check paths such as /healthz");
      }
      if (!isNormal(base) || base.contains("*") || (prefix && base.endsWith("/"))) {
        throw new IllegalArgumentException(
            "excluded path '"
                + IapHttpRequest.printable(pattern)
                + "' must be an exact path such as /healthz or a prefix pattern such as"
                + " /status/**: starting with '/', letters, digits and - . _ ~ ! $ & ' ( ) * + , ="
                + " : @ only (no '%', ';' or '\\'), no '.', '..' or empty segments, '**' only as"
                + " the whole last segment");
      }
      (prefix ? prefixes : exact).add(base);
      all.add(p);
    }
    if (all.isEmpty()) {
      return NONE;
    }
    return new ExcludedPaths(Set.copyOf(exact), List.copyOf(prefixes), List.copyOf(all));
  }

  boolean isEmpty() {
    return patterns.isEmpty();
  }

  /**
   * Tells whether a raw path within the application is excluded.
   *
   * @param rawPath the path as sent, may be null (never excluded)
   */
  boolean matches(String rawPath) {
    if (patterns.isEmpty() || rawPath == null || !isNormal(rawPath)) {
      return false;
    }
    if (exact.contains(rawPath)) {
      return true;
    }
    for (String base : prefixes) {
      if (rawPath.startsWith(base)
          && (rawPath.length() == base.length() || rawPath.charAt(base.length()) == '/')) {
        return true;
      }
    }
    return false;
  }

  /**
   * A path of '/'-separated segments of the allowed characters, none of them empty (except a
   * trailing one), "." or "..".
   */
  static boolean isNormal(String path) {
    if (path.isEmpty() || path.charAt(0) != '/') {
      return false;
    }
    int segmentStart = 1;
    for (int i = 1; i <= path.length(); i++) {
      if (i == path.length() || path.charAt(i) == '/') {
        int length = i - segmentStart;
        boolean last = i == path.length();
        if ((length == 0 && !last)
            || (length == 1 && path.charAt(segmentStart) == '.')
            || (length == 2 && path.startsWith("..", segmentStart))) {
          return false;
        }
        segmentStart = i + 1;
      } else if (!allowed(path.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "-._~!$&'()*+,=:@".indexOf(c) >= 0;
  }

  @Override
  public String toString() {
    return new ArrayList<>(patterns).toString();
  }
}
