package io.github.iapverifier;

import static io.github.iapverifier.internal.Text.printable;

import io.github.iapverifier.IapInspection.Check;
import io.github.iapverifier.IapInspection.Outcome;
import io.github.iapverifier.IapInspection.Step;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.Es256;
import io.github.iapverifier.internal.SafeListener;
import io.github.iapverifier.internal.cache.TokenKey;
import io.github.iapverifier.internal.cache.VerifiedTokenCache;
import io.github.iapverifier.internal.checks.AudienceCheck;
import io.github.iapverifier.internal.checks.HeaderCheck;
import io.github.iapverifier.internal.checks.IapClaims;
import io.github.iapverifier.internal.checks.Identities;
import io.github.iapverifier.internal.checks.IssuerCheck;
import io.github.iapverifier.internal.checks.PolicyCheck;
import io.github.iapverifier.internal.checks.TimeCheck;
import io.github.iapverifier.internal.checks.TimeCheck.Validity;
import io.github.iapverifier.internal.jws.CompactJws;
import io.github.iapverifier.internal.keys.JwksUri;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the assertions IAP signs onto each request (header {@code x-goog-iap-jwt-assertion}) and
 * returns the identity they carry.
 *
 * <pre>{@code
 * IapVerifier verifier = IapVerifier.builder()
 *     .audiences(IapAudience.cloudRun(123456789012L, "europe-west1", "billing"))
 *     .build();
 * IapIdentity who = verifier.verify(request.getHeader("x-goog-iap-jwt-assertion"));
 * }</pre>
 *
 * <p>An assertion is accepted only if it is a compact JWS of at most 8 KiB, signed with ES256 by a
 * key IAP publishes, issued by {@code https://cloud.google.com/iap} for one of the configured
 * audiences, within its validity (with a clock skew, 30 seconds by default) and, when configured,
 * for an identity in an allowed hosted domain holding the required access levels. Cheap checks run
 * before the signature check, so garbage is rejected in microseconds.
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

  /** The request header that carries the assertion. */
  public static final String HEADER = "x-goog-iap-jwt-assertion";

  /** The only issuer IAP uses. */
  public static final String ISSUER = "https://cloud.google.com/iap";

  /** The longest assertion accepted, in characters; IAP's are about 600-1,000. */
  public static final int MAX_LENGTH = 8 * 1024;

  /** IAP's assertion lifetime ({@code exp - iat}). */
  static final Duration LIFETIME = Duration.ofMinutes(10);

  private static final Logger log = LoggerFactory.getLogger(IapVerifier.class);
  private static final String MISSING =
      "no IAP assertion: the request carries no "
          + HEADER
          + " header; requests must reach the"
          + " app through IAP";
  private static final HeaderCheck HEADER_CHECK = new HeaderCheck("ES256", "IAP");
  private static final IssuerCheck ISSUER_CHECK = new IssuerCheck(ISSUER, "IAP");

  private final List<IapAudience> audiences;
  private final AudienceCheck audienceCheck;
  private final TimeCheck timeCheck;
  private final PolicyCheck policy;
  private final long skewMillis;
  private final IapKeySource keySource;
  private final @Nullable AutoCloseable ownedKeySource;
  private final IapEventListener listener;
  private final @Nullable VerifiedTokenCache cache;
  private final VerifiedTokenCache.KeyLookup keys = this::key;

  private IapVerifier(Builder b, IapKeySource keySource, @Nullable AutoCloseable owned) {
    this.audiences = List.copyOf(b.audiences);
    Set<String> values = new LinkedHashSet<>();
    audiences.forEach(a -> values.add(a.value()));
    this.audienceCheck =
        new AudienceCheck(
            Set.copyOf(values),
            "; the assertion was minted for another IAP-protected resource, or this app's"
                + " audiences (iap.audiences) are set wrong: use the value the IAP console shows"
                + " for this resource");
    this.timeCheck = new TimeCheck(b.clock, b.clockSkew, LIFETIME);
    this.policy = new PolicyCheck(b.allowedHostedDomains, b.requiredAccessLevels);
    this.skewMillis = b.clockSkew.toMillis();
    this.keySource = keySource;
    this.ownedKeySource = owned;
    this.listener = SafeListener.of(b.listener);
    // Retention past the longest a token can stay valid (LIFETIME_TOO_LONG caps exp - iat,
    // ISSUED_IN_FUTURE caps iat); a hit re-checks validity against the clock itself.
    this.cache =
        b.tokenCacheSize == 0
            ? null
            : new VerifiedTokenCache(
                b.tokenCacheSize, LIFETIME.plusMillis(4 * skewMillis), b.clock, MAX_LENGTH);
  }

  /**
   * Returns the proxy whose assertions this verifier accepts.
   *
   * @return the proxy, never null
   */
  public IapProxy proxy() {
    return IapProxy.GOOGLE_IAP;
  }

  /**
   * Returns the request header from which adapters read the assertion: the {@link #proxy()
   * proxy's} header, {@value #HEADER} for Google IAP.
   *
   * @return the header name, never null
   */
  public String header() {
    return proxy().header();
  }

  /**
   * Starts building a verifier.
   *
   * @return a new builder, not thread-safe
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Verifies an assertion.
   *
   * @param assertion the value of the {@code x-goog-iap-jwt-assertion} header; null or blank is
   *     rejected as {@link Reason#MISSING}
   * @return the verified identity, never null
   * @throws IapVerificationException if the assertion must not be trusted; nothing else is thrown,
   *     whatever the input
   */
  public IapIdentity verify(@Nullable String assertion) {
    IapIdentity identity;
    boolean fromCache;
    try {
      // Built once per call: looked up now, and stored under if the full check passes.
      TokenKey cacheKey = cache == null ? null : cache.keyOf(assertion);
      identity = cacheKey == null ? null : cache.hit(cacheKey, keys);
      fromCache = identity != null;
      if (identity == null) {
        identity = verifyFully(assertion, cacheKey);
      }
    } catch (IapVerificationException e) {
      listener.rejected(e);
      throw e;
    } catch (RuntimeException e) {
      IapVerificationException failure = unforeseen(e);
      listener.rejected(failure);
      throw failure;
    }
    listener.verified(identity, fromCache);
    return identity;
  }

  /** The checks, cheapest first; {@code cacheKey} is where a success is remembered, or null. */
  private IapIdentity verifyFully(@Nullable String assertion, @Nullable TokenKey cacheKey) {
    CompactJws jws = CompactJws.split(assertion, MAX_LENGTH, MISSING);
    String keyId = HEADER_CHECK.keyId(jws.header());
    Map<String, Object> payload = jws.payload();
    ISSUER_CHECK.check(payload);
    String audience = audienceCheck.match(payload.get("aud"));
    Validity validity = timeCheck.check(payload);
    IapClaims claims = IapClaims.read(payload, audience, validity);

    IapSigningKey key = key(keyId);
    if (key == null) {
      throw unknownKey(keyId);
    }
    byte[] signature = jws.signature();
    if (signature == null || signature.length != Es256.SIGNATURE_LENGTH) {
      throw badSignatureLength();
    }
    if (!key.verify(jws.signingInput(), jws.signingInputLength(), signature)) {
      throw badSignature(keyId);
    }
    IapIdentity identity = Identities.of(claims);
    policy.check(identity);
    if (cacheKey != null) {
      cache.put(cacheKey, identity, key, validity.expiresAtMillis() + skewMillis);
    }
    return identity;
  }

  // The failures verifyFully and inspect share, built only on the failure path.

  private static IapVerificationException badSignatureLength() {
    return new IapVerificationException(
        Reason.BAD_SIGNATURE, "the signature is not 64 bytes (raw r||s, as ES256 requires)");
  }

  private static IapVerificationException badSignature(String keyId) {
    return new IapVerificationException(
        Reason.BAD_SIGNATURE,
        "the signature does not verify with IAP key '" + printable(keyId) + "'");
  }

  private static IapVerificationException unknownKey(String keyId) {
    return new IapVerificationException(
        Reason.UNKNOWN_KEY, "kid '" + printable(keyId) + "' is not among IAP's published keys");
  }

  /** Fails closed on anything unforeseen, without echoing input-derived text. */
  private static IapVerificationException unforeseen(RuntimeException e) {
    if (e instanceof IapVerificationException known) {
      return known;
    }
    return new IapVerificationException(
        Reason.MALFORMED,
        "the assertion could not be processed (" + e.getClass().getName() + ")",
        e);
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
    Step[] steps = new Step[Check.values().length];
    CompactJws jws =
        step(steps, Check.SHAPE, () -> CompactJws.split(assertion, MAX_LENGTH, MISSING));
    Map<String, Object> header = jws == null ? null : step(steps, Check.HEADER, jws::header);
    String keyId =
        header == null ? null : step(steps, Check.HEADER, () -> HEADER_CHECK.keyId(header));
    Map<String, Object> payload = jws == null ? null : step(steps, Check.PAYLOAD, jws::payload);
    String audience = null;
    Validity validity = null;
    if (payload != null) {
      step(
          steps,
          Check.ISSUER,
          () -> {
            ISSUER_CHECK.check(payload);
            return Boolean.TRUE;
          });
      audience = step(steps, Check.AUDIENCE, () -> audienceCheck.match(payload.get("aud")));
      validity = step(steps, Check.TIMES, () -> timeCheck.check(payload));
    }
    IapClaims claims = null;
    if (audience != null && validity != null) {
      String aud = audience;
      Validity v = validity;
      claims = step(steps, Check.CLAIMS, () -> IapClaims.read(payload, aud, v));
    }
    if (keyId != null) {
      IapSigningKey key =
          step(
              steps,
              Check.KEY,
              () -> {
                IapSigningKey k = key(keyId);
                if (k == null) {
                  throw unknownKey(keyId);
                }
                return k;
              });
      if (key != null) {
        step(
            steps,
            Check.SIGNATURE,
            () -> {
              // As in verifyFully, which keeps these inline on its hot path.
              byte[] signature = jws.signature();
              if (signature == null || signature.length != Es256.SIGNATURE_LENGTH) {
                throw badSignatureLength();
              }
              if (!key.verify(jws.signingInput(), jws.signingInputLength(), signature)) {
                throw badSignature(keyId);
              }
              return Boolean.TRUE;
            });
      }
    }
    IapIdentity identity = null;
    if (claims != null) {
      IapClaims c = claims;
      identity =
          step(
              steps,
              Check.POLICY,
              () -> {
                IapIdentity who = Identities.of(c);
                policy.check(who);
                return who;
              });
    }
    List<Step> all = new ArrayList<>(steps.length);
    for (Check check : Check.values()) {
      Step s = steps[check.ordinal()];
      all.add(s != null ? s : new Step(check, Outcome.NOT_RUN, null));
    }
    return new IapInspection(
        header == null ? Map.of() : Collections.unmodifiableMap(header),
        payload == null ? Map.of() : Collections.unmodifiableMap(payload),
        all,
        identity);
  }

  /** Runs one check of {@link #inspect}, records its outcome; its result, or null if it failed. */
  private static <T> @Nullable T step(Step[] steps, Check check, Supplier<T> run) {
    try {
      T result = run.get();
      steps[check.ordinal()] = new Step(check, Outcome.PASSED, null);
      return result;
    } catch (RuntimeException e) {
      steps[check.ordinal()] = new Step(check, Outcome.FAILED, unforeseen(e));
      return null;
    }
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
   * Returns the audiences this verifier accepts.
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
        log.warn("Closing the IAP key source failed", e);
      }
    }
  }

  private @Nullable IapSigningKey key(String keyId) {
    try {
      return keySource.key(keyId);
    } catch (IapVerificationException e) {
      throw e;
    } catch (RuntimeException e) {
      // A failing key source is the server's fault: answer 503, never a 401 that blames the user.
      throw new IapVerificationException(
          Reason.KEYS_UNAVAILABLE,
          "the key source failed (" + e.getClass().getName() + "); see the cause",
          e);
    }
  }

  /**
   * Builds an {@link IapVerifier}. Fails fast on missing or contradictory settings. Not
   * thread-safe; the verifier it builds is.
   */
  public static final class Builder {

    /** Default number of verified assertions remembered. */
    public static final long DEFAULT_TOKEN_CACHE_SIZE = 10_000;

    /** Default tolerance between this server's clock and IAP's. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

    private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private final List<IapAudience> audiences = new ArrayList<>();
    private final Set<String> allowedHostedDomains = new LinkedHashSet<>();
    private final Set<String> requiredAccessLevels = new LinkedHashSet<>();
    private Clock clock = Clock.systemUTC();
    private Duration clockSkew = DEFAULT_CLOCK_SKEW;
    private @Nullable IapKeySource keySource;
    private @Nullable URI jwksUri;
    private long tokenCacheSize = DEFAULT_TOKEN_CACHE_SIZE;
    private IapEventListener listener = IapEventListener.NONE;
    private RemoteKeySource.@Nullable Builder remote;

    private Builder() {}

    /**
     * Adds accepted audiences. At least one is required.
     *
     * @param audiences the audiences of this app, not null
     * @return this builder
     */
    public Builder audiences(IapAudience... audiences) {
      return audiences(Arrays.asList(Objects.requireNonNull(audiences, "audiences")));
    }

    /**
     * Adds accepted audiences.
     *
     * @param audiences the audiences of this app, not null, no null element
     * @return this builder
     */
    public Builder audiences(Collection<IapAudience> audiences) {
      for (IapAudience a : Objects.requireNonNull(audiences, "audiences")) {
        this.audiences.add(Objects.requireNonNull(a, "audiences must not contain null"));
      }
      return this;
    }

    /**
     * Adds accepted audiences given as strings, validated by {@link IapAudience#of(String)}.
     *
     * @param audiences the audience strings, not null
     * @return this builder
     * @throws IllegalArgumentException if a string is not an IAP audience
     */
    public Builder audiences(String... audiences) {
      for (String a : Objects.requireNonNull(audiences, "audiences")) {
        Objects.requireNonNull(a, "audiences must not contain null");
        this.audiences.add(IapAudience.of(a));
      }
      return this;
    }

    /**
     * Accepts only identities of these Google Workspace domains ({@code hd} claim, compared
     * ASCII-case-insensitively; a non-ASCII {@code hd} never matches); others are rejected with
     * {@link Reason#POLICY_DENIED}. Default: any.
     *
     * @param domains the domains, for example {@code example.com}, not null
     * @return this builder
     */
    public Builder allowedHostedDomains(String... domains) {
      return allowedHostedDomains(Arrays.asList(Objects.requireNonNull(domains, "domains")));
    }

    /**
     * Collection form of {@link #allowedHostedDomains(String...)}.
     *
     * @param domains the domains, not null
     * @return this builder
     */
    public Builder allowedHostedDomains(Collection<String> domains) {
      return addAll(domains, "domains", PolicyCheck::domain, allowedHostedDomains);
    }

    /**
     * Accepts only requests for which IAP reports all of these access levels ({@code
     * google.access_levels}); others are rejected with {@link Reason#POLICY_DENIED}. Default: none
     * required.
     *
     * @param levels full names, {@code accessPolicies/N/accessLevels/NAME}, not null
     * @return this builder
     */
    public Builder requiredAccessLevels(String... levels) {
      return requiredAccessLevels(Arrays.asList(Objects.requireNonNull(levels, "levels")));
    }

    /**
     * Collection form of {@link #requiredAccessLevels(String...)}.
     *
     * @param levels full names, not null
     * @return this builder
     */
    public Builder requiredAccessLevels(Collection<String> levels) {
      return addAll(levels, "levels", PolicyCheck::accessLevel, requiredAccessLevels);
    }

    private Builder addAll(
        Collection<String> items, String name, UnaryOperator<String> check, Set<String> into) {
      for (String item : Objects.requireNonNull(items, name)) {
        into.add(check.apply(Objects.requireNonNull(item, name + " must not contain null")));
      }
      return this;
    }

    /**
     * Sets the clock used for {@code exp}, {@code iat} and {@code nbf}. Default: the system UTC
     * clock.
     *
     * @param clock the clock, not null
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the tolerance between this server's clock and IAP's, applied to {@code exp}, {@code iat}
     * and {@code nbf}. Default 30 seconds, as Google documents; at most 5 minutes.
     *
     * @param clockSkew the skew, zero or positive, not null
     * @return this builder
     */
    public Builder clockSkew(Duration clockSkew) {
      Objects.requireNonNull(clockSkew, "clockSkew");
      if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
        throw new IllegalArgumentException(
            "clockSkew must be between 0 and " + MAX_CLOCK_SKEW + ", got " + clockSkew);
      }
      this.clockSkew = clockSkew;
      return this;
    }

    /**
     * Uses this key source instead of fetching Google's keys. The verifier does not close it.
     *
     * @param keySource the source, not null
     * @return this builder
     */
    public Builder keySource(IapKeySource keySource) {
      this.keySource = Objects.requireNonNull(keySource, "keySource");
      return this;
    }

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
      this.jwksUri = JwksUri.check(jwksUri);
      return this;
    }

    /**
     * Tunes the default remote key source (timeouts, cache bounds, rate limit). The given builder
     * is not changed; {@link #jwksUri} wins over its URI, and this builder's clock and listener
     * apply unless it set its own.
     *
     * @param remote a remote key source builder, not null
     * @return this builder
     */
    public Builder remoteKeySource(RemoteKeySource.Builder remote) {
      this.remote = Objects.requireNonNull(remote, "remote");
      return this;
    }

    /**
     * Sets how many verified assertions are remembered; 0 turns the cache off. Each entry costs
     * about 2 KiB. Default {@value #DEFAULT_TOKEN_CACHE_SIZE}.
     *
     * @param maxSize the maximum number of entries, zero or positive
     * @return this builder
     */
    public Builder tokenCacheSize(long maxSize) {
      if (maxSize < 0) {
        throw new IllegalArgumentException(
            "tokenCacheSize must be 0 (off) or positive, got " + maxSize);
      }
      this.tokenCacheSize = maxSize;
      return this;
    }

    /**
     * Sets the observer of verifications and key events. Default: none.
     *
     * @param listener the listener, not null
     * @return this builder
     */
    public Builder eventListener(IapEventListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the verifier.
     *
     * @return a verifier, thread-safe
     * @throws IllegalStateException if no audience is configured, or both a key source and a JWKS
     *     URI (or remote key source settings) are set
     */
    public IapVerifier build() {
      if (audiences.isEmpty()) {
        throw new IllegalStateException(
            "no IAP audience configured: call audiences(...) with this app's audience as shown in"
                + " the IAP console (App Engine /projects/NUMBER/apps/ID, load balancer"
                + " /projects/NUMBER/global/backendServices/ID, Cloud Run"
                + " /projects/NUMBER/locations/REGION/services/NAME), or with IapAudience.detect()"
                + " on Cloud Run and App Engine");
      }
      if (keySource != null) {
        if (jwksUri != null || remote != null) {
          throw new IllegalStateException(
              "both a keySource and a jwksUri/remoteKeySource are set; choose one");
        }
        return new IapVerifier(this, keySource, null);
      }
      RemoteKeySource.Builder r = remote != null ? remote : RemoteKeySource.builder();
      RemoteKeySource source = r.build(jwksUri, clock, listener);
      return new IapVerifier(this, source, source);
    }
  }
}
