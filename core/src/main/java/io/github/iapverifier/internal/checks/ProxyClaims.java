package io.github.iapverifier.internal.checks;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapIdentity.Source;
import io.github.iapverifier.IapProxy;
import io.github.iapverifier.internal.checks.TimeCheck.Validity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The identity claims of a proxy other than Google IAP, read and type-checked before the signature
 * check. Immutable.
 *
 * @param proxy the proxy that signed them
 * @param audience the configured audience that {@code aud} named
 * @param validity the checked times
 * @param subject who, as the proxy identifies them; never a value the client chose
 * @param email the email, or the name the proxy gives a non-person (a Cloudflare service token)
 * @param groups the groups, empty when the proxy sends none
 * @param all every claim, as parsed
 */
public record ProxyClaims(
    IapProxy proxy,
    String audience,
    Validity validity,
    String subject,
    String email,
    List<String> groups,
    Map<String, Object> all) {

  /**
   * Builds the identity of claims whose signature verified: source {@link Source#OTHER}, no hosted
   * domain, access levels or Identity Platform details.
   *
   * @return the identity
   */
  public IapIdentity identity() {
    return new IapIdentity(
        email,
        subject,
        Optional.empty(),
        List.of(),
        validity.issuedAtMillis() == Validity.NO_ISSUED_AT
            ? Instant.EPOCH
            : Instant.ofEpochMilli(validity.issuedAtMillis()),
        Instant.ofEpochMilli(validity.expiresAtMillis()),
        audience,
        Source.OTHER,
        Optional.empty(),
        all,
        proxy,
        groups);
  }
}
