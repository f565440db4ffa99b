package io.github.iapverifier.internal.checks;

import static io.github.iapverifier.internal.checks.HeaderCheck.fail;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.checks.TimeCheck.Validity;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The claims of an IAP assertion that passed the issuer, audience and time checks, typed: every
 * claim an identity is built from has been checked to be of the type IAP writes, before the
 * signature check, so that garbage is rejected cheaply. Immutable.
 *
 * @param audience the configured audience that {@code aud} named
 * @param validity {@code iat} and {@code exp}
 * @param subject {@code sub}, non-empty
 * @param email {@code email}, non-empty
 * @param hostedDomain {@code hd}, or null
 * @param identitySource {@code identity_source}, or null
 * @param accessLevels {@code google.access_levels}, empty when absent
 * @param gcip the {@code gcip} object, or null
 * @param all every claim, as parsed
 */
public record IapClaims(
    String audience,
    Validity validity,
    String subject,
    String email,
    @Nullable String hostedDomain,
    @Nullable String identitySource,
    List<String> accessLevels,
    @Nullable Map<String, Object> gcip,
    Map<String, Object> all) {

  /**
   * Reads and type-checks the identity claims.
   *
   * @param claims the payload, not null
   * @param audience the matched audience
   * @param validity the checked times
   * @return the typed claims
   * @throws IapVerificationException {@link Reason#MISSING_CLAIM} or {@link Reason#MALFORMED}
   */
  @SuppressWarnings("unchecked")
  public static IapClaims read(Map<String, Object> claims, String audience, Validity validity) {
    String subject = requiredString(claims, "sub");
    String email = requiredString(claims, "email");
    String hd = optionalString(claims, "hd");
    String source = optionalString(claims, "identity_source");
    List<String> accessLevels = accessLevels(claims);
    Object gcip = claims.get("gcip");
    if (gcip != null && !(gcip instanceof Map)) {
      throw fail(Reason.MALFORMED, "claim 'gcip' must be an object");
    }
    return new IapClaims(
        audience,
        validity,
        subject,
        email,
        hd,
        source,
        accessLevels,
        (Map<String, Object>) gcip,
        claims);
  }

  private static String requiredString(Map<String, Object> claims, String name) {
    return Claims.required(claims, name, "IAP");
  }

  private static @Nullable String optionalString(Map<String, Object> claims, String name) {
    return Claims.optional(claims, name);
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
    return Claims.strings((Map<String, Object>) google, "access_levels", "google.access_levels");
  }
}
