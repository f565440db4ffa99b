package io.github.iapverifier.internal.verify;

import io.github.iapverifier.IapProxy;
import io.github.iapverifier.internal.checks.AudienceCheck;
import io.github.iapverifier.internal.checks.Claims;
import io.github.iapverifier.internal.checks.HeaderCheck;
import io.github.iapverifier.internal.checks.IssuerCheck;
import io.github.iapverifier.internal.checks.ProxyClaims;
import io.github.iapverifier.internal.checks.TimeCheck;
import io.github.iapverifier.internal.checks.TimeCheck.Validity;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Pomerium's rules (pomerium.com "JWT Verification", "JWT Issuer Format"; the authorize service's
 * headers evaluator): the configured algorithm (ES256, or RS256 for an RSA signing key), never the
 * token's choice; {@code iss} the route's host, or {@code https://host/} with {@code
 * jwt_issuer_format: uri}; {@code aud} the route's host; {@code iat} and a five-minute {@code exp};
 * {@code sub} the user id, {@code email}, {@code groups} (group ids, then group names), {@code
 * name}, {@code sid}, {@code jti}.
 */
public final class PomeriumRules {

  /** Pomerium signs each assertion for five minutes from {@code iat}. */
  public static final Duration LIFETIME = Duration.ofMinutes(5);

  private static final String NAME = "Pomerium";

  private PomeriumRules() {}

  /**
   * Reads a configured route host.
   *
   * @param routeHost {@code app.example.com}, or {@code https://app.example.com/}
   * @return the host, lowercased
   */
  public static String host(String routeHost) {
    return Hosts.host(routeHost, "routeHost", "app.example.com");
  }

  /**
   * Drops the port of a route host: Pomerium names the host without it in {@code iss} and {@code
   * aud}.
   *
   * @param host as {@link #host} returns it
   * @return the host name
   */
  public static String hostName(String host) {
    int colon = host.indexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }

  /**
   * Creates the rules.
   *
   * @param host the route's host, as {@link #host} returns it (a port is dropped: Pomerium names
   *     the host without it)
   * @param algorithm {@code ES256} or {@code RS256}
   * @param clock the clock
   * @param skew the clock skew
   * @param maxLength the longest assertion accepted
   * @return the rules
   */
  public static ProxyRules<ProxyClaims> of(
      String host, String algorithm, Clock clock, Duration skew, int maxLength) {
    String name = hostName(host);
    HeaderCheck header = new HeaderCheck(algorithm, NAME);
    // Both spellings Pomerium emits: hostOnly (the default) and uri.
    IssuerCheck issuer = new IssuerCheck(Set.of(name, "https://" + name + "/"), NAME);
    AudienceCheck audience =
        new AudienceCheck(
            Set.of(name),
            "; the assertion is for another Pomerium route, or this app's routeHost is set wrong:"
                + " use the host of the route's 'from' URL");
    TimeCheck times = new TimeCheck(clock, skew, LIFETIME, true, NAME);
    return new ProxyRules<>(
        IapProxy.POMERIUM,
        NAME,
        algorithm,
        false,
        maxLength,
        header::keyId,
        (h, p) -> issuer.check(p),
        (h, p) -> audience.match(p.get("aud")),
        (h, p) -> times.check(p),
        (h, p, aud, validity) -> claims(p, aud, validity),
        ProxyClaims::identity,
        ProxyRules.NO_POLICY,
        LIFETIME);
  }

  private static ProxyClaims claims(Map<String, Object> p, String audience, Validity validity) {
    String sub = Claims.required(p, "sub", NAME);
    String email = Claims.required(p, "email", NAME + " (for users with an email)");
    Claims.optional(p, "name");
    Claims.optional(p, "sid");
    Claims.optional(p, "jti");
    return new ProxyClaims(
        IapProxy.POMERIUM,
        audience,
        validity,
        sub,
        email,
        Claims.strings(p, "groups", "groups"),
        p);
  }
}
