package io.github.iapverifier.test;

import com.nimbusds.jose.jwk.JWK;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Mints one {@code X-Pomerium-Jwt-Assertion} token from a {@link FakePomerium}. Every setting has a
 * default, so {@code pomerium.token().build()} is valid. Not thread-safe; use one builder per
 * token.
 */
public final class PomeriumTokenBuilder extends ProxyTokenBuilder<PomeriumTokenBuilder> {

  private final FakePomerium pomerium;
  private String issuer;
  private String audience;
  private String email = "user@example.com";
  private String subject;
  private String name = "User";
  private List<String> groups = List.of();
  private String sessionId;

  PomeriumTokenBuilder(FakePomerium pomerium) {
    super(pomerium.clock(), Duration.ofMinutes(5));
    this.pomerium = pomerium;
    this.issuer = pomerium.routeHost();
    this.audience = pomerium.routeHost();
  }

  /**
   * Sets the user's email; also derives the default subject from it.
   *
   * @param email the address, not null
   * @return this builder
   */
  public PomeriumTokenBuilder email(String email) {
    this.email = Objects.requireNonNull(email, "email");
    return this;
  }

  /**
   * Sets the subject (also the {@code user} claim). Default: a UUID derived from the email.
   *
   * @param subject the {@code sub} claim, not null
   * @return this builder
   */
  public PomeriumTokenBuilder subject(String subject) {
    this.subject = Objects.requireNonNull(subject, "subject");
    return this;
  }

  /**
   * Sets the user's display name. Default {@code User}.
   *
   * @param name the {@code name} claim, or null for none
   * @return this builder
   */
  public PomeriumTokenBuilder name(String name) {
    this.name = name;
    return this;
  }

  /**
   * Sets the groups: Pomerium lists each group's id and its name. Default none.
   *
   * @param groups the {@code groups} claim's entries, not null
   * @return this builder
   */
  public PomeriumTokenBuilder groups(String... groups) {
    this.groups = List.copyOf(Arrays.asList(groups));
    return this;
  }

  /**
   * Sets the session id. Default: a fresh UUID per token.
   *
   * @param sessionId the {@code sid} claim, not null
   * @return this builder
   */
  public PomeriumTokenBuilder sessionId(String sessionId) {
    this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
    return this;
  }

  /**
   * Sets the audience. Default: the route host.
   *
   * @param audience the {@code aud} claim, not null
   * @return this builder
   */
  public PomeriumTokenBuilder audience(String audience) {
    this.audience = Objects.requireNonNull(audience, "audience");
    return this;
  }

  /**
   * Sets the issuer. Default: the route host.
   *
   * @param issuer the {@code iss} claim, not null
   * @return this builder
   */
  public PomeriumTokenBuilder issuer(String issuer) {
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    return this;
  }

  /**
   * Signs the token.
   *
   * @return the compact JWS, as Pomerium puts it in {@code X-Pomerium-Jwt-Assertion}
   */
  public String build() {
    Instant iat = issuedAt();
    String sub = subject != null ? subject : uuidOf(email);
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("aud", audience);
    claims.put("email", email);
    claims.put("exp", expiresAt().getEpochSecond());
    claims.put("groups", groups);
    claims.put("iat", iat.getEpochSecond());
    claims.put("iss", issuer);
    claims.put("jti", UUID.randomUUID().toString());
    if (name != null) {
      claims.put("name", name);
    }
    claims.put("sid", sessionId != null ? sessionId : UUID.randomUUID().toString());
    claims.put("sub", sub);
    claims.put("user", sub);
    JWK current = pomerium.keys().signingKey();
    JWK key = unpublishedKey() ? pomerium.keys().unpublishedKey() : current;
    return Jws.compact(key, keyIdOr(current.getKeyID()), withExtraClaims(claims));
  }
}
