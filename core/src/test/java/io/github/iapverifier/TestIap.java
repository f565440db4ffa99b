package io.github.iapverifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.github.iapverifier.IapVerificationException.Reason;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for IAP: holds a real P-256 key and mints ES256 assertions with it, either from claim
 * maps or from raw header and payload bytes that JOSE libraries would refuse to produce.
 */
final class TestIap {

  static final String ISSUER = "https://cloud.google.com/iap";
  static final String AUDIENCE = "/projects/123456789012/locations/europe-west1/services/billing";
  static final String OTHER_AUDIENCE = "/projects/210987654321/apps/someone-else";
  static final String SUBJECT = "accounts.google.com:113769094838382739561";
  static final String EMAIL = "ada@example.com";
  static final String DOMAIN = "example.com";

  /** A whole second, so that boundary tests are exact. */
  static final Instant NOW = Instant.parse("2026-03-02T09:15:00Z");

  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  /** The order n of P-256 (FIPS 186-4, D.1.2.3): r and s must lie in [1, n - 1]. */
  static final BigInteger P256_ORDER =
      new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);

  private final ECKey key;

  TestIap() {
    this(generate("iap-key-1"));
  }

  TestIap(ECKey key) {
    this.key = key;
  }

  static ECKey generate(String keyId) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(keyId).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  ECKey key() {
    return key;
  }

  String keyId() {
    return key.getKeyID();
  }

  /** The public JWKS of this key and the given others, as gstatic serves it. */
  String jwks(ECKey... others) {
    List<JWK> keys = new ArrayList<>();
    keys.add(key.toPublicJWK());
    for (ECKey other : others) {
      keys.add(other.toPublicJWK());
    }
    return new JWKSet(keys).toString();
  }

  IapKeySource keySource() {
    return IapKeySource.fromJwks(jwks());
  }

  /** A verifier for {@link #AUDIENCE} that trusts this key, at {@link #NOW}. */
  IapVerifier.Builder verifierBuilder() {
    return IapVerifier.builder().audiences(AUDIENCE).keySource(keySource()).clock(CLOCK);
  }

  IapVerifier verifier() {
    return verifierBuilder().build();
  }

  Map<String, Object> header() {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", "ES256");
    header.put("typ", "JWT");
    header.put("kid", keyId());
    return header;
  }

  /** What IAP sends for a Workspace user, issued at {@link #NOW}; a fresh, mutable map. */
  static Map<String, Object> claims() {
    return claims(NOW);
  }

  static Map<String, Object> claims(Instant issuedAt) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("aud", AUDIENCE);
    claims.put("email", EMAIL);
    claims.put("exp", issuedAt.getEpochSecond() + 600);
    claims.put("hd", DOMAIN);
    claims.put("iat", issuedAt.getEpochSecond());
    claims.put("identity_source", "GOOGLE");
    claims.put("iss", ISSUER);
    claims.put("sub", SUBJECT);
    return claims;
  }

  String token() {
    return token(claims());
  }

  String token(Map<String, Object> claims) {
    return token(header(), claims);
  }

  String token(Map<String, Object> header, Map<String, Object> claims) {
    return sign(JSONObjectUtils.toJSONString(header), JSONObjectUtils.toJSONString(claims));
  }

  String sign(String headerJson, String payloadJson) {
    return sign(
        headerJson.getBytes(StandardCharsets.UTF_8), payloadJson.getBytes(StandardCharsets.UTF_8));
  }

  /** Signs exactly these bytes, however wrong they are. */
  String sign(byte[] header, byte[] payload) {
    String signingInput = b64(header) + "." + b64(payload);
    return signingInput + "." + b64(signature(signingInput));
  }

  /** A valid ES256 signature in JOSE form (r and s, 32 bytes each). */
  byte[] signature(String signingInput) {
    try {
      Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
      signer.initSign(key.toECPrivateKey());
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signer.sign();
    } catch (GeneralSecurityException | JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  static String signingInput(String token) {
    return token.substring(0, token.lastIndexOf('.'));
  }

  static String signatureSegment(String token) {
    return token.substring(token.lastIndexOf('.') + 1);
  }

  static String withSignature(String token, byte[] signature) {
    return signingInput(token) + "." + b64(signature);
  }

  static BigInteger r(byte[] signature) {
    return new BigInteger(1, signature, 0, 32);
  }

  static BigInteger s(byte[] signature) {
    return new BigInteger(1, signature, 32, 32);
  }

  /** A JOSE signature from r and s, each below 2^256. */
  static byte[] rs(BigInteger r, BigInteger s) {
    byte[] out = new byte[64];
    put(r, out, 0);
    put(s, out, 32);
    return out;
  }

  private static void put(BigInteger value, byte[] out, int offset) {
    byte[] bytes = value.toByteArray();
    int skip = bytes.length > 32 ? bytes.length - 32 : 0; // a leading sign byte
    System.arraycopy(bytes, skip, out, offset + 32 - (bytes.length - skip), bytes.length - skip);
  }

  /**
   * Asserts the rejection reason, and that the message, which adapters log and return to clients,
   * echoes no part of the token long enough to matter (a replayable token or its signature).
   */
  static IapVerificationException assertRejected(
      IapVerifier verifier, String token, Reason reason) {
    IapVerificationException e =
        catchThrowableOfType(IapVerificationException.class, () -> verifier.verify(token));
    assertThat(e).as("verify must reject with %s", reason).isNotNull();
    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
    assertThat(e.getMessage()).isNotBlank();
    if (token != null) {
      for (String segment : token.split("\\.", -1)) {
        if (segment.length() >= 16) {
          assertThat(e.getMessage()).doesNotContain(segment);
        }
      }
    }
    return e;
  }
}
