package io.github.iapverifier.internal.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.github.iapverifier.IapSigningKey;
import io.github.iapverifier.internal.Text;
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

  /** Skipped keys end up in logs: server-supplied text is kept short and on one line. */
  private static final int SHOWN = 80;

  /**
   * Parses a JWKS document.
   *
   * @param json the document, not null
   * @return the usable keys and the skipped ones
   * @throws IllegalArgumentException if the text is not a JSON Web Key Set
   */
  public static Jwks parse(String json) {
    Map<String, Object>[] members;
    try {
      members = JSONObjectUtils.getJSONObjectArray(JSONObjectUtils.parse(json), "keys");
    } catch (ParseException | RuntimeException e) {
      throw new IllegalArgumentException("not a JSON Web Key Set: " + e.getMessage(), e);
    }
    if (members == null) {
      throw new IllegalArgumentException("not a JSON Web Key Set: no \"keys\" array");
    }
    Map<String, IapSigningKey> keys = new LinkedHashMap<>();
    List<String> skipped = new ArrayList<>();
    for (Map<String, Object> member : members) {
      JWK jwk;
      try {
        // One key at a time: a key nimbus cannot read (a new key type, a point off its curve)
        // is skipped instead of discarding the keys that are fine.
        jwk = JWK.parse(member);
      } catch (ParseException | RuntimeException e) {
        Object kid = member.get("kid");
        skipped.add(
            (kid instanceof String ? Text.printable((String) kid, SHOWN) : "(no kid)")
                + " ("
                + Text.printable(String.valueOf(e.getMessage()), SHOWN)
                + ")");
        continue;
      }
      String id = jwk.getKeyID() == null ? "(no kid)" : Text.printable(jwk.getKeyID(), SHOWN);
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
