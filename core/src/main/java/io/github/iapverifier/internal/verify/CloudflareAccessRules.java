package io.github.iapverifier.internal.verify;

import static io.github.iapverifier.internal.Text.printable;

import io.github.iapverifier.IapProxy;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.checks.AudienceCheck;
import io.github.iapverifier.internal.checks.Claims;
import io.github.iapverifier.internal.checks.HeaderCheck;
import io.github.iapverifier.internal.checks.IssuerCheck;
import io.github.iapverifier.internal.checks.ProxyClaims;
import io.github.iapverifier.internal.checks.TimeCheck;
import io.github.iapverifier.internal.checks.TimeCheck.Validity;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cloudflare Access's rules (developers.cloudflare.com, "Application token" and "Validate JWTs"):
 * RS256 signed by the team's keys; {@code iss} the team domain URL; {@code aud} (an array, or a
 * string) naming one of the application's AUD tags; {@code exp}, {@code iat} and {@code nbf} with
 * the skew; no fixed lifetime, since it is the application's session duration (up to a month);
 * {@code type}, when present, {@code app} (an {@code org} token is the global session's, never an
 * application's).
 *
 * <p>Identity: a user's token carries {@code sub} (the user's id, unique per email and account) and
 * {@code email}. A service token's carries an empty {@code sub} and {@code common_name}, the
 * service token's Client ID: its subject is {@value #SERVICE_TOKEN_PREFIX} + Client ID, and its
 * email the Client ID (no {@code @}, so never a person's address), so that no service token can be
 * taken for a user. {@code groups}, an IdP claim Access can pass on, becomes the groups.
 */
public final class CloudflareAccessRules {

  /** Prefix of a service token's subject, which no user's {@code sub} (a UUID) has. */
  public static final String SERVICE_TOKEN_PREFIX = "service-token:";

  /**
   * The longest {@code exp - iat}: the longest application session duration Access offers is one
   * month; anything longer is not Access's.
   */
  public static final Duration MAX_LIFETIME = Duration.ofDays(31);

  private static final String NAME = "Cloudflare Access";
  private static final HeaderCheck HEADER = new HeaderCheck("RS256", NAME);

  private CloudflareAccessRules() {}

  /**
   * Reads a configured team domain.
   *
   * @param teamDomain {@code acme.cloudflareaccess.com}, or with {@code https://} and a trailing
   *     slash
   * @return the issuer: {@code https://} and the host, no trailing slash
   */
  public static String issuer(String teamDomain) {
    return "https://" + Hosts.host(teamDomain, "teamDomain", "acme.cloudflareaccess.com");
  }

  /**
   * Creates the rules.
   *
   * @param issuer the team domain URL, as {@link #issuer} returns it
   * @param audiences the application's AUD tags, not empty
   * @param clock the clock
   * @param skew the clock skew
   * @param maxLength the longest assertion accepted
   * @return the rules
   */
  public static ProxyRules<ProxyClaims> of(
      String issuer, Set<String> audiences, Clock clock, Duration skew, int maxLength) {
    IssuerCheck issuerCheck = new IssuerCheck(issuer, NAME);
    AudienceCheck audience =
        new AudienceCheck(
            Set.copyOf(audiences),
            "; the assertion is for another Access application, or this app's AUD tags are set"
                + " wrong: copy the Application Audience (AUD) Tag from the application's"
                + " overview in Zero Trust");
    TimeCheck times = new TimeCheck(clock, skew, MAX_LIFETIME, true, NAME);
    return new ProxyRules<>(
        IapProxy.CLOUDFLARE_ACCESS,
        NAME,
        "RS256",
        false,
        maxLength,
        HEADER::keyId,
        (h, p) -> issuerCheck.check(p),
        (h, p) -> audience.match(p.get("aud")),
        (h, p) -> times.check(p),
        CloudflareAccessRules::claims,
        ProxyClaims::identity,
        ProxyRules.NO_POLICY,
        MAX_LIFETIME);
  }

  private static ProxyClaims claims(
      Map<String, Object> header, Map<String, Object> p, String audience, Validity validity) {
    String type = Claims.optional(p, "type");
    if (type != null && !"app".equals(type)) {
      throw new IapVerificationException(
          Reason.WRONG_AUDIENCE,
          "the assertion is of type '"
              + printable(type)
              + "', not an application token ('app'); only application tokens are accepted");
    }
    String sub = Claims.optional(p, "sub");
    List<String> groups = Claims.strings(p, "groups", "groups");
    if (sub == null || sub.isEmpty()) {
      String clientId = Claims.required(p, "common_name", NAME + " (for service tokens)");
      return new ProxyClaims(
          IapProxy.CLOUDFLARE_ACCESS,
          audience,
          validity,
          SERVICE_TOKEN_PREFIX + clientId,
          clientId,
          groups,
          p);
    }
    String email = Claims.required(p, "email", NAME + " (for users)");
    return new ProxyClaims(IapProxy.CLOUDFLARE_ACCESS, audience, validity, sub, email, groups, p);
  }
}
