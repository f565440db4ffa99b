package io.github.iapverifier.internal.verify;

import io.github.iapverifier.IapProxy;
import io.github.iapverifier.internal.checks.AudienceCheck;
import io.github.iapverifier.internal.checks.HeaderCheck;
import io.github.iapverifier.internal.checks.IapClaims;
import io.github.iapverifier.internal.checks.Identities;
import io.github.iapverifier.internal.checks.IssuerCheck;
import io.github.iapverifier.internal.checks.PolicyCheck;
import io.github.iapverifier.internal.checks.TimeCheck;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * Google Cloud IAP's rules: ES256, issuer {@value #ISSUER}, an audience of the app's resource,
 * ten-minute tokens with {@code iat}, the Google identity claims, the hosted-domain and
 * access-level policy.
 */
public final class GoogleIapRules {

  /** The only issuer IAP uses. */
  public static final String ISSUER = "https://cloud.google.com/iap";

  /** IAP's assertion lifetime ({@code exp - iat}). */
  public static final Duration LIFETIME = Duration.ofMinutes(10);

  private static final HeaderCheck HEADER = new HeaderCheck("ES256", "IAP");
  private static final IssuerCheck ISSUER_CHECK = new IssuerCheck(ISSUER, "IAP");
  private static final String AUDIENCE_ADVICE =
      "; the assertion was minted for another IAP-protected resource, or this app's"
          + " audiences (iap.audiences) are set wrong: use the value the IAP console shows"
          + " for this resource";

  private GoogleIapRules() {}

  /**
   * Creates the rules.
   *
   * @param audiences the accepted audience values, not empty
   * @param clock the clock
   * @param skew the clock skew
   * @param policy the policy
   * @param maxLength the longest assertion accepted
   * @return the rules
   */
  public static ProxyRules<IapClaims> of(
      Set<String> audiences, Clock clock, Duration skew, PolicyCheck policy, int maxLength) {
    AudienceCheck audience = new AudienceCheck(Set.copyOf(audiences), AUDIENCE_ADVICE);
    TimeCheck times = new TimeCheck(clock, skew, LIFETIME);
    return new ProxyRules<>(
        IapProxy.GOOGLE_IAP,
        "IAP",
        "ES256",
        false,
        maxLength,
        HEADER::keyId,
        (h, p) -> ISSUER_CHECK.check(p),
        (h, p) -> audience.match(p.get("aud")),
        (h, p) -> times.check(p),
        (h, p, aud, validity) -> IapClaims.read(p, aud, validity),
        Identities::of,
        policy::check,
        LIFETIME);
  }
}
