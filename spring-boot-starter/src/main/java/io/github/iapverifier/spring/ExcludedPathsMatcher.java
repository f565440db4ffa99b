package io.github.iapverifier.spring;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Matches {@code iap.excluded-paths} (exact paths and {@code /prefix/**}, the servlet filter's
 * pattern syntax) for the Spring Security filter and the default chain's {@code permitAll}. Unlike
 * the servlet filter, which decodes escapes segment by segment, it never excludes an escaped path.
 *
 * <p>An exclusion is a hole in the protection, so matching fails closed: it compares the raw path
 * within the application, and a path that is not plainly written (escapes, path parameters,
 * backslashes, {@code .}, {@code ..} or empty segments) is never excluded. Health checkers send
 * plain paths; {@code /healthz/../admin} or {@code /healthz;x/../admin} cannot slip through,
 * whatever the container makes of them.
 *
 * <p>Immutable and thread-safe.
 */
final class ExcludedPathsMatcher implements RequestMatcher {

  private final Set<String> exact;
  private final List<String> prefixes;
  private final List<String> patterns;

  private ExcludedPathsMatcher(Set<String> exact, List<String> prefixes, List<String> patterns) {
    this.exact = exact;
    this.prefixes = prefixes;
    this.patterns = patterns;
  }

  /**
   * Parses the patterns.
   *
   * @throws IllegalArgumentException naming the first bad pattern and what is accepted
   */
  static ExcludedPathsMatcher of(Collection<String> patterns) {
    Set<String> exact = new LinkedHashSet<>();
    Set<String> prefixes = new LinkedHashSet<>();
    Set<String> all = new LinkedHashSet<>();
    for (String pattern : patterns) {
      String p = pattern == null ? "" : pattern.strip();
      boolean prefix = p.endsWith("/**");
      String base = prefix ? p.substring(0, p.length() - 3) : p;
      if (prefix && base.isEmpty()) {
        throw new IllegalArgumentException(
            "iap.excluded-paths: '/**' would exempt the whole application from IAP verification;"
                + " exclude only health-check paths such as /healthz, or set iap.enabled=false");
      }
      if (!isPlain(base) || (prefix && base.endsWith("/"))) {
        throw new IllegalArgumentException(
            "iap.excluded-paths: '"
                + pattern
                + "' must be an exact path such as /healthz or a prefix pattern such as"
                + " /status/**: starting with '/', letters, digits and - . _ ~ only, no '.', '..'"
                + " or empty segments, '**' only as the whole last segment");
      }
      (prefix ? prefixes : exact).add(base);
      all.add(p);
    }
    return new ExcludedPathsMatcher(Set.copyOf(exact), List.copyOf(prefixes), List.copyOf(all));
  }

  List<String> patterns() {
    return patterns;
  }

  boolean isEmpty() {
    return patterns.isEmpty();
  }

  @Override
  public boolean matches(HttpServletRequest request) {
    if (patterns.isEmpty()) {
      return false;
    }
    String uri = request.getRequestURI();
    String context = request.getContextPath();
    if (uri == null || context == null || !uri.startsWith(context)) {
      return false;
    }
    String path = uri.substring(context.length());
    if (!isPlain(path)) {
      return false;
    }
    if (exact.contains(path)) {
      return true;
    }
    for (String base : prefixes) {
      if (path.startsWith(base)
          && (path.length() == base.length() || path.charAt(base.length()) == '/')) {
        return true;
      }
    }
    return false;
  }

  /**
   * A path of '/'-separated segments of unreserved characters (RFC 3986), none of them empty
   * (except a trailing one), "." or "..".
   */
  private static boolean isPlain(String path) {
    if (path.isEmpty() || path.charAt(0) != '/') {
      return false;
    }
    int segmentStart = 1;
    for (int i = 1; i <= path.length(); i++) {
      if (i == path.length() || path.charAt(i) == '/') {
        String segment = path.substring(segmentStart, i);
        boolean last = i == path.length();
        if ((segment.isEmpty() && !last) || segment.equals(".") || segment.equals("..")) {
          return false;
        }
        segmentStart = i + 1;
        continue;
      }
      char c = path.charAt(i);
      boolean unreserved =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.'
              || c == '_'
              || c == '~';
      if (!unreserved) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "ExcludedPaths" + patterns;
  }
}
