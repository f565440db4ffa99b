package io.github.iapverifier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A stand-in for an AWS Application Load Balancer: a real P-256 key under a UUID key id, and
 * assertions as ALB writes them (signer, client, iss and exp in the header, userinfo in the
 * payload, base64url segments padded with {@code =}, signed over the padded text).
 */
final class TestAlb {

  static final String REGION = "eu-west-1";
  static final String SIGNER =
      "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/billing/50dc6c495c0c9188";
  static final String OTHER_SIGNER =
      "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/other/0123456789abcdef";
  static final String CLIENT = "4fmvht22tjrgd7d3k3tghttct7";
  static final String ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI";
  static final String SUBJECT = "23d498b2-3031-70d2-8a15-49dd886a087b";
  static final String EMAIL = "ada@example.com";
  static final Instant NOW = Instant.parse("2026-03-02T09:15:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private final ECKey key;

  TestAlb() {
    try {
      key = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  String keyId() {
    return key.getKeyID();
  }

  ECKey key() {
    return key;
  }

  /** The PEM document AWS serves at {@code <endpoint>/<kid>}. */
  String pem() {
    try {
      return PemKeySourceTest.pem(key.toECPublicKey());
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** ALB's header, expiring a minute after {@link #NOW}; a fresh, mutable map. */
  Map<String, Object> header() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("typ", "JWT");
    h.put("kid", keyId());
    h.put("alg", "ES256");
    h.put("iss", ISSUER);
    h.put("client", CLIENT);
    h.put("signer", SIGNER);
    h.put("exp", NOW.getEpochSecond() + 60);
    return h;
  }

  /** Cognito's userinfo; a fresh, mutable map. */
  static Map<String, Object> claims() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("sub", SUBJECT);
    c.put("email_verified", "true");
    c.put("email", EMAIL);
    c.put("username", "ada");
    c.put("exp", NOW.getEpochSecond() + 60);
    c.put("iss", ISSUER);
    return c;
  }

  String token() {
    return token(header(), claims());
  }

  String token(Map<String, Object> header, Map<String, Object> claims) {
    return sign(
        padded(JSONObjectUtils.toJSONString(header).getBytes(StandardCharsets.UTF_8)),
        padded(JSONObjectUtils.toJSONString(claims).getBytes(StandardCharsets.UTF_8)),
        true);
  }

  /** Signs {@code header.payload} exactly as given; the signature padded or not. */
  String sign(String headerSegment, String payloadSegment, boolean padSignature) {
    String input = headerSegment + "." + payloadSegment;
    byte[] signature = signature(input);
    return input + "." + (padSignature ? padded(signature) : unpadded(signature));
  }

  byte[] signature(String signingInput) {
    return new TestIap(key).signature(signingInput);
  }

  static String padded(byte[] bytes) {
    return Base64.getUrlEncoder().encodeToString(bytes);
  }

  static String unpadded(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String json(Map<String, Object> map) {
    return JSONObjectUtils.toJSONString(map);
  }
}
