package io.github.iapverifier.test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What every fake's token builder has: dates, the key, and any extra claim. Not thread-safe; one
 * builder per token.
 *
 * @param <B> the concrete builder, returned by every setter
 */
abstract class ProxyTokenBuilder<B extends ProxyTokenBuilder<B>> {

  private final Clock clock;
  private Instant issuedAt;
  private Duration lifetime;
  private String keyId;
  private boolean unpublishedKey;
  private final Map<String, Object> extra = new LinkedHashMap<>();

  ProxyTokenBuilder(Clock clock, Duration lifetime) {
    this.clock = clock;
    this.lifetime = lifetime;
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /**
   * Sets the issue time. Default: now on the fake's clock.
   *
   * @param issuedAt the {@code iat} claim (the time {@code exp} is counted from), not null
   * @return this builder
   */
  public B issuedAt(Instant issuedAt) {
    this.issuedAt = Objects.requireNonNull(issuedAt, "issuedAt");
    return self();
  }

  /**
   * Sets the lifetime: {@code exp = iat + lifetime}. Default: the proxy's usual lifetime.
   *
   * @param lifetime the lifetime, not null; negative for a token that expired before it was issued
   * @return this builder
   */
  public B expiresIn(Duration lifetime) {
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    return self();
  }

  /**
   * Names this key id in the header instead of the signing key's (the signature stays the signing
   * key's).
   *
   * @param keyId the {@code kid}, not null
   * @return this builder
   */
  public B keyId(String keyId) {
    this.keyId = Objects.requireNonNull(keyId, "keyId");
    return self();
  }

  /**
   * Signs with a fresh key that is not published, under the current key's id: a forged token.
   *
   * @return this builder
   */
  public B signedWithUnpublishedKey() {
    this.unpublishedKey = true;
    return self();
  }

  /**
   * Adds or overrides any claim, for cases the other methods do not cover.
   *
   * @param name the claim name, not null
   * @param value a JSON-compatible value (String, Number, Boolean, List, Map), or null to remove
   * @return this builder
   */
  public B claim(String name, Object value) {
    extra.put(Objects.requireNonNull(name, "name"), value);
    return self();
  }

  Instant issuedAt() {
    return issuedAt != null ? issuedAt : clock.instant();
  }

  Instant expiresAt() {
    return issuedAt().plus(lifetime);
  }

  Clock clock() {
    return clock;
  }

  boolean unpublishedKey() {
    return unpublishedKey;
  }

  /** The key id for the header: the one set, or the signing key's. */
  String keyIdOr(String signingKeyId) {
    return keyId != null ? keyId : signingKeyId;
  }

  /** A stable UUID for a text (such as an email), as many proxies' user ids look. */
  static String uuidOf(String seed) {
    return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** Applies {@link #claim} settings last, so they win; a null value removes the claim. */
  Map<String, Object> withExtraClaims(Map<String, Object> claims) {
    extra.forEach(
        (name, value) -> {
          if (value == null) {
            claims.remove(name);
          } else {
            claims.put(name, value);
          }
        });
    return claims;
  }
}
