package io.github.iapverifier.internal.jws;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decoded JOSE headers by their exact encoded segment. A proxy's header is byte-identical for every
 * token one key signs ({@code {"alg":"ES256","kid":"…","typ":"JWT"}}), so a handful of entries
 * spares each new token a base64 decode, a UTF-8 decode and a JSON parse. Only what parsing would
 * return is returned: an entry is the very map that parsing its exact bytes gave, unmodifiable, and
 * only flat headers (string, number and boolean members) are kept, so no entry can be changed
 * through a nested value.
 *
 * <p>Direct-mapped and lock-free: each slot holds one immutable entry; a racing writer may replace
 * another's entry, which costs a parse, never a wrong answer (a hit compares every byte). Bounded
 * by {@value #SLOTS} entries of at most {@value #MAX_SEGMENT} characters, so input cannot grow it.
 * Thread-safe.
 */
final class HeaderCache {

  /** Slots; a power of two. Keys rotate a few at a time, and few proxies share a JVM. */
  static final int SLOTS = 16;

  /** Longer header segments are parsed every time (real ones are ~60-200 characters). */
  static final int MAX_SEGMENT = 512;

  /** Final fields: an entry read through a data race is seen whole. */
  private record Entry(byte[] segment, Map<String, Object> header) {}

  private final Entry[] slots = new Entry[SLOTS];

  /** Returns the header whose segment is exactly {@code ascii[0, to)}, or null. */
  @Nullable Map<String, Object> get(byte[] ascii, int to) {
    if (to > MAX_SEGMENT) {
      return null;
    }
    Entry e = slots[slot(ascii, to)];
    return e != null && Arrays.equals(e.segment, 0, e.segment.length, ascii, 0, to)
        ? e.header
        : null;
  }

  /**
   * Remembers a header parsed from {@code ascii[0, to)} if it is flat and short enough.
   *
   * @return the header, unmodifiable
   */
  Map<String, Object> put(byte[] ascii, int to, Map<String, Object> parsed) {
    Map<String, Object> header = Collections.unmodifiableMap(parsed);
    if (to <= MAX_SEGMENT && isFlat(header)) {
      slots[slot(ascii, to)] = new Entry(Arrays.copyOf(ascii, to), header);
    }
    return header;
  }

  private static boolean isFlat(Map<String, Object> header) {
    for (Object value : header.values()) {
      if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
        return false;
      }
    }
    return true;
  }

  private static int slot(byte[] ascii, int to) {
    int h = 1;
    for (int i = 0; i < to; i++) {
      h = 31 * h + ascii[i];
    }
    return (h ^ (h >>> 16)) & (SLOTS - 1);
  }
}
