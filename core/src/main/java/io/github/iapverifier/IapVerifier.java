package io.github.iapverifier;

import static io.github.iapverifier.IapAudience.printable;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.Ascii;
import io.github.iapverifier.internal.Es256;
import io.github.iapverifier.internal.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the assertions IAP signs onto each request (header {@code x-goog-iap-jwt-assertion})
 * and returns the identity they carry.
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
 * expire, so a repeat is answered without a second signature check, provided the key that
 * verified it is still published.
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
  private static final Set<String> FORBIDDEN_HEADERS =
      Set.of("crit", "jku", "jwk", "x5u", "x5c", "cty", "b64", "zip", "enc");
  // Year 9999: beyond it a NumericDate is nonsense and its millisecond value could overflow.
  private static final long MAX_SECONDS = 253_402_300_799L;

  private final List<IapAudience> audiences;
  private final Set<String> audienceValues;
  private final Set<String> allowedHostedDomains;
  private final Set<String> requiredAccessLevels;
  private final Clock clock;
  private final long skewMillis;
  private final IapKeySource keySource;
  private final AutoCloseable ownedKeySource;
  private final IapEventListener listener;
  private final Cache<TokenKey, Verified> cache;

  private IapVerifier(Builder b, IapKeySource keySource, AutoCloseable owned) {
    this.audiences = List.copyOf(b.audiences);
    Set<String> values = new LinkedHashSet<>();
    audiences.forEach(a -> values.add(a.value()));
    this.audienceValues = Set.copyOf(values);
    this.allowedHostedDomains = Set.copyOf(b.allowedHostedDomains);
    this.requiredAccessLevels = Set.copyOf(b.requiredAccessLevels);
    this.clock = b.clock;
    this.skewMillis = b.clockSkew.toMillis();
    this.keySource = keySource;
    this.ownedKeySource = owned;
    this.listener = b.listener;
    // A hit re-checks validUntilMillis against the clock itself, so Caffeine's expiry only frees
    // memory: a fixed bound past the longest a token can stay valid (LIFETIME_TOO_LONG caps
    // exp - iat, ISSUED_IN_FUTURE caps iat) serves that, and costs a hit ~90 ns less than a
    // per-entry Expiry (benchmarks/RESULTS.md).
    this.cache =
        b.tokenCacheSize == 0
            ? null
            : Caffeine.newBuilder()
                .maximumSize(b.tokenCacheSize)
                .expireAfterWrite(LIFETIME.plusMillis(4 * skewMillis))
                .build();
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
  public IapIdentity verify(String assertion) {
    IapIdentity identity;
    boolean fromCache;
    try {
      // Built once per call: looked up now, and stored under if the full check passes.
      TokenKey key =
          cache == null || assertion == null || assertion.length() > MAX_LENGTH
              ? null
              : new TokenKey(assertion);
      identity = key == null ? null : cached(key);
      fromCache = identity != null;
      if (identity == null) {
        identity = verifyFully(assertion, key);
      }
    } catch (IapVerificationException e) {
      notifyRejected(e);
      throw e;
    } catch (RuntimeException e) {
      // Fail closed on anything unforeseen, without echoing input-derived text.
      IapVerificationException failure =
          new IapVerificationException(
              Reason.MALFORMED,
              "the assertion could not be processed (" + e.getClass().getName() + ")",
              e);
      notifyRejected(failure);
      throw failure;
    }
    notifyVerified(identity, fromCache);
    return identity;
  }

  /**
   * Loads the signing keys now, when the key source supports it, so that the first request does
   * not wait for them. Adapters call this at start-up.
   *
   * @throws IapVerificationException with {@link Reason#KEYS_UNAVAILABLE} if no keys could be had
   */
  public void warmUp() {
    if (keySource instanceof RemoteKeySource) {
      ((RemoteKeySource) keySource).warmUp();
    }
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
      cache.invalidateAll();
    }
    if (ownedKeySource != null) {
      try {
        ownedKeySource.close();
      } catch (Exception e) {
        log.warn("Closing the IAP key source failed", e);
      }
    }
  }

  private IapIdentity cached(TokenKey key) {
    Verified hit = cache.getIfPresent(key);
    if (hit == null) {
      return null;
    }
    if (clock.millis() < hit.validUntilMillis && key(hit.key.keyId()) == hit.key) {
      return hit.identity;
    }
    // Expired or its key withdrawn: forget it and let the full check give the precise reason.
    cache.invalidate(key);
    return null;
  }

  /** The full check; {@code cacheKey} is where a success is remembered, null for no cache. */
  private IapIdentity verifyFully(String assertion, TokenKey cacheKey) {
    if (assertion == null || assertion.isBlank()) {
      throw fail(
          Reason.MISSING,
          "no IAP assertion: the request carries no " + HEADER + " header; requests must reach"
              + " the app through IAP");
    }
    int length = assertion.length();
    if (length > MAX_LENGTH) {
      throw fail(
          Reason.MALFORMED,
          "the assertion is " + length + " characters long; at most " + MAX_LENGTH + " accepted");
    }
    int firstDot = -1;
    int secondDot = -1;
    for (int i = 0; i < length; i++) {
      char c = assertion.charAt(i);
      if (c == '.') {
        if (firstDot < 0) {
          firstDot = i;
        } else if (secondDot < 0) {
          secondDot = i;
        } else {
          throw fail(Reason.MALFORMED, "the assertion has more than three segments");
        }
      } else if (!isBase64Url(c)) {
        throw fail(
            Reason.MALFORMED,
            "the assertion contains a character outside unpadded base64url at index " + i);
      }
    }
    if (secondDot < 0) {
      throw fail(Reason.MALFORMED, "the assertion is not a compact JWS of three segments");
    }
    // Latin-1 is exact here: every character was checked to be ASCII.
    byte[] ascii = assertion.getBytes(StandardCharsets.ISO_8859_1);
    Map<String, Object> header = json(ascii, 0, firstDot, "header");
    String keyId = checkHeader(header);
    Map<String, Object> claims = json(ascii, firstDot + 1, secondDot, "payload");
    Claims c = checkClaims(claims);

    IapSigningKey key = key(keyId);
    if (key == null) {
      throw fail(
          Reason.UNKNOWN_KEY,
          "kid '" + printable(keyId) + "' is not among IAP's published keys");
    }
    byte[] signature = decode(ascii, secondDot + 1, length);
    if (signature == null || signature.length != Es256.SIGNATURE_LENGTH) {
      throw fail(
          Reason.BAD_SIGNATURE,
          "the signature is not 64 bytes (raw r||s, as ES256 requires)");
    }
    if (!key.verify(ascii, secondDot, signature)) {
      throw fail(
          Reason.BAD_SIGNATURE,
          "the signature does not verify with IAP key '" + printable(keyId) + "'");
    }
    IapIdentity identity = identity(c, claims);
    checkPolicy(identity);
    if (cacheKey != null) {
      cache.put(cacheKey, new Verified(identity, key, c.expMillis + skewMillis));
    }
    return identity;
  }

  private IapSigningKey key(String keyId) {
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

  private static boolean isBase64Url(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }

  private static int base64UrlValue(byte c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '-' ? 62 : 63;
  }

  /** Decodes a segment already checked to be base64url, or null if it is not canonical. */
  private static byte[] decode(byte[] ascii, int from, int to) {
    int tail = (to - from) % 4;
    if (tail == 1) {
      return null;
    }
    // The JDK ignores the unused low bits of a last partial character; were they accepted, one
    // token would have several spellings (and several cache entries).
    if (tail != 0 && (base64UrlValue(ascii[to - 1]) & (tail == 2 ? 0x0f : 0x03)) != 0) {
      return null;
    }
    try {
      return Base64.getUrlDecoder().decode(Arrays.copyOfRange(ascii, from, to));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Map<String, Object> json(byte[] ascii, int from, int to, String part) {
    byte[] bytes = decode(ascii, from, to);
    Map<String, Object> map = bytes == null ? null : Json.parseObject(bytes);
    if (map == null) {
      throw fail(
          Reason.MALFORMED,
          "the assertion's " + part + " is not base64url-encoded JSON object with unique members");
    }
    return map;
  }

  private static String checkHeader(Map<String, Object> header) {
    Object alg = header.get("alg");
    if (!"ES256".equals(alg)) {
      throw fail(
          Reason.UNSUPPORTED_ALGORITHM,
          "alg "
              + (alg instanceof String ? "'" + printable((String) alg) + "'" : "is missing or not a string")
              + " is not accepted; IAP signs with ES256 only");
    }
    for (String name : header.keySet()) {
      if (FORBIDDEN_HEADERS.contains(name)) {
        throw fail(
            Reason.UNSUPPORTED_ALGORITHM,
            "header parameter '" + name + "' is not accepted in IAP assertions");
      }
    }
    Object typ = header.get("typ");
    if (typ != null && !(typ instanceof String && "JWT".equalsIgnoreCase((String) typ))) {
      throw fail(Reason.MALFORMED, "typ must be 'JWT' when present");
    }
    Object kid = header.get("kid");
    if (kid == null) {
      throw fail(Reason.UNKNOWN_KEY, "the assertion names no key (kid is missing)");
    }
    if (!(kid instanceof String) || ((String) kid).isEmpty()) {
      throw fail(Reason.MALFORMED, "kid must be a non-empty string");
    }
    return (String) kid;
  }

  /** The claims checked before the signature; times are in milliseconds. */
  private record Claims(
      String audience,
      long iatMillis,
      long expMillis,
      String subject,
      String email,
      List<String> accessLevels) {}

  private Claims checkClaims(Map<String, Object> claims) {
    Object iss = claims.get("iss");
    if (!ISSUER.equals(iss)) {
      throw fail(
          Reason.WRONG_ISSUER,
          (iss instanceof String ? "issuer '" + printable((String) iss) + "'" : "the issuer (iss)")
              + " is not "
              + ISSUER
              + "; only IAP's assertions are accepted");
    }
    String audience = matchAudience(claims.get("aud"));

    long now = clock.millis();
    long exp = seconds(claims, "exp");
    long iat = seconds(claims, "iat");
    if (exp * 1000 <= now - skewMillis) {
      throw fail(
          Reason.EXPIRED,
          "the assertion expired at "
              + Instant.ofEpochSecond(exp)
              + ", "
              + Duration.ofMillis(now - exp * 1000).toSeconds()
              + " s ago (clock skew allowed: "
              + skewMillis / 1000
              + " s); if this server's clock is wrong, fix its time synchronisation");
    }
    if (iat * 1000 > now + skewMillis) {
      throw fail(
          Reason.ISSUED_IN_FUTURE,
          "the assertion is issued at "
              + Instant.ofEpochSecond(iat)
              + ", "
              + Duration.ofMillis(iat * 1000 - now).toSeconds()
              + " s in the future (clock skew allowed: "
              + skewMillis / 1000
              + " s); if this server's clock is wrong, fix its time synchronisation");
    }
    if (claims.get("nbf") != null) {
      long nbf = seconds(claims, "nbf");
      if (nbf * 1000 > now + skewMillis) {
        throw fail(
            Reason.ISSUED_IN_FUTURE,
            "the assertion is not valid before " + Instant.ofEpochSecond(nbf));
      }
    }
    if (exp <= iat) {
      throw fail(Reason.MALFORMED, "exp must be after iat");
    }
    if ((exp - iat) * 1000 > LIFETIME.toMillis() + 2 * skewMillis) {
      throw fail(
          Reason.LIFETIME_TOO_LONG,
          "the assertion is valid for "
              + (exp - iat)
              + " s; IAP issues them for "
              + LIFETIME.toSeconds()
              + " s");
    }
    String subject = requiredString(claims, "sub");
    String email = requiredString(claims, "email");
    optionalString(claims, "hd");
    optionalString(claims, "identity_source");
    List<String> accessLevels = accessLevels(claims);
    Object gcip = claims.get("gcip");
    if (gcip != null && !(gcip instanceof Map)) {
      throw fail(Reason.MALFORMED, "claim 'gcip' must be an object");
    }
    return new Claims(audience, iat * 1000, exp * 1000, subject, email, accessLevels);
  }

  private String matchAudience(Object aud) {
    if (aud instanceof String) {
      if (audienceValues.contains(aud)) {
        return (String) aud;
      }
    } else if (aud instanceof List) {
      for (Object item : (List<?>) aud) {
        if (!(item instanceof String)) {
          throw fail(Reason.MALFORMED, "claim 'aud' must be a string or an array of strings");
        }
      }
      for (Object item : (List<?>) aud) {
        if (audienceValues.contains(item)) {
          return (String) item;
        }
      }
    } else if (aud != null) {
      throw fail(Reason.MALFORMED, "claim 'aud' must be a string or an array of strings");
    }
    throw fail(
        Reason.WRONG_AUDIENCE,
        (aud == null
                ? "the assertion has no audience (aud); accepted: "
                : "audience " + describe(aud) + " is not one of ")
            + audienceValues
            + "; the assertion was minted for another IAP-protected resource, or this app's"
            + " audiences (iap.audiences) are set wrong: use the value the IAP console shows for"
            + " this resource");
  }

  private static String describe(Object aud) {
    if (aud instanceof String) {
      return "'" + printable((String) aud) + "'";
    }
    List<?> list = (List<?>) aud;
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < list.size() && i < 5; i++) {
      shown.add(printable((String) list.get(i)));
    }
    return shown + (list.size() > 5 ? " (and " + (list.size() - 5) + " more)" : "");
  }

  private static long seconds(Map<String, Object> claims, String name) {
    Object value = claims.get(name);
    if (value == null) {
      throw fail(Reason.MISSING_CLAIM, "claim '" + name + "' is missing; IAP always sets it");
    }
    if (!(value instanceof Number)) {
      throw fail(Reason.MALFORMED, "claim '" + name + "' must be a number of seconds");
    }
    double seconds = ((Number) value).doubleValue();
    if (!(seconds >= 0 && seconds <= MAX_SECONDS)) {
      throw fail(Reason.MALFORMED, "claim '" + name + "' is out of range");
    }
    return ((Number) value).longValue();
  }

  private static String requiredString(Map<String, Object> claims, String name) {
    String value = optionalString(claims, name);
    if (value == null || value.isEmpty()) {
      throw fail(Reason.MISSING_CLAIM, "claim '" + name + "' is missing; IAP always sets it");
    }
    return value;
  }

  private static String optionalString(Map<String, Object> claims, String name) {
    Object value = claims.get(name);
    if (value != null && !(value instanceof String)) {
      throw fail(Reason.MALFORMED, "claim '" + name + "' must be a string");
    }
    return (String) value;
  }

  @SuppressWarnings("unchecked")
  private static List<String> accessLevels(Map<String, Object> claims) {
    Object google = claims.get("google");
    if (google == null) {
      return List.of();
    }
    if (!(google instanceof Map)) {
      throw fail(Reason.MALFORMED, "claim 'google' must be an object");
    }
    Object levels = ((Map<String, Object>) google).get("access_levels");
    if (levels == null) {
      return List.of();
    }
    if (!(levels instanceof List)) {
      throw fail(Reason.MALFORMED, "claim 'google.access_levels' must be an array of strings");
    }
    for (Object level : (List<?>) levels) {
      if (!(level instanceof String)) {
        throw fail(Reason.MALFORMED, "claim 'google.access_levels' must be an array of strings");
      }
    }
    return (List<String>) levels;
  }

  @SuppressWarnings("unchecked")
  private static IapIdentity identity(Claims c, Map<String, Object> claims) {
    Map<String, Object> gcip = (Map<String, Object>) claims.get("gcip");
    IapIdentity.Source source =
        source((String) claims.get("identity_source"), gcip != null, c.subject);
    Optional<IapIdentity.IdentityPlatform> platform = Optional.empty();
    if (gcip != null) {
      Object firebase = gcip.get("firebase");
      Map<String, Object> fb = firebase instanceof Map ? (Map<String, Object>) firebase : Map.of();
      platform =
          Optional.of(
              new IapIdentity.IdentityPlatform(
                  text(gcip.get("email")),
                  Boolean.TRUE.equals(gcip.get("email_verified")),
                  text(gcip.get("name")),
                  text(fb.get("tenant")),
                  text(fb.get("sign_in_provider")),
                  gcip));
    }
    return new IapIdentity(
        c.email,
        c.subject,
        Optional.ofNullable((String) claims.get("hd")),
        c.accessLevels,
        Instant.ofEpochMilli(c.iatMillis),
        Instant.ofEpochMilli(c.expMillis),
        c.audience,
        source,
        platform,
        claims);
  }

  /** The rule of {@link IapIdentity.Source}: Google only when nothing says otherwise. */
  static IapIdentity.Source source(String claim, boolean hasGcip, String subject) {
    if ("GCIP".equals(claim) || hasGcip) {
      return IapIdentity.Source.GCIP;
    }
    if ("GOOGLE".equals(claim)
        || (claim == null && subject.startsWith("accounts.google.com:"))) {
      return IapIdentity.Source.GOOGLE;
    }
    return IapIdentity.Source.OTHER;
  }

  private static Optional<String> text(Object value) {
    return value instanceof String && !((String) value).isEmpty()
        ? Optional.of((String) value)
        : Optional.empty();
  }

  private void checkPolicy(IapIdentity identity) {
    if (!allowedHostedDomains.isEmpty()) {
      // ASCII case only: Unicode lowercasing maps the Kelvin sign to 'k', and a domain that is
      // not ASCII never names the (punycode) domain that was configured.
      String hd = identity.hostedDomain().map(Ascii::toLowerCase).orElse(null);
      if (hd == null || !allowedHostedDomains.contains(hd)) {
        throw fail(
            Reason.POLICY_DENIED,
            (hd == null
                    ? "the account has no hosted domain (not a Google Workspace account)"
                    : "hosted domain '" + printable(hd) + "' is not allowed")
                + "; allowed: "
                + allowedHostedDomains);
      }
    }
    if (!requiredAccessLevels.isEmpty()
        && !identity.accessLevels().containsAll(requiredAccessLevels)) {
      List<String> missing = new ArrayList<>(requiredAccessLevels);
      missing.removeAll(identity.accessLevels());
      throw fail(
          Reason.POLICY_DENIED,
          "the request does not satisfy the required access levels " + missing);
    }
  }

  private static IapVerificationException fail(Reason reason, String message) {
    return new IapVerificationException(reason, message);
  }

  private void notifyVerified(IapIdentity identity, boolean fromCache) {
    try {
      listener.verified(identity, fromCache);
    } catch (RuntimeException e) {
      log.warn("IapEventListener.verified threw; ignored", e);
    }
  }

  private void notifyRejected(IapVerificationException failure) {
    try {
      listener.rejected(failure);
    } catch (RuntimeException e) {
      log.warn("IapEventListener.rejected threw; ignored", e);
    }
  }

  /**
   * Cache key: hashes only the token's tail (signature characters, random for a genuine token)
   * because hashing ~800 characters costs more than the rest of a cache hit, but compares the
   * whole string, so a match is never accepted on the hash alone. 16 characters carry 96 random
   * bits, more than a 32-bit hash can use; each character more adds a dependent multiply (~1 ns).
   * Only verified tokens are ever inserted, and their signatures cannot be chosen, so colliding
   * tails cannot be planted to make buckets long.
   */
  static final class TokenKey {
    private static final int HASHED_TAIL = 16;
    final String token;
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
    public boolean equals(Object other) {
      return other instanceof TokenKey
          && ((TokenKey) other).hash == hash
          && ((TokenKey) other).token.equals(token);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  private record Verified(IapIdentity identity, IapSigningKey key, long validUntilMillis) {}

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
    private IapKeySource keySource;
    private URI jwksUri;
    private long tokenCacheSize = DEFAULT_TOKEN_CACHE_SIZE;
    private IapEventListener listener = IapEventListener.NONE;
    private RemoteKeySource.Builder remote;

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
     * ASCII-case-insensitively; a non-ASCII {@code hd} never matches); others are rejected with {@link Reason#POLICY_DENIED}. Default: any.
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
      for (String d : Objects.requireNonNull(domains, "domains")) {
        Objects.requireNonNull(d, "domains must not contain null");
        if (d.isBlank() || d.contains("@") || !Ascii.isAscii(d)) {
          throw new IllegalArgumentException(
              "allowed hosted domain '"
                  + printable(d)
                  + "' must be an ASCII domain such as example.com (punycode for"
                  + " internationalised names: xn--...)");
        }
        allowedHostedDomains.add(Ascii.toLowerCase(d.strip()));
      }
      return this;
    }

    /**
     * Accepts only requests for which IAP reports all of these access levels ({@code
     * google.access_levels}); others are rejected with {@link Reason#POLICY_DENIED}. Default:
     * none required.
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
      for (String l : Objects.requireNonNull(levels, "levels")) {
        Objects.requireNonNull(l, "levels must not contain null");
        if (!l.matches("accessPolicies/[0-9]+/accessLevels/[A-Za-z0-9_]+")) {
          throw new IllegalArgumentException(
              "access level '"
                  + printable(l)
                  + "' must be a full name such as accessPolicies/123/accessLevels/corp_devices");
        }
        requiredAccessLevels.add(l);
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
     * Sets the tolerance between this server's clock and IAP's, applied to {@code exp}, {@code
     * iat} and {@code nbf}. Default 30 seconds, as Google documents; at most 5 minutes.
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
     * Fetches keys from this URI instead of {@value RemoteKeySource#DEFAULT_JWKS_URI} (a mirror,
     * a local emulator). Ignored when {@link #keySource} is set; setting both fails.
     *
     * @param jwksUri an absolute http or https URI of a JWKS document, without user-info, not
     *     null; plain http to a host other than loopback is logged as a warning at build
     * @return this builder
     * @throws IllegalArgumentException if the URI is not such a URI
     */
    public Builder jwksUri(URI jwksUri) {
      this.jwksUri = RemoteKeySource.checkJwksUri(jwksUri);
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
        throw new IllegalArgumentException("tokenCacheSize must be 0 (off) or positive, got " + maxSize);
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
