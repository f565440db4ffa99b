package io.github.iapverifier.internal.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
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
 * Reads a JSON Web Key Set into signing keys, keeping only the keys of one algorithm: EC P-256 keys
 * for ES256, RSA keys of at least 2048 bits for RS256.
 *
 * @param keys the usable keys by id, unmodifiable, possibly empty
 * @param skipped a description of each key that was skipped and why, unmodifiable
 */
public record Jwks(Map<String, IapSigningKey> keys, List<String> skipped) {

  /** Skipped keys end up in logs: server-supplied text is kept short and on one line. */
  private static final int SHOWN = 80;

  /**
   * Parses a JWKS document, keeping ES256 keys.
   *
   * @param json the document, not null
   * @return the usable keys and the skipped ones
   * @throws IllegalArgumentException if the text is not a JSON Web Key Set
   */
  public static Jwks parse(String json) {
    return parse(json, "ES256");
  }

  /**
   * Checks a configured algorithm.
   *
   * @param algorithm the JOSE name, not null
   * @return it, when it is {@code ES256} or {@code RS256}
   * @throws IllegalArgumentException for any other
   */
  public static String algorithm(String algorithm) {
    if (!"ES256".equals(algorithm) && !"RS256".equals(algorithm)) {
      throw new IllegalArgumentException(
          "algorithm must be ES256 or RS256, got '" + Text.printable(algorithm) + "'");
    }
    return algorithm;
  }

  /**
   * Parses a JWKS document.
   *
   * @param json the document, not null
   * @param algorithm {@code ES256} or {@code RS256}: keys of other algorithms are skipped
   * @return the usable keys and the skipped ones
   * @throws IllegalArgumentException if the text is not a JSON Web Key Set
   */
  public static Jwks parse(String json, String algorithm) {
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
      String why = unusable(jwk, algorithm);
      if (why == null && keys.containsKey(jwk.getKeyID())) {
        why = "duplicate kid";
      }
      if (why == null) {
        try {
          keys.put(jwk.getKeyID(), signingKey(jwk));
        } catch (JOSEException | IllegalArgumentException e) {
          why = "invalid " + jwk.getKeyType() + " key: " + e.getMessage();
        }
      }
      if (why != null) {
        skipped.add(id + " (" + why + ")");
      }
    }
    return new Jwks(Collections.unmodifiableMap(keys), Collections.unmodifiableList(skipped));
  }

  private static IapSigningKey signingKey(JWK jwk) throws JOSEException {
    return jwk instanceof RSAKey
        ? IapSigningKey.of(jwk.getKeyID(), ((RSAKey) jwk).toRSAPublicKey())
        : IapSigningKey.of(jwk.getKeyID(), ((ECKey) jwk).toECPublicKey());
  }

  private static String unusable(JWK jwk, String algorithm) {
    if (jwk.getKeyID() == null || jwk.getKeyID().isEmpty()) {
      return "no kid";
    }
    boolean rsa = "RS256".equals(algorithm);
    if (rsa ? !(jwk instanceof RSAKey) : !(jwk instanceof ECKey)) {
      return "key type " + jwk.getKeyType() + ", not " + (rsa ? "RSA" : "EC");
    }
    if (!rsa && !Curve.P_256.equals(((ECKey) jwk).getCurve())) {
      return "curve " + ((ECKey) jwk).getCurve() + ", not P-256";
    }
    if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
      return "use " + jwk.getKeyUse().identifier() + ", not sig";
    }
    if (jwk.getAlgorithm() != null && !JWSAlgorithm.parse(algorithm).equals(jwk.getAlgorithm())) {
      return "alg " + jwk.getAlgorithm() + ", not " + algorithm;
    }
    if (jwk.isPrivate()) {
      // A published key set must never hold private parts; refuse rather than guess intent.
      return "holds a private key";
    }
    return null;
  }
}
