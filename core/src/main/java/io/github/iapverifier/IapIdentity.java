package io.github.iapverifier;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The identity IAP vouches for, read from an assertion that passed every check.
 *
 * <p>{@link #email()} and {@link #subject()} are the claims exactly as IAP wrote them. For Google
 * accounts the email has no prefix and the subject is {@code accounts.google.com:DIGITS}. For
 * Identity Platform users both carry a {@code securetoken.google.com/PROJECT:} prefix; the prefix
 * is deliberately kept so that an external identity can never be mistaken for the Google account
 * with the same address. The bare address is in {@link IdentityPlatform#email()}.
 *
 * <p>Immutable and thread-safe; lists and maps, including the nested values of {@link
 * #claims()}, are unmodifiable.
 *
 * @param email the {@code email} claim, never null
 * @param subject the {@code sub} claim, never null
 * @param hostedDomain the {@code hd} claim (the Google Workspace domain), empty for consumer
 *     accounts
 * @param accessLevels the {@code google.access_levels} claim, {@code
 *     accessPolicies/N/accessLevels/NAME} each, empty when none, never null
 * @param issuedAt the {@code iat} claim, never null; {@link Instant#EPOCH} for AWS ALB, whose
 *     assertions carry no {@code iat} (no time is invented for them)
 * @param expiresAt the {@code exp} claim, never null
 * @param audience the {@code aud} value that matched a configured audience (for AWS ALB, which has
 *     none, the signer ARN that matched), never null
 * @param source where the identity comes from, never null
 * @param identityPlatform details of an Identity Platform user, empty for Google identities
 * @param claims every claim of the assertion, including unknown ones, never null
 * @param proxy the proxy that signed the assertion, never null
 * @param groups the groups the proxy says the user belongs to, as the proxy names them (ids or
 *     names), empty when it sends none (Google IAP never does), never null
 */
public record IapIdentity(
    String email,
    String subject,
    Optional<String> hostedDomain,
    List<String> accessLevels,
    Instant issuedAt,
    Instant expiresAt,
    String audience,
    Source source,
    Optional<IdentityPlatform> identityPlatform,
    Map<String, Object> claims,
    IapProxy proxy,
    List<String> groups) {

  /**
   * The identity system that authenticated the user, from the {@code identity_source} claim.
   *
   * <p>{@link #GOOGLE} only when the claim is {@code "GOOGLE"}, or when it is absent, there is no
   * {@code gcip} object and the subject starts with {@code accounts.google.com:}; {@link #GCIP}
   * when the claim is {@code "GCIP"} or a {@code gcip} object is present; {@link #OTHER} for
   * anything else. Decisions that trust a Google account (email or domain grants) must check for
   * {@link #GOOGLE}.
   */
  public enum Source {
    /** A Google account (consumer or Workspace). */
    GOOGLE,
    /** An external identity through Google Cloud Identity Platform. */
    GCIP,
    /**
     * Any other identity system, for example Workforce Identity Federation, or a value this
     * library does not know; the raw value stays readable as {@code
     * claims().get("identity_source")}.
     */
    OTHER
  }

  /**
   * Details of an Identity Platform (external identity) user, from the {@code gcip} claim.
   *
   * @param email the user's address without prefix, if the provider gave one
   * @param emailVerified whether the provider verified the address; false when unknown
   * @param displayName the {@code name} the provider gave, if any
   * @param tenantId the Identity Platform tenant, if multi-tenancy is used
   * @param signInProvider the provider, for example {@code password} or {@code saml.corp}, if known
   * @param claims the whole {@code gcip} object, never null, unmodifiable
   */
  public record IdentityPlatform(
      Optional<String> email,
      boolean emailVerified,
      Optional<String> displayName,
      Optional<String> tenantId,
      Optional<String> signInProvider,
      Map<String, Object> claims) {

    /** Checks nullness and makes the claims unmodifiable. */
    public IdentityPlatform {
      Objects.requireNonNull(email, "email");
      Objects.requireNonNull(displayName, "displayName");
      Objects.requireNonNull(tenantId, "tenantId");
      Objects.requireNonNull(signInProvider, "signInProvider");
      claims = deepUnmodifiable(Objects.requireNonNull(claims, "claims"));
    }
  }

  /** Checks nullness and makes collections unmodifiable. */
  public IapIdentity {
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(hostedDomain, "hostedDomain");
    accessLevels = List.copyOf(Objects.requireNonNull(accessLevels, "accessLevels"));
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(identityPlatform, "identityPlatform");
    claims = deepUnmodifiable(Objects.requireNonNull(claims, "claims"));
    Objects.requireNonNull(proxy, "proxy");
    groups = List.copyOf(Objects.requireNonNull(groups, "groups"));
  }

  /**
   * An identity vouched for by Google IAP, which sends no groups: the form this record had before
   * other proxies were supported.
   *
   * @param email see {@link #email()}
   * @param subject see {@link #subject()}
   * @param hostedDomain see {@link #hostedDomain()}
   * @param accessLevels see {@link #accessLevels()}
   * @param issuedAt see {@link #issuedAt()}
   * @param expiresAt see {@link #expiresAt()}
   * @param audience see {@link #audience()}
   * @param source see {@link #source()}
   * @param identityPlatform see {@link #identityPlatform()}
   * @param claims see {@link #claims()}
   */
  public IapIdentity(
      String email,
      String subject,
      Optional<String> hostedDomain,
      List<String> accessLevels,
      Instant issuedAt,
      Instant expiresAt,
      String audience,
      Source source,
      Optional<IdentityPlatform> identityPlatform,
      Map<String, Object> claims) {
    this(
        email,
        subject,
        hostedDomain,
        accessLevels,
        issuedAt,
        expiresAt,
        audience,
        source,
        identityPlatform,
        claims,
        IapProxy.GOOGLE_IAP,
        List.of());
  }

  /**
   * Tells whether the identity holds an access level.
   *
   * @param accessLevel the full name {@code accessPolicies/N/accessLevels/NAME}, not null
   * @return true when IAP reported the level as satisfied for this request
   */
  public boolean hasAccessLevel(String accessLevel) {
    return accessLevels.contains(Objects.requireNonNull(accessLevel, "accessLevel"));
  }

  /** Omits the raw claims, which may carry personal data that has no place in logs. */
  @Override
  public String toString() {
    return "IapIdentity[email="
        + email
        + ", subject="
        + subject
        + ", hostedDomain="
        + hostedDomain.orElse("-")
        + ", source="
        + source
        + ", proxy="
        + proxy
        + ", expiresAt="
        + expiresAt
        + "]";
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> deepUnmodifiable(Map<String, ?> map) {
    if (map.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> copy = new LinkedHashMap<>(map.size() * 2);
    for (Map.Entry<String, ?> e : map.entrySet()) {
      copy.put(e.getKey(), deepValue(e.getValue()));
    }
    return Collections.unmodifiableMap(copy);
  }

  @SuppressWarnings("unchecked")
  private static Object deepValue(Object value) {
    if (value instanceof Map) {
      return deepUnmodifiable((Map<String, ?>) value);
    }
    if (value instanceof List) {
      List<Object> list = new ArrayList<>(((List<?>) value).size());
      for (Object item : (List<?>) value) {
        list.add(deepValue(item));
      }
      return Collections.unmodifiableList(list);
    }
    return value;
  }
}
