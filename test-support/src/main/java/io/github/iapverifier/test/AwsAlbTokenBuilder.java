package io.github.iapverifier.test;

import com.nimbusds.jose.jwk.JWK;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Mints one {@code x-amzn-oidc-data} token from a {@link FakeAwsAlb}. Every setting has a default,
 * so {@code alb.token().build()} is valid. The token has no {@code iat}: {@link #issuedAt} only
 * dates {@code exp}. Not thread-safe; use one builder per token.
 */
public final class AwsAlbTokenBuilder extends ProxyTokenBuilder<AwsAlbTokenBuilder> {

  private final FakeAwsAlb alb;
  private String signer;
  private String client;
  private String issuer;
  private String email = "user@example.com";
  private String subject;
  private String username;
  private String emailVerified = "true";
  private boolean padded = true;
  private final Map<String, Object> headerExtra = new LinkedHashMap<>();

  AwsAlbTokenBuilder(FakeAwsAlb alb) {
    super(alb.clock(), Duration.ofMinutes(2));
    this.alb = alb;
    this.signer = alb.signer();
    this.client = alb.clientId();
    this.issuer = alb.issuer();
  }

  /**
   * Sets the user's email; also derives the default subject and username from it.
   *
   * @param email the address, not null
   * @return this builder
   */
  public AwsAlbTokenBuilder email(String email) {
    this.email = Objects.requireNonNull(email, "email");
    return this;
  }

  /**
   * Sets the subject. Default: a UUID derived from the email, as Cognito's look.
   *
   * @param subject the {@code sub} claim, not null
   * @return this builder
   */
  public AwsAlbTokenBuilder subject(String subject) {
    this.subject = Objects.requireNonNull(subject, "subject");
    return this;
  }

  /**
   * Sets the username. Default: the email's local part.
   *
   * @param username the {@code username} claim, not null
   * @return this builder
   */
  public AwsAlbTokenBuilder username(String username) {
    this.username = Objects.requireNonNull(username, "username");
    return this;
  }

  /**
   * Sets {@code email_verified}. Default the string {@code "true"}, as the load balancer passes
   * Cognito's.
   *
   * @param emailVerified the value, or null for none
   * @return this builder
   */
  public AwsAlbTokenBuilder emailVerified(String emailVerified) {
    this.emailVerified = emailVerified;
    return this;
  }

  /**
   * Sets the load balancer ARN in the header's {@code signer}. Default: the fake's.
   *
   * @param signer the ARN, or null for none
   * @return this builder
   */
  public AwsAlbTokenBuilder signer(String signer) {
    this.signer = signer;
    return this;
  }

  /**
   * Sets the OIDC client id in the header's {@code client}. Default: the fake's.
   *
   * @param client the client id, or null for none
   * @return this builder
   */
  public AwsAlbTokenBuilder client(String client) {
    this.client = client;
    return this;
  }

  /**
   * Sets the identity provider in {@code iss} (header and payload). Default: the fake's.
   *
   * @param issuer the issuer, not null
   * @return this builder
   */
  public AwsAlbTokenBuilder issuer(String issuer) {
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    return this;
  }

  /**
   * Adds, overrides or (with null) removes a JOSE header parameter, such as {@code alg}.
   *
   * @param name the parameter name, not null
   * @param value a JSON-compatible value, or null to remove
   * @return this builder
   */
  public AwsAlbTokenBuilder header(String name, Object value) {
    headerExtra.put(Objects.requireNonNull(name, "name"), value);
    return this;
  }

  /**
   * Encodes the segments without {@code =} padding (and signs that text), as a standard JWS is and
   * the load balancer's tokens are not: for tests of a verifier's strictness.
   *
   * @return this builder
   */
  public AwsAlbTokenBuilder withoutPadding() {
    this.padded = false;
    return this;
  }

  /**
   * Signs the token.
   *
   * @return the token, as the load balancer puts it in {@code x-amzn-oidc-data}
   */
  public String build() {
    long exp = expiresAt().getEpochSecond();
    JWK current = alb.keys().signingKey();
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("typ", "JWT");
    header.put("kid", keyIdOr(current.getKeyID()));
    header.put("alg", "ES256");
    header.put("iss", issuer);
    putIfNotNull(header, "client", client);
    putIfNotNull(header, "signer", signer);
    header.put("exp", exp);
    headerExtra.forEach(
        (name, value) -> {
          if (value == null) {
            header.remove(name);
          } else {
            header.put(name, value);
          }
        });
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("sub", subject != null ? subject : uuidOf(email));
    putIfNotNull(claims, "email_verified", emailVerified);
    claims.put("email", email);
    claims.put("username", username != null ? username : localPart(email));
    claims.put("exp", exp);
    claims.put("iss", issuer);
    JWK key = unpublishedKey() ? alb.keys().unpublishedKey() : current;
    return Jws.withHeader(key, header, withExtraClaims(claims), padded);
  }

  private static String localPart(String email) {
    int at = email.indexOf('@');
    return (at > 0 ? email.substring(0, at) : email).toLowerCase(Locale.ROOT);
  }

  private static void putIfNotNull(Map<String, Object> map, String name, Object value) {
    if (value != null) {
      map.put(name, value);
    }
  }
}
