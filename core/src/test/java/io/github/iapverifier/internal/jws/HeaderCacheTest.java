package io.github.iapverifier.internal.jws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderCacheTest {

  private static final String SIGNATURE = "c2lnbmF0dXJl";

  private static String segment(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static CompactJws jws(String headerJson) {
    return CompactJws.split(segment(headerJson) + ".e30." + SIGNATURE, 8192, "missing");
  }

  private static byte[] ascii(String headerJson) {
    return segment(headerJson).getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void headerWhenSameSegmentAgainThenSameDecodedHeader() {
    String json = "{\"alg\":\"ES256\",\"kid\":\"same-segment\",\"typ\":\"JWT\"}";

    Map<String, Object> first = jws(json).header();
    Map<String, Object> second = jws(json).header();

    assertThat(second).isSameAs(first).containsEntry("kid", "same-segment").hasSize(3);
  }

  @Test
  void headerWhenCachedThenUnmodifiable() {
    Map<String, Object> header = jws("{\"alg\":\"ES256\",\"kid\":\"unmodifiable\"}").header();

    assertThatThrownBy(() -> header.put("alg", "none"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(jws("{\"alg\":\"ES256\",\"kid\":\"unmodifiable\"}").header())
        .containsEntry("alg", "ES256");
  }

  @Test
  void headerWhenNestedValueThenParsedEachTime() {
    String json = "{\"alg\":\"ES256\",\"kid\":\"nested\",\"crit\":[\"exp\"]}";

    Map<String, Object> first = jws(json).header();
    Map<String, Object> second = jws(json).header();

    assertThat(second).isNotSameAs(first).isEqualTo(first);
    assertThatThrownBy(() -> first.put("kid", "other"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void getWhenAnotherSegmentInAnySlotThenMiss() {
    HeaderCache cache = new HeaderCache();
    byte[] kept = ascii("{\"alg\":\"ES256\",\"kid\":\"kept\"}");
    cache.put(kept, kept.length, Map.of("kid", "kept"));

    // Enough different segments that several share the kept one's slot: a hit needs every byte.
    for (int i = 0; i < 4 * HeaderCache.SLOTS; i++) {
      byte[] other = ascii("{\"alg\":\"ES256\",\"kid\":\"kepu" + i + "\"}");
      assertThat(cache.get(other, other.length)).isNull();
    }
    assertThat(cache.get(kept, kept.length)).containsEntry("kid", "kept");
  }

  @Test
  void getWhenSegmentIsAPrefixOfTheKeptOneThenMiss() {
    HeaderCache cache = new HeaderCache();
    byte[] kept = ascii("{\"alg\":\"ES256\",\"kid\":\"prefix\"}");
    cache.put(kept, kept.length, Map.of("kid", "prefix"));

    for (int to = 1; to < kept.length; to++) {
      assertThat(cache.get(kept, to)).isNull();
    }
  }

  @Test
  void putWhenSegmentLongerThanTheBoundThenNotKept() {
    HeaderCache cache = new HeaderCache();
    byte[] longSegment = ascii("{\"kid\":\"" + "k".repeat(HeaderCache.MAX_SEGMENT) + "\"}");

    cache.put(longSegment, longSegment.length, Map.of("kid", "long"));

    assertThat(cache.get(longSegment, longSegment.length)).isNull();
  }
}
