package io.github.iapverifier.internal.verify;

import io.github.iapverifier.IapProxy;
import io.github.iapverifier.internal.checks.AlbClaims;
import io.github.iapverifier.internal.checks.AlbHeaderCheck;
import io.github.iapverifier.internal.checks.ProxyClaims;
import io.github.iapverifier.internal.checks.TimeCheck;
import java.time.Clock;
import java.time.Duration;

/**
 * AWS Application Load Balancer's rules: ES256; segments padded base64url, signed as received;
 * signer (and client, issuer when configured) and {@code exp} in the JOSE header, checked before
 * any key is fetched; no {@code iat} and no fixed lifetime; the identity provider's userinfo as the
 * payload; an unverified email refused after the signature check.
 */
public final class AwsAlbRules {

  /**
   * The longest assertion accepted: ALB refuses user claims and access token over 11 KB together,
   * so the claims alone stay under ~15,000 base64 characters.
   */
  public static final int MAX_LENGTH = 16 * 1024;

  // ALB tokens have no fixed lifetime; a cache hit re-checks exp, this only bounds residency.
  private static final Duration LONGEST_VALIDITY = Duration.ofHours(24);

  private AwsAlbRules() {}

  /**
   * Creates the rules.
   *
   * @param header the signer, client and issuer checks
   * @param clock the clock
   * @param skew the clock skew, applied to the header's {@code exp}
   * @return the rules; the audience they report is the signer ARN
   */
  public static ProxyRules<ProxyClaims> of(AlbHeaderCheck header, Clock clock, Duration skew) {
    TimeCheck times = new TimeCheck(clock, skew, null, false, "AWS ALB");
    return new ProxyRules<>(
        IapProxy.AWS_ALB,
        "AWS ALB",
        "ES256",
        true,
        MAX_LENGTH,
        header::keyId,
        (h, p) -> header.issuer(h),
        (h, p) -> (String) h.get("signer"),
        (h, p) -> times.check(h),
        (h, p, signer, validity) -> AlbClaims.read(h, p, validity),
        ProxyClaims::identity,
        AlbClaims::requireVerifiedEmail,
        LONGEST_VALIDITY);
  }
}
