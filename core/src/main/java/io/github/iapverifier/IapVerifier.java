package io.github.iapverifier;

import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.SafeListener;
import io.github.iapverifier.internal.cache.TokenKey;
import io.github.iapverifier.internal.cache.VerifiedTokenCache;
import io.github.iapverifier.internal.checks.TimeCheck.Validity;
import io.github.iapverifier.internal.jws.CompactJws;
import io.github.iapverifier.internal.verify.Failures;
import io.github.iapverifier.internal.verify.GoogleIapRules;
import io.github.iapverifier.internal.verify.ProxyRules;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the assertions an identity-aware proxy signs onto each request and returns the identity
 * they carry: Google Cloud IAP (header {@code x-goog-iap-jwt-assertion}, built by {@link
 * #builder()}), Cloudflare Access ({@link #cloudflareAccess()}), AWS ALB ({@link #awsAlb()}) or
 * Pomerium ({@link #pomerium()}).
 * One verifier accepts one proxy's assertions only; adapters read them from {@link #header()}.
 *
 * <pre>{@code
 * IapVerifier verifier = IapVerifier.builder()
 *     .audiences(IapAudience.cloudRun(123456789012L, "europe-west1", "billing"))
 *     .build();
 * IapIdentity who = verifier.verify(request.getHeader("x-goog-iap-jwt-assertion"));
 * }</pre>
 *
 * <p>For Google IAP, an assertion is accepted only if it is a compact JWS of at most 8 KiB, signed
 * with ES256 by a key IAP publishes, issued by {@code https://cloud.google.com/iap} for one of the
 * configured audiences, within its validity (with a clock skew, 30 seconds by default) and, when
 * configured, for an identity in an allowed hosted domain holding the required access levels. Cheap
 * checks run before the signature check, so garbage is rejected in microseconds.
 *
 * <p>Assertions that verified are remembered (by exact match of the whole string) until they
 * expire, so a repeat is answered without a second signature check, provided the key that verified
 * it is still published.
 *
 * <p>Immutable and thread-safe: build one per application and share it. {@link #close()} releases
 * the key source the builder created (background refresh); a key source passed to the builder is
 * left to its owner.
 */
public final class IapVerifier implements AutoCloseable {

  /** The request header that carries Google IAP's assertion. */
  public static final String HEADER = "x-goog-iap-jwt-assertion";

  /** The only issuer IAP uses. */
  public static final String ISSUER = GoogleIapRules.ISSUER;

  /** The longest assertion accepted, in characters; IAP's are about 600-1,000. */
  public static final int MAX_LENGTH = 8 * 1024;

  /** IAP's assertion lifetime ({@code exp - iat}). */
  static final Duration LIFETIME = GoogleIapRules.LIFETIME;

  private static final Logger log = LoggerFactory.getLogger(IapVerifier.class);

  private final ProxyRules<?> rules;
  private final List<IapAudience> audiences;
  private final long skewMillis;
  private final IapKeySource keySource;
  private final @Nullable AutoCloseable ownedKeySource;
  private final IapEventListener listener;
  private final @Nullable VerifiedTokenCache cache;
  private final VerifiedTokenCache.KeyLookup keys = this::key;
  private final VerifiedTokenCache.KeyLookup loadedKeys = this::keyIfLoaded;

  IapVerifier(
      ProxyRules<?> rules,
      List<IapAudience> audiences,
      ProxyBuilder<?> settings,
      IapKeySource keySource,
      @Nullable AutoCloseable owned) {
    this.rules = rules;
    this.audiences = List.copyOf(audiences);
    this.skewMillis = settings.clockSkew.toMillis();
    this.keySource = keySource;
    this.ownedKeySource = owned;
    this.listener = SafeListener.of(settings.listener);
    this.cache = settings.tokenCache(rules);
  }

  /**
   * Starts building a verifier of Google Cloud IAP's assertions.
   *
   * @return a new builder, not thread-safe
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts building a verifier of Cloudflare Access's application tokens.
   *
   * @return a new builder, not thread-safe
   */
  public static CloudflareAccessBuilder cloudflareAccess() {
    return new CloudflareAccessBuilder();
  }

  /**
   * Starts building a verifier of Pomerium's assertions.
   *
   * @return a new builder, not thread-safe
   */
  public static PomeriumBuilder pomerium() {
    return new PomeriumBuilder();
  }

  /**
   * Starts building a verifier of an AWS Application Load Balancer's assertions ({@code
   * x-amzn-oidc-data}).
   *
   * @return a new builder, not thread-safe
   */
  public static AwsAlbBuilder awsAlb() {
    return new AwsAlbBuilder();
  }

  /**
   * Returns the proxy whose assertions this verifier accepts.
   *
   * @return the proxy, never null
   */
  public IapProxy proxy() {
    return rules.proxy();
  }

  /**
   * Returns the request header from which adapters read the assertion: the {@link #proxy() proxy's}
   * header, {@value #HEADER} for Google IAP.
   *
   * @return the header name, never null
   */
  public String header() {
    return rules.proxy().header();
  }

  /**
   * Verifies an assertion.
   *
   * @param assertion the value of the proxy's {@link #header() header}; null or blank is rejected
   *     as {@link Reason#MISSING}
   * @return the verified identity, never null
   * @throws IapVerificationException if the assertion must not be trusted; nothing else is thrown,
   *     whatever the input
   */
  public IapIdentity verify(@Nullable String assertion) {
    return verify(assertion, keys);
  }

  /**
   * Verifies an assertion if that needs no blocking call, for callers on a thread that must not
   * block (an event loop): the same checks, verified-token cache and listener events as {@link
   * #verify(String)}, but where {@code verify} would ask the key source for a key it does not
   * {@linkplain IapKeySource#keyIfLoaded hold in memory} (keys not loaded yet, an unknown key id
   * that may force a refresh, a source that cannot tell), this returns empty at that point, before
   * any blocking call and without a listener event. The caller then runs {@code verify} on a thread
   * that may block; it repeats the cheap checks, and decides.
   *
   * @param assertion the value of the proxy's {@link #header() header}; null or blank is rejected
   *     as {@link Reason#MISSING}
   * @return the verified identity, or empty if only {@code verify} can decide; never null
   * @throws IapVerificationException if the assertion must not be trusted, exactly as {@code
   *     verify} would throw before needing the key; nothing else is thrown, whatever the input
   */
  public Optional<IapIdentity> verifyIfReady(@Nullable String assertion) {
    return Optional.ofNullable(verify(assertion, loadedKeys));
  }

  /**
   * Both entry points; {@code lookup} is {@link #keys} (may block, never answers null for want of
   * keys) or {@link #loadedKeys} (whose null ends the verification undecided: returns null).
   */
  private @Nullable IapIdentity verify(
      @Nullable String assertion, VerifiedTokenCache.KeyLookup lookup) {
    IapIdentity identity;
    boolean fromCache;
    try {
      // Built once per call: looked up now, and stored under if the full check passes.
      TokenKey cacheKey = cache == null ? null : cache.keyOf(assertion);
      identity = cacheKey == null ? null : cache.hit(cacheKey, lookup, lookup == keys);
      fromCache = identity != null;
      if (identity == null) {
        identity = verifyFully(rules, assertion, cacheKey, lookup);
        if (identity == null) {
          return null;
        }
      }
    } catch (RuntimeException e) {
      IapVerificationException failure = Failures.unforeseen(e);
      listener.rejected(failure);
      throw failure;
    }
    listener.verified(identity, fromCache);
    return identity;
  }

  /**
   * The checks, cheapest first; {@code cacheKey} is where a success is remembered, or null. Returns
   * null only when {@code lookup} is {@link #loadedKeys} and it has no key.
   */
  private <C> @Nullable IapIdentity verifyFully(
      ProxyRules<C> r,
      @Nullable String assertion,
      @Nullable TokenKey cacheKey,
      VerifiedTokenCache.KeyLookup lookup) {
    CompactJws jws = r.split(assertion);
    Map<String, Object> header = jws.header();
    String keyId = r.header().keyId(header);
    Map<String, Object> payload = jws.payload();
    r.issuer().check(header, payload);
    String audience = r.audience().check(header, payload);
    Validity validity = r.times().check(header, payload);
    C claims = r.claims().read(header, payload, audience, validity);

    IapSigningKey key = lookup.key(keyId);
    if (key == null) {
      if (lookup == loadedKeys) {
        return null; // not held in memory: only verify(), which may wait, can tell
      }
      throw Failures.unknownKey(r, keyId);
    }
    key.checkSignature(r, keyId, jws);
    IapIdentity identity = r.identity().of(claims);
    r.policy().check(identity);
    if (cacheKey != null) {
      cache.put(cacheKey, identity, key, validity.expiresAtMillis() + skewMillis);
    }
    return identity;
  }

  /**
   * Runs the checks of {@link #verify(String)} on an assertion, in the same order and with the same
   * settings (audiences, clock, skew, key source, policy), and reports each outcome, for
   * diagnostics. Unlike {@code verify}, a failed check does not stop the checks that do not depend
   * on it, the verified-token cache is neither read nor filled, and the event listener is not told.
   * The key source is asked for the key as {@code verify} would ask (it may fetch keys).
   *
   * @param assertion the assertion, may be null or anything
   * @return what each check found, and the verdict {@code verify} would give; never null
   * @throws IapVerificationException never: every failure is reported in the result
   */
  public IapInspection inspect(@Nullable String assertion) {
    return Inspector.inspect(rules, keys, assertion);
  }

  /**
   * Loads the signing keys now, when the key source supports it, so that the first request does not
   * wait for them. Adapters call this at start-up.
   *
   * @throws IapVerificationException with {@link Reason#KEYS_UNAVAILABLE} if no keys could be had
   */
  public void warmUp() {
    keySource.warmUp();
  }

  /**
   * Returns the audiences this verifier accepts: Google IAP's resource audiences, Cloudflare
   * Access's AUD tags, AWS ALB's signer ARNs or Pomerium's route host (kind {@link
   * IapAudience.Kind#OTHER_PROXY}).
   *
   * @return the audiences, unmodifiable, never empty
   */
  public List<IapAudience> audiences() {
    return audiences;
  }

  /**
   * Returns the key source in use.
   *
   * @return the key source, never null
   */
  public IapKeySource keySource() {
    return keySource;
  }

  /** Stops background work of the key source this verifier created; idempotent. */
  @Override
  public void close() {
    if (cache != null) {
      cache.clear();
    }
    if (ownedKeySource != null) {
      try {
        ownedKeySource.close();
      } catch (Exception e) {
        log.warn("Closing the {} key source failed", rules.keyOwner(), e);
      }
    }
  }

  private @Nullable IapSigningKey key(String keyId) {
    try {
      return keySource.key(keyId);
    } catch (IapVerificationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw keySourceFailed(e);
    }
  }

  private @Nullable IapSigningKey keyIfLoaded(String keyId) {
    try {
      return keySource.keyIfLoaded(keyId);
    } catch (IapVerificationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw keySourceFailed(e);
    }
  }

  private static IapVerificationException keySourceFailed(RuntimeException e) {
    // A failing key source is the server's fault: answer 503, never a 401 that blames the user.
    return new IapVerificationException(
        Reason.KEYS_UNAVAILABLE,
        "the key source failed (" + e.getClass().getName() + "); see the cause",
        e);
  }

  /**
   * Builds an {@link IapVerifier}. Fails fast on missing or contradictory settings. Not
   * thread-safe; the verifier it builds is.
   */
  public static final class Builder extends GoogleIapSettings {

    /** Default number of verified assertions remembered. */
    public static final long DEFAULT_TOKEN_CACHE_SIZE = 10_000;

    /** Default tolerance between this server's clock and IAP's. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

    private Builder() {}

    /**
     * Fetches keys from this URI instead of {@value RemoteKeySource#DEFAULT_JWKS_URI} (a mirror, a
     * local emulator). Ignored when {@link #keySource} is set; setting both fails.
     *
     * @param jwksUri an absolute http or https URI of a JWKS document, without user-info, not null;
     *     plain http to a host other than loopback is logged as a warning at build
     * @return this builder
     * @throws IllegalArgumentException if the URI is not such a URI
     */
    public Builder jwksUri(URI jwksUri) {
      return keysUri(jwksUri);
    }

    /**
     * Builds the verifier.
     *
     * @return a verifier, thread-safe
     * @throws IllegalStateException if no audience is configured, or both a key source and a JWKS
     *     URI (or remote key source settings) are set
     */
    public IapVerifier build() {
      return buildGoogle();
    }
  }
}
