package io.github.iapverifier.internal.keys;

import io.github.iapverifier.IapSigningKey;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys of one successful fetch and the times that govern them (epoch millis). Immutable.
 *
 * @param keys the keys by id, unmodifiable
 * @param fetchedAt when they were fetched
 * @param refreshAt from when a lookup starts a background refresh
 * @param expiresAt from when they are stale
 */
record KeySet(Map<String, IapSigningKey> keys, long fetchedAt, long refreshAt, long expiresAt) {

  /** What changed between two key sets; a kid whose key material changed is in both. */
  record Rotation(Set<String> added, Set<String> removed) {
    boolean isEmpty() {
      return added.isEmpty() && removed.isEmpty();
    }
  }

  /**
   * Returns this set with each key that is still published unchanged replaced by the instance
   * already in use: the verified-token cache honours an entry only while the source returns the
   * very instance that verified it, so a refresh must not invalidate it.
   */
  KeySet keepingInstancesOf(KeySet previous) {
    Map<String, IapSigningKey> kept = new LinkedHashMap<>();
    keys.forEach(
        (id, k) -> {
          IapSigningKey old = previous.keys.get(id);
          kept.put(id, old != null && sameKey(old, k) ? old : k);
        });
    return new KeySet(Collections.unmodifiableMap(kept), fetchedAt, refreshAt, expiresAt);
  }

  /** The ids added and removed since {@code before}, by instance (see keepingInstancesOf). */
  Rotation since(KeySet before) {
    Set<String> added = new TreeSet<>();
    Set<String> removed = new TreeSet<>();
    keys.forEach(
        (id, k) -> {
          if (before.keys.get(id) != k) {
            added.add(id);
          }
        });
    before.keys.forEach(
        (id, k) -> {
          if (keys.get(id) != k) {
            removed.add(id);
          }
        });
    return new Rotation(Collections.unmodifiableSet(added), Collections.unmodifiableSet(removed));
  }

  private static boolean sameKey(IapSigningKey a, IapSigningKey b) {
    return Arrays.equals(a.publicKey().getEncoded(), b.publicKey().getEncoded());
  }
}
