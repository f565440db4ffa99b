package io.github.iapverifier;

import io.github.iapverifier.internal.cache.VerifiedTokenCache;
import io.github.iapverifier.internal.keys.JwksUri;
import io.github.iapverifier.internal.verify.ProxyRules;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The settings every proxy's builder shares (clock, skew, key source, caches, listener) and their
 * validation, so that each public builder only adds its proxy's own settings. Not API: the public
 * builders extend it and their users see these setters as the builders' own. Not thread-safe.
 *
 * @param <B> the public builder type, returned by the setters for chaining
 */
abstract class ProxyBuilder<B extends ProxyBuilder<B>> {

  private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  /** The longest a verified token is kept in the cache; a hit re-checks validity itself. */
  private static final Duration MAX_RETENTION = Duration.ofHours(24);

  Clock clock = Clock.systemUTC();
  Duration clockSkew = IapVerifier.Builder.DEFAULT_CLOCK_SKEW;
  @Nullable IapKeySource keySource;
  @Nullable URI keysUri;
  RemoteKeySource.@Nullable Builder remote;
  long tokenCacheSize = IapVerifier.Builder.DEFAULT_TOKEN_CACHE_SIZE;
  IapEventListener listener = IapEventListener.NONE;

  ProxyBuilder() {}

  @SuppressWarnings("unchecked")
  B self() {
    return (B) this;
  }

  /**
   * Sets the clock used for {@code exp}, {@code iat} and {@code nbf}. Default: the system UTC
   * clock.
   *
   * @param clock the clock, not null
   * @return this builder
   */
  public B clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return self();
  }

  /**
   * Sets the tolerance between this server's clock and the proxy's, applied to {@code exp}, {@code
   * iat} and {@code nbf}. Default 30 seconds; at most 5 minutes.
   *
   * @param clockSkew the skew, zero or positive, not null
   * @return this builder
   */
  public B clockSkew(Duration clockSkew) {
    Objects.requireNonNull(clockSkew, "clockSkew");
    if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
      throw new IllegalArgumentException(
          "clockSkew must be between 0 and " + MAX_CLOCK_SKEW + ", got " + clockSkew);
    }
    this.clockSkew = clockSkew;
    return self();
  }

  /**
   * Uses this key source instead of fetching the proxy's published keys. The verifier does not
   * close it. Its keys must be of the algorithm the proxy signs with; a key of another algorithm
   * verifies nothing.
   *
   * @param keySource the source, not null
   * @return this builder
   */
  public B keySource(IapKeySource keySource) {
    this.keySource = Objects.requireNonNull(keySource, "keySource");
    return self();
  }

  /**
   * Tunes the default remote key source (timeouts, cache bounds, rate limit). The given builder is
   * not changed; this builder's key URI and the proxy's algorithm win over its own, and this
   * builder's clock and listener apply unless it set its own.
   *
   * @param remote a remote key source builder, not null
   * @return this builder
   */
  public B remoteKeySource(RemoteKeySource.Builder remote) {
    this.remote = Objects.requireNonNull(remote, "remote");
    return self();
  }

  /**
   * Sets how many verified assertions are remembered; 0 turns the cache off. Each entry costs about
   * 2 KiB. Default {@value IapVerifier.Builder#DEFAULT_TOKEN_CACHE_SIZE}.
   *
   * @param maxSize the maximum number of entries, zero or positive
   * @return this builder
   */
  public B tokenCacheSize(long maxSize) {
    if (maxSize < 0) {
      throw new IllegalArgumentException(
          "tokenCacheSize must be 0 (off) or positive, got " + maxSize);
    }
    this.tokenCacheSize = maxSize;
    return self();
  }

  /**
   * Sets the observer of verifications and key events. Default: none.
   *
   * @param listener the listener, not null
   * @return this builder
   */
  public B eventListener(IapEventListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return self();
  }

  /** Adds each item, checked (and possibly normalised) by {@code check}, to {@code into}. */
  B addChecked(
      Collection<String> items, String name, UnaryOperator<String> check, Set<String> into) {
    for (String item : Objects.requireNonNull(items, name)) {
      into.add(check.apply(Objects.requireNonNull(item, name + " must not contain null")));
    }
    return self();
  }

  /** The verified-token cache these settings ask for, or null when it is off. */
  @Nullable VerifiedTokenCache tokenCache(ProxyRules<?> rules) {
    if (tokenCacheSize == 0) {
      return null;
    }
    // Retention past the longest a token can stay valid (the lifetime check caps exp - iat, the
    // iat check caps iat), bounded for proxies whose tokens live long; a hit re-checks validity
    // against the clock itself, so this only frees memory.
    Duration longest = rules.longestValidity();
    return new VerifiedTokenCache(
        tokenCacheSize,
        (longest.compareTo(MAX_RETENTION) < 0 ? longest : MAX_RETENTION)
            .plusMillis(4 * clockSkew.toMillis()),
        clock,
        rules.maxLength());
  }

  /** Sets where the default key source fetches keys; checked as every key URI is. */
  B keysUri(URI uri) {
    this.keysUri = JwksUri.check(uri);
    return self();
  }

  /**
   * Builds a verifier whose default key source is a JWKS document, fetched and cached by a {@link
   * RemoteKeySource} that keeps the keys of the rules' algorithm.
   *
   * @param defaultJwksUri the proxy's JWKS when {@link #keysUri} was not set; null for Google's
   */
  IapVerifier build(
      ProxyRules<?> rules, List<IapAudience> audiences, @Nullable URI defaultJwksUri) {
    if (keySource != null) {
      if (keysUri != null || remote != null) {
        throw new IllegalStateException(
            "both a keySource and a jwksUri/remoteKeySource are set; choose one");
      }
      return new IapVerifier(rules, audiences, this, keySource, null);
    }
    RemoteKeySource.Builder r = remote != null ? remote : RemoteKeySource.builder();
    RemoteKeySource source =
        r.build(keysUri != null ? keysUri : defaultJwksUri, rules.algorithm(), clock, listener);
    return new IapVerifier(rules, audiences, this, source, source);
  }
}
