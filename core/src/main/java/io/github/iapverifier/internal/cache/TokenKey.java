package io.github.iapverifier.internal.cache;

import org.jspecify.annotations.Nullable;

/**
 * Cache key: hashes only the token's tail (signature characters, random for a genuine token)
 * because hashing ~800 characters costs more than the rest of a cache hit, but compares the whole
 * string, so a match is never accepted on the hash alone. 16 characters carry 96 random bits, more
 * than a 32-bit hash can use; each character more adds a dependent multiply (~1 ns). Only verified
 * tokens are ever inserted, and their signatures cannot be chosen, so colliding tails cannot be
 * planted to make buckets long. Immutable.
 */
public final class TokenKey {
  private static final int HASHED_TAIL = 16;
  private final String token;
  private final int hash;

  TokenKey(String token) {
    this.token = token;
    int h = 0;
    int n = token.length();
    for (int i = Math.max(0, n - HASHED_TAIL); i < n; i++) {
      h = 31 * h + token.charAt(i);
    }
    this.hash = h;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof TokenKey
        && ((TokenKey) other).hash == hash
        && ((TokenKey) other).token.equals(token);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
