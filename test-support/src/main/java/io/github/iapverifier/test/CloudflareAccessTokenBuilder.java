package io.github.iapverifier.test;

import com.nimbusds.jose.jwk.JWK;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Mints one {@code Cf-Access-Jwt-Assertion} token from a {@link FakeCloudflareAccess}. Every
 * setting has a default, so {@code access.token().build()} is a valid user's token; {@link
 * #serviceToken(String)} makes it a service token's. Not thread-safe; use one builder per token.
 */
public final class CloudflareAccessTokenBuilder
    extends ProxyTokenBuilder<CloudflareAccessTokenBuilder> {

  private final FakeCloudflareAccess access;
  private String issuer;
  private String audience;
  private String email = "user@example.com";
  private String subject;
  private String commonName;
  private String country = "US";
  private String identityNonce;

  CloudflareAccessTokenBuilder(FakeCloudflareAccess access) {
    super(access.clock(), Duration.ofHours(24));
    this.access = access;
    this.issuer = access.teamDomain();
    this.audience = access.audience();
  }

  /**
   * Sets the user's email; also derives the default subject from it.
   *
   * @param email the address, not null
   * @return this builder
   */
  public CloudflareAccessTokenBuilder email(String email) {
    this.email = Objects.requireNonNull(email, "email");
    return this;
  }

  /**
   * Sets the subject. Default: a UUID derived from the email, as Cloudflare's user ids look.
   *
   * @param subject the {@code sub} claim, not null
   * @return this builder
   */
  public CloudflareAccessTokenBuilder subject(String subject) {
    this.subject = Objects.requireNonNull(subject, "subject");
    return this;
  }

  /**
   * Makes the token a service token's: {@code common_name} is the service token's client id, {@code
   * sub} is empty, {@code aud} is a string, and there is no email, country or nonce.
   *
   * @param commonName the client id, such as {@code 88bf3b6d86161464f6509f7219099e57.access}, not
   *     null
   * @return this builder
   */
  public CloudflareAccessTokenBuilder serviceToken(String commonName) {
    this.commonName = Objects.requireNonNull(commonName, "commonName");
    return this;
  }

  /**
   * Sets the AUD tag. Default: the fake's.
   *
   * @param audience the tag, not null
   * @return this builder
   */
  public CloudflareAccessTokenBuilder audience(String audience) {
    this.audience = Objects.requireNonNull(audience, "audience");
    return this;
  }

  /**
   * Sets the issuer. Default: the fake's team domain.
   *
   * @param issuer the {@code iss} claim, not null
   * @return this builder
   */
  public CloudflareAccessTokenBuilder issuer(String issuer) {
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    return this;
  }

  /**
   * Sets the user's country. Default {@code US}.
   *
   * @param country a two-letter code, or null for none
   * @return this builder
   */
  public CloudflareAccessTokenBuilder country(String country) {
    this.country = country;
    return this;
  }

  /**
   * Sets the identity nonce. Default: 16 characters derived from the email.
   *
   * @param identityNonce the {@code identity_nonce} claim, not null
   * @return this builder
   */
  public CloudflareAccessTokenBuilder identityNonce(String identityNonce) {
    this.identityNonce = Objects.requireNonNull(identityNonce, "identityNonce");
    return this;
  }

  /**
   * Signs the token.
   *
   * @return the compact JWS, as Cloudflare puts it in {@code Cf-Access-Jwt-Assertion}
   */
  public String build() {
    Instant iat = issuedAt();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("aud", commonName != null ? audience : List.of(audience));
    if (commonName == null) {
      claims.put("email", email);
    }
    claims.put("exp", expiresAt().getEpochSecond());
    claims.put("iat", iat.getEpochSecond());
    claims.put("nbf", iat.getEpochSecond());
    claims.put("iss", issuer);
    claims.put("type", "app");
    if (commonName != null) {
      claims.put("common_name", commonName);
      claims.put("sub", "");
    } else {
      claims.put(
          "identity_nonce",
          identityNonce != null
              ? identityNonce
              : uuidOf("nonce:" + email).replace("-", "").substring(0, 16));
      claims.put("sub", subject != null ? subject : uuidOf(email));
      if (country != null) {
        claims.put("country", country);
      }
    }
    JWK current = access.keys().signingKey();
    JWK key = unpublishedKey() ? access.keys().unpublishedKey() : current;
    return Jws.compact(key, keyIdOr(current.getKeyID()), withExtraClaims(claims));
  }
}
