package io.github.iapverifier.internal;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import io.github.iapverifier.IapSigningKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads IAP's JSON Web Key Set into signing keys, keeping only what can verify ES256.
 *
 * @param keys the usable keys by id, unmodifiable, possibly empty
 * @param skipped a description of each key that was skipped and why, unmodifiable
 */
public record Jwks(Map<String, IapSigningKey> keys, List<String> skipped) {

  /**
   * Parses a JWKS document.
   *
   * @param json the document, not null
   * @return the usable keys and the skipped ones
   * @throws IllegalArgumentException if the text is not a JSON Web Key Set
   */
  public static Jwks parse(String json) {
    JWKSet set;
    try {
      set = JWKSet.parse(json);
    } catch (ParseException | RuntimeException e) {
      throw new IllegalArgumentException("not a JSON Web Key Set: " + e.getMessage(), e);
    }
    Map<String, IapSigningKey> keys = new LinkedHashMap<>();
    List<String> skipped = new ArrayList<>();
    for (JWK jwk : set.getKeys()) {
      String id = jwk.getKeyID() == null ? "(no kid)" : jwk.getKeyID();
      String why = unusable(jwk);
      if (why == null && keys.containsKey(jwk.getKeyID())) {
        why = "duplicate kid";
      }
      if (why == null) {
        try {
          keys.put(jwk.getKeyID(), IapSigningKey.of(jwk.getKeyID(), ((ECKey) jwk).toECPublicKey()));
        } catch (JOSEException | IllegalArgumentException e) {
          why = "invalid EC key: " + e.getMessage();
        }
      }
      if (why != null) {
        skipped.add(id + " (" + why + ")");
      }
    }
    return new Jwks(Collections.unmodifiableMap(keys), Collections.unmodifiableList(skipped));
  }

  private static String unusable(JWK jwk) {
    if (jwk.getKeyID() == null || jwk.getKeyID().isEmpty()) {
      return "no kid";
    }
    if (!(jwk instanceof ECKey)) {
      return "key type " + jwk.getKeyType() + ", not EC";
    }
    if (!Curve.P_256.equals(((ECKey) jwk).getCurve())) {
      return "curve " + ((ECKey) jwk).getCurve() + ", not P-256";
    }
    if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
      return "use " + jwk.getKeyUse().identifier() + ", not sig";
    }
    if (jwk.getAlgorithm() != null && !JWSAlgorithm.ES256.equals(jwk.getAlgorithm())) {
      return "alg " + jwk.getAlgorithm() + ", not ES256";
    }
    if (jwk.isPrivate()) {
      // A published key set must never hold private parts; refuse rather than guess intent.
      return "holds a private key";
    }
    return null;
  }
}
