package io.github.iapverifier.test;

import com.nimbusds.jose.jwk.JWK;
import io.github.iapverifier.IapAudience;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Mints one assertion from a {@link FakeIap}. Every setting has an IAP-like default, so {@code
 * iap.token().build()} is a valid assertion. Not thread-safe; use one builder per token.
 */
public final class TokenBuilder extends ProxyTokenBuilder<TokenBuilder> {

  private final FakeIap iap;
  private String issuer = "https://cloud.google.com/iap";
  private Object audience;
  private String email = "user@example.com";
  private String subject;
  private String hostedDomain = "example.com";
  private List<String> accessLevels = List.of();
  private String gcipProject;
  private String tenant;
  private String signInProvider = "password";
  private String displayName;
  private boolean emailVerified = true;

  TokenBuilder(FakeIap iap) {
    super(iap.clock(), Duration.ofMinutes(10));
    this.iap = iap;
    this.audience = iap.audience().value();
  }

  /**
   * Sets the user's email; also derives the default subject from it.
   *
   * @param email the address, not null
   * @return this builder
   */
  public TokenBuilder email(String email) {
    this.email = Objects.requireNonNull(email, "email");
    return this;
  }

  /**
   * Sets the subject. Default {@code accounts.google.com:} and digits derived from the email.
   *
   * @param subject the {@code sub} claim, not null
   * @return this builder
   */
  public TokenBuilder subject(String subject) {
    this.subject = Objects.requireNonNull(subject, "subject");
    return this;
  }

  /**
   * Sets the Workspace domain ({@code hd}); null for a consumer account. Default {@code
   * example.com}.
   *
   * @param hostedDomain the domain, or null for none
   * @return this builder
   */
  public TokenBuilder hostedDomain(String hostedDomain) {
    this.hostedDomain = hostedDomain;
    return this;
  }

  /**
   * Makes the token a consumer account's (no {@code hd}).
   *
   * @return this builder
   */
  public TokenBuilder consumerAccount() {
    return hostedDomain(null);
  }

  /**
   * Sets the satisfied access levels ({@code google.access_levels}). Default none.
   *
   * @param accessLevels full names {@code accessPolicies/N/accessLevels/NAME}, not null
   * @return this builder
   */
  public TokenBuilder accessLevels(String... accessLevels) {
    this.accessLevels = List.copyOf(Arrays.asList(accessLevels));
    return this;
  }

  /**
   * Sets the audience. Default: the fake's audience.
   *
   * @param audience an audience string, not null
   * @return this builder
   */
  public TokenBuilder audience(String audience) {
    this.audience = Objects.requireNonNull(audience, "audience");
    return this;
  }

  /**
   * Sets the audience.
   *
   * @param audience the audience, not null
   * @return this builder
   */
  public TokenBuilder audience(IapAudience audience) {
    return audience(audience.value());
  }

  /**
   * Sets the issuer. Default {@code https://cloud.google.com/iap}.
   *
   * @param issuer the {@code iss} claim, not null
   * @return this builder
   */
  public TokenBuilder issuer(String issuer) {
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    return this;
  }

  /**
   * Turns this token into one case of IAP's self-test, keeping the identity set so far: the
   * assertion IAP sends for {@code ?gcp-iap-mode=SECURE_TOKEN_TEST&iap-secure-token-test-type=NAME}
   * while that user is signed in. Later calls to this builder can still change any setting.
   *
   * @param type the self-test case, not null; {@code NOT_SET} changes nothing
   * @return this builder
   */
  public TokenBuilder secureTokenTest(FakeIap.SecureTokenTest type) {
    Instant now = iap.clock().instant();
    switch (Objects.requireNonNull(type, "type")) {
      case SIGNATURE:
        return signedWithUnpublishedKey();
      case FUTURE_ISSUE:
        return issuedAt(now.plus(Duration.ofMinutes(5)));
      case PAST_EXPIRATION:
        return issuedAt(now.minus(Duration.ofMinutes(20)));
      case ISSUER:
        return issuer("https://cloud.google.com/not-iap");
      case AUDIENCE:
        return audience("/projects/999999999/apps/some-other-app");
      default:
        return this;
    }
  }

