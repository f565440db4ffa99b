package io.github.iapverifier.test;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** Signs the fakes' tokens with nimbus-jose-jwt; no crypto of our own. */
final class Jws {

  private Jws() {}

  /** A compact JWS as IAP, Cloudflare Access and Pomerium send it: typ JWT, the key's kid. */
  static String compact(JWK key, String keyId, Map<String, Object> claims) {
    try {
      // Not JWTClaimsSet: it would write a one-element aud array as a string.
      JWSObject jws =
          new JWSObject(
              new JWSHeader.Builder(algorithm(key)).type(JOSEObjectType.JWT).keyID(keyId).build(),
              new Payload(claims));
      jws.sign(signer(key));
      return jws.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign the token", e);
    }
  }

  /**
   * A JWS with exactly this header, each segment base64url-encoded with or without {@code =}
   * padding, signed over the text as encoded: AWS ALB pads every segment and signs the padded text.
   */
  static String withHeader(
      JWK key, Map<String, Object> header, Map<String, Object> claims, boolean padded) {
    Base64.Encoder encoder =
        padded ? Base64.getUrlEncoder() : Base64.getUrlEncoder().withoutPadding();
    String signingInput =
        encoder.encodeToString(json(header)) + "." + encoder.encodeToString(json(claims));
    try {
      byte[] signature =
          signer(key)
              .sign(new JWSHeader(algorithm(key)), signingInput.getBytes(StandardCharsets.US_ASCII))
              .decode();
      return signingInput + "." + encoder.encodeToString(signature);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign the token", e);
    }
  }

  static JWSAlgorithm algorithm(JWK key) {
    return key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
  }

  private static byte[] json(Map<String, Object> members) {
    return JSONObjectUtils.toJSONString(members).getBytes(StandardCharsets.UTF_8);
  }

  private static JWSSigner signer(JWK key) throws JOSEException {
    return key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
  }
}
