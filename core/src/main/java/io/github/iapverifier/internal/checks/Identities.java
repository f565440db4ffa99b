package io.github.iapverifier.internal.checks;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapIdentity.IdentityPlatform;
import io.github.iapverifier.IapIdentity.Source;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Builds the {@link IapIdentity} of verified claims. Stateless. */
public final class Identities {

  private Identities() {}

  /**
   * Builds the identity.
   *
   * @param c claims whose signature has been verified
   * @return the identity
   */
  @SuppressWarnings("unchecked")
  public static IapIdentity of(IapClaims c) {
    Map<String, Object> gcip = c.gcip();
    Optional<IdentityPlatform> platform = Optional.empty();
    if (gcip != null) {
      Object firebase = gcip.get("firebase");
      Map<String, Object> fb = firebase instanceof Map ? (Map<String, Object>) firebase : Map.of();
      platform =
          Optional.of(
              new IdentityPlatform(
                  text(gcip.get("email")),
                  Boolean.TRUE.equals(gcip.get("email_verified")),
                  text(gcip.get("name")),
                  text(fb.get("tenant")),
                  text(fb.get("sign_in_provider")),
                  gcip));
    }
    return new IapIdentity(
        c.email(),
        c.subject(),
        Optional.ofNullable(c.hostedDomain()),
        c.accessLevels(),
        Instant.ofEpochMilli(c.validity().issuedAtMillis()),
        Instant.ofEpochMilli(c.validity().expiresAtMillis()),
        c.audience(),
        source(c.identitySource(), gcip != null, c.subject()),
        platform,
        c.all());
  }

  /** The rule of {@link Source}: Google only when nothing says otherwise. */
  static Source source(@Nullable String claim, boolean hasGcip, String subject) {
    if ("GCIP".equals(claim) || hasGcip) {
      return Source.GCIP;
    }
    if ("GOOGLE".equals(claim) || (claim == null && subject.startsWith("accounts.google.com:"))) {
      return Source.GOOGLE;
    }
    return Source.OTHER;
  }

  private static Optional<String> text(@Nullable Object value) {
    return value instanceof String && !((String) value).isEmpty()
        ? Optional.of((String) value)
        : Optional.empty();
  }
}