  /**
   * Makes the token an Identity Platform (external identity) user's: {@code identity_source} {@code
   * GCIP}, {@code sub} and {@code email} prefixed with {@code securetoken.google.com/PROJECT:}, and
   * a {@code gcip} object.
   *
   * @param projectId the Identity Platform project id, not null
   * @return this builder
   */
  public TokenBuilder identityPlatform(String projectId) {
    this.gcipProject = Objects.requireNonNull(projectId, "projectId");
    this.hostedDomain = null;
    return this;
  }

  /**
   * Sets the Identity Platform tenant ({@code gcip.firebase.tenant}).
   *
   * @param tenant the tenant id, or null for none
   * @return this builder
   */
  public TokenBuilder tenant(String tenant) {
    this.tenant = tenant;
    return this;
  }

  /**
   * Sets the Identity Platform sign-in provider. Default {@code password}.
   *
   * @param provider the provider id, not null
   * @return this builder
   */
  public TokenBuilder signInProvider(String provider) {
    this.signInProvider = Objects.requireNonNull(provider, "provider");
    return this;
  }

  /**
   * Sets the Identity Platform display name ({@code gcip.name}).
   *
   * @param name the name, or null for none
   * @return this builder
   */
  public TokenBuilder displayName(String name) {
    this.displayName = name;
    return this;
  }

  /**
   * Sets whether the Identity Platform provider verified the email. Default true.
   *
   * @param verified the flag
   * @return this builder
   */
  public TokenBuilder emailVerified(boolean verified) {
    this.emailVerified = verified;
    return this;
  }

  /**
   * Signs the assertion.
   *
   * @return the compact JWS, as IAP puts it in {@code x-goog-iap-jwt-assertion}
   */
  public String build() {
    Instant iat = issuedAt();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("aud", audience);
    claims.put("iss", issuer);
    claims.put("iat", iat.getEpochSecond());
    claims.put("exp", expiresAt().getEpochSecond());
    String sub = subject != null ? subject : FakeIap.googleSubject(email);
    if (gcipProject != null) {
      String prefix = "securetoken.google.com/" + gcipProject + ":";
      String uid = digits(email);
      claims.put("sub", subject != null ? subject : prefix + uid);
      claims.put("email", prefix + email);
      claims.put("identity_source", "GCIP");
      Map<String, Object> firebase = new LinkedHashMap<>();
      firebase.put("sign_in_provider", signInProvider);
      if (tenant != null) {
        firebase.put("tenant", tenant);
      }
      Map<String, Object> gcip = new LinkedHashMap<>();
      gcip.put("auth_time", iat.getEpochSecond());
      gcip.put("email", email);
      gcip.put("email_verified", emailVerified);
      if (displayName != null) {
        gcip.put("name", displayName);
      }
      gcip.put("user_id", uid);
      gcip.put("firebase", firebase);
      claims.put("gcip", gcip);
    } else {
      claims.put("sub", sub);
      claims.put("email", email);
      claims.put("identity_source", "GOOGLE");
      if (hostedDomain != null) {
        claims.put("hd", hostedDomain);
      }
    }
    if (!accessLevels.isEmpty()) {
      claims.put("google", Map.of("access_levels", accessLevels));
    }
    JWK current = iap.keys().signingKey();
    JWK signer = unpublishedKey() ? iap.keys().unpublishedKey() : current;
    return Jws.compact(signer, keyIdOr(current.getKeyID()), withExtraClaims(claims));
  }

  /** A stable, Google-like numeric id for an email: 21 digits. */
  static String digits(String email) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(email.getBytes(StandardCharsets.UTF_8));
      return "1" + String.format("%020d", new BigInteger(1, hash).mod(BigInteger.TEN.pow(20)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
