package io.github.iapverifier.internal.keys;

import java.net.http.HttpHeaders;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a key set may be cached, from its response's {@code Cache-Control} and {@code Age} (RFC
 * 9111), clamped to bounds. Immutable and thread-safe.
 *
 * @param minTtl the shortest cache time, in milliseconds
 * @param maxTtl the longest cache time, in milliseconds
 * @param defaultTtl the cache time without {@code max-age}, in milliseconds
 */
record CacheControl(long minTtl, long maxTtl, long defaultTtl) {

  private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*\"?(\\d+)");
  private static final Pattern NO_CACHE = Pattern.compile("(?:^|[,\\s])no-(?:cache|store)\\b");

  /** The cache time of a response, in milliseconds, within the bounds. */
  long ttl(HttpHeaders headers) {
    String cacheControl =
        String.join(",", headers.allValues("Cache-Control")).toLowerCase(Locale.ROOT);
    long ttl = defaultTtl;
    Matcher m = MAX_AGE.matcher(cacheControl);
    if (NO_CACHE.matcher(cacheControl).find()) {
      // Revalidation on every use is not something a verifier can afford; the shortest allowed
      // cache time is the closest honest answer.
      ttl = minTtl;
    } else if (m.find()) {
      long seconds = parseSeconds(m.group(1));
      long age = headers.firstValue("Age").map(CacheControl::parseSeconds).orElse(0L);
      ttl = Math.max(0, seconds - age) * 1000;
    }
    return Math.max(minTtl, Math.min(maxTtl, ttl));
  }

  private static long parseSeconds(String s) {
    String t = s.strip();
    try {
      return Math.max(0, Long.parseLong(t));
    } catch (NumberFormatException e) {
      // Too many digits saturates (RFC 9111 section 1.2.2); anything else counts as zero.
      return t.matches("\\d+") ? Long.MAX_VALUE / 1000 : 0;
    }
  }
}
