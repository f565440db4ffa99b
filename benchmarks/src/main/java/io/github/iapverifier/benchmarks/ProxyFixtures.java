package io.github.iapverifier.benchmarks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;

/**
 * Keys and assertions of the other proxies, shaped as each writes them, at {@link Fixtures#NOW}:
 *
 * <ul>
 *   <li>Cloudflare Access: RS256 (2048-bit key), {@code aud} an array holding the application's AUD
 *       tag, {@code iss} the team domain, a 24-hour session, {@code type} {@code app};
 *   <li>AWS ALB: ES256 over padded base64url segments; signer, client, issuer and expiry in the
 *       JOSE header; the identity provider's userinfo as payload;
 *   <li>Pomerium: ES256, {@code iss} and {@code aud} the route's host, five-minute lifetime,
 *       groups.
 * </ul>
 *
 * <p>Keys are generated per instance. Immutable once created.
 */
public final class ProxyFixtures {

  /** The Cloudflare Access team domain (the issuer). */
  public static final String CLOUDFLARE_TEAM = "https://acme.cloudflareaccess.com";

  /** The Cloudflare Access application's AUD tag. */
  public static final String CLOUDFLARE_AUD =
      "b2658a1b34f2ffd7c4e1e6b5c7a3f0e6d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4";

  /** The load balancer whose assertions the app accepts. */
  public static final String ALB_SIGNER =
      "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/billing/50dc6c495c0c9188";

  /** The OIDC client the load balancer signs in with. */
  public static final String ALB_CLIENT = "4fmvht22tjrgd7d3k3tghttct7";

  /** The identity provider named in ALB's header and payload. */
  public static final String ALB_ISSUER =
      "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI";

  /** The Pomerium route's host: its {@code iss} and {@code aud}. */
  public static final String POMERIUM_HOST = "app.example.com";

  private static final Base64.Encoder PADDED = Base64.getUrlEncoder();
  private static final Base64.Encoder UNPADDED = Base64.getUrlEncoder().withoutPadding();

  private final RSAKey cloudflareKey;
  private final ECKey albKey;
  private final ECKey pomeriumKey;

  private ProxyFixtures(RSAKey cloudflareKey, ECKey albKey, ECKey pomeriumKey) {
    this.cloudflareKey = cloudflareKey;
    this.albKey = albKey;
    this.pomeriumKey = pomeriumKey;
  }

  /**
   * Generates the keys.
   *
   * @return new fixtures
   */
  public static ProxyFixtures create() {
    try {
      return new ProxyFixtures(
          new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString().substring(0, 8)).generate(),
          new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate(),
          new ECKeyGenerator(Curve.P_256).keyID("pomerium-1").generate());
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Returns the public JWKS of one proxy's key, as the verifiers' in-memory key sources take it.
   *
   * @param proxy {@code cloudflareAccess}, {@code awsAlb} or {@code pomerium}
   * @return the JWKS text
   */
  public String jwks(String proxy) {
    return switch (proxy) {
      case "cloudflareAccess" -> new JWKSet(cloudflareKey.toPublicJWK()).toString();
      case "awsAlb" -> new JWKSet(albKey.toPublicJWK()).toString();
      case "pomerium" -> new JWKSet(pomeriumKey.toPublicJWK()).toString();
      default -> throw new IllegalArgumentException("unknown proxy " + proxy);
    };
  }

  /**
   * Mints an assertion of one proxy for a user.
   *
   * @param proxy {@code cloudflareAccess}, {@code awsAlb} or {@code pomerium}
   * @param user which user; distinct users give distinct tokens
   * @param issuedSecondsAgo seconds before {@link Fixtures#NOW}, at most 30 for a valid token
   * @return the compact JWS
   */
  public String mint(String proxy, int user, int issuedSecondsAgo) {
    long iat = Fixtures.NOW.getEpochSecond() - issuedSecondsAgo;
    String email = "user" + user + "@example.com";
    String sub = String.format(Locale.ROOT, "23d498b2-3031-70d2-8a15-%012d", user);
    try {
      switch (proxy) {
        case "cloudflareAccess":
          return sign(
              "{\"alg\":\"RS256\",\"kid\":\"" + cloudflareKey.getKeyID() + "\"}",
              "{\"aud\":[\"" + CLOUDFLARE_AUD + "\"],\"email\":\"" + email + "\",\"exp\":"
                  + (iat + 86_400) + ",\"iat\":" + iat + ",\"nbf\":" + iat + ",\"iss\":\""
                  + CLOUDFLARE_TEAM + "\",\"type\":\"app\",\"identity_nonce\":\"6ei69kawdKzMIAPF\","
                  + "\"sub\":\"" + sub + "\",\"country\":\"CH\"}",
              "SHA256withRSA",
              cloudflareKey.toPrivateKey(),
              UNPADDED);
        case "awsAlb":
          long exp = iat + 60;
          return sign(
              "{\"typ\":\"JWT\",\"kid\":\"" + albKey.getKeyID() + "\",\"alg\":\"ES256\",\"iss\":\""
                  + ALB_ISSUER + "\",\"client\":\"" + ALB_CLIENT + "\",\"signer\":\"" + ALB_SIGNER
                  + "\",\"exp\":" + exp + "}",
              "{\"sub\":\"" + sub + "\",\"email_verified\":\"true\",\"email\":\"" + email
                  + "\",\"username\":\"user" + user + "\",\"exp\":" + exp + ",\"iss\":\""
                  + ALB_ISSUER + "\"}",
              "SHA256withECDSAinP1363Format",
              albKey.toPrivateKey(),
              PADDED);
        case "pomerium":
          return sign(
              "{\"alg\":\"ES256\",\"kid\":\"" + pomeriumKey.getKeyID() + "\",\"typ\":\"JWT\"}",
              "{\"aud\":\"" + POMERIUM_HOST + "\",\"email\":\"" + email + "\",\"exp\":"
                  + (iat + 300) + ",\"groups\":[\"00gd6j5p7tkNb7Vhq5d7\",\"admins\"],\"iat\":" + iat
                  + ",\"iss\":\"" + POMERIUM_HOST + "\",\"jti\":\"" + UUID.nameUUIDFromBytes(
                      sub.getBytes(StandardCharsets.US_ASCII))
                  + "\",\"name\":\"User " + user + "\",\"sid\":\"s" + user + "\",\"sub\":\"" + sub
                  + "\"}",
              "SHA256withECDSAinP1363Format",
              pomeriumKey.toPrivateKey(),
              UNPADDED);
        default:
          throw new IllegalArgumentException("unknown proxy " + proxy);
      }
    } catch (GeneralSecurityException | JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sign(
      String header, String payload, String algorithm, PrivateKey key, Base64.Encoder b64)
      throws GeneralSecurityException {
    String input =
        b64.encodeToString(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + b64.encodeToString(signer.sign());
  }
}
