package io.github.iapverifier.servlet;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The paths that pass without an assertion (load balancer health checks carry none): exact paths
 * and {@code /prefix/**} patterns, matched on the path within the application.
 *
 * <p>An exclusion is a hole in the protection, so matching fails closed: a request path is first
 * brought to normal form ({@link #normalise}), and a path that is not already in normal form
 * ({@code ..} or {@code .} segments, encoded or not, empty segments such as {@code //}, encoded
 * slashes or backslashes, invalid escapes) is never excluded. Health checkers send the plain path,
 * so this costs them nothing, while {@code /healthz/../admin} cannot slip through.
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
                + " only health-check paths such as /healthz, or do not install the filter");
      }
      if (!base.startsWith("/") || base.contains("*") || !base.equals(normalise(base))) {
        throw new IllegalArgumentException(
            "excluded path '"
                + printable(pattern)
                + "' must be an exact path such as /healthz or a prefix pattern such as"
                + " /status/**: starting with '/', printable ASCII without spaces, ';', '%' or"
                + " '\\', no '.', '..' or empty segments, '**' only as the whole last segment");
      }
      if (prefix && base.endsWith("/")) {
        throw new IllegalArgumentException(
            "excluded path '" + printable(pattern) + "' has an empty segment before '/**'");
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

  List<String> patterns() {
    return patterns;
  }

  /** Tells whether a path already in normal form is excluded. */
  boolean matches(String normalPath) {
    if (normalPath == null) {
      return false;
    }
    if (exact.contains(normalPath)) {
      return true;
    }
    for (String base : prefixes) {
      if (normalPath.startsWith(base)
          && (normalPath.length() == base.length() || normalPath.charAt(base.length()) == '/')) {
        return true;
      }
    }
    return false;
  }

  /**
   * Brings a raw (still percent-encoded) path within the application to normal form: path
   * parameters ({@code ;jsessionid=...}) removed and escapes decoded, segment by segment.
   *
   * @param raw the request URI without context path and query, as sent
   * @return the decoded path, or null if the path is not in normal form and so must not be excluded
   */
  static String normalise(String raw) {
    if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') {
      return null;
    }
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return null; // a request target is printable ASCII (RFC 3986); anything else is odd
      }
    }
    StringBuilder out = new StringBuilder(raw.length());
    int start = 1;
    while (true) {
      int end = raw.indexOf('/', start);
      boolean last = end < 0;
      String segment = raw.substring(start, last ? raw.length() : end);
      int semicolon = segment.indexOf(';');
      if (semicolon >= 0) {
        segment = segment.substring(0, semicolon);
      }
      if (segment.isEmpty() && !last) {
        return null; // "//": containers disagree on what it means
      }
      String decoded = decode(segment);
      if (decoded == null || decoded.equals(".") || decoded.equals("..")) {
        return null;
      }
      for (int i = 0; i < decoded.length(); i++) {
        char c = decoded.charAt(i);
        // '%' after decoding would let a second decoding layer further down produce "..".
        if (c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == ';' || c == '%') {
          return null;
        }
      }
      out.append('/').append(decoded);
      if (last) {
        return out.toString();
      }
      start = end + 1;
    }
  }

  /** Strict percent-decoding as UTF-8; null on a malformed escape or invalid UTF-8. */
  private static String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    ByteBuffer bytes = ByteBuffer.allocate(segment.length() * 3);
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        if (i + 2 >= segment.length()) {
          return null;
        }
        int hi = Character.digit(segment.charAt(i + 1), 16);
        int lo = Character.digit(segment.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes.put((byte) (hi << 4 | lo));
        i += 2;
      } else {
        bytes.put((byte) c); // ASCII, checked by the caller
      }
    }
    bytes.flip();
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static String printable(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), 200));
    for (int i = 0; i < s.length() && i < 200; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return s.length() > 200 ? b.append("...").toString() : b.toString();
  }

  @Override
  public String toString() {
    return new ArrayList<>(patterns).toString();
  }
}
