package io.github.iapverifier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mints really signed tokens of any proxy with generated keys: RS256 with RSA keys, ES256 with
 * P-256 keys, signed by the JDK over exactly the text that is sent.
 */
final class TestProxyTokens {

  private TestProxyTokens() {}

  static RSAKey rsa(String kid) {
    return rsa(kid, 2048);
  }

  static RSAKey rsa(String kid, int bits) {
    try {
      return new RSAKeyGenerator(bits, true).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static ECKey ec(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static String jwks(JWK... keys) {
    List<JWK> published = new ArrayList<>();
    for (JWK key : keys) {
      published.add(key.toPublicJWK());
    }
    return new JWKSet(published).toString();
  }

  /** A header {@code {"alg", "kid", "typ": "JWT"}} for this key. */
  static Map<String, Object> header(JWK key) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", key instanceof RSAKey ? "RS256" : "ES256");
    header.put("kid", key.getKeyID());
    header.put("typ", "JWT");
    return header;
  }

  static String token(JWK key, Map<String, Object> claims) {
    return token(key, header(key), claims);
  }

  static String token(JWK key, Map<String, Object> header, Map<String, Object> claims) {
    String input =
        TestIap.b64(JSONObjectUtils.toJSONString(header))
            + "."
            + TestIap.b64(JSONObjectUtils.toJSONString(claims));
    return input + "." + TestIap.b64(signature(key, input));
  }

  static byte[] signature(JWK key, String signingInput) {
    try {
      Signature signer;
      if (key instanceof RSAKey) {
        signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(((RSAKey) key).toRSAPrivateKey());
      } else {
        signer = Signature.getInstance("SHA256withECDSAinP1363Format");
        signer.initSign(((ECKey) key).toECPrivateKey());
      }
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signer.sign();
    } catch (GeneralSecurityException | JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A copy of these claims with one claim set, or removed when {@code value} is null. */
  static Map<String, Object> with(Map<String, Object> claims, String name, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(claims);
    if (value == null) {
      copy.remove(name);
    } else {
      copy.put(name, value);
    }
    return copy;
  }
}
