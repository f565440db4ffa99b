package io.github.iapverifier.internal.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.security.interfaces.ECPublicKey;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JwksTest {

  private static ECKey.Builder p256(String kid) throws Exception {
    return new ECKey.Builder(new ECKeyGenerator(Curve.P_256).generate().toPublicJWK()).keyID(kid);
  }

  @Test
  void parseWhenMixedSetThenOnlyP256SigningKeysKept() throws Exception {
    ECKey good = p256("good").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).build();
    ECKey noUse = p256("no-use").build();
    ECKey other = new ECKeyGenerator(Curve.P_256).generate().toPublicJWK();
    String offCurve =
        good.toJSONString()
            .replace("\"good\"", "\"off-curve\"")
            .replace(good.getY().toString(), other.getY().toString());
    String json =
        "{\"keys\":["
            + String.join(
                ",",
                good.toJSONString(),
                noUse.toJSONString(),
                p256("enc").keyUse(KeyUse.ENCRYPTION).build().toJSONString(),
                p256("es384").algorithm(JWSAlgorithm.ES384).build().toJSONString(),
                new ECKeyGenerator(Curve.P_384).keyID("p384").generate().toPublicJWK().toJSONString(),
                new ECKeyGenerator(Curve.P_256).keyID("private").generate().toJSONString(),
                p256("good").build().toJSONString(),
                p256(null).build().toJSONString(),
                // RFC 8037's example public key
                "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"ed\","
                    + "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}",
                offCurve,
                "{\"kty\":\"ML-DSA\",\"kid\":\"future\"}")
            + "]}";

    Jwks jwks = Jwks.parse(json);

    assertThat(jwks.keys()).containsOnlyKeys("good", "no-use");
    assertThat(((ECPublicKey) jwks.keys().get("good").publicKey()).getW())
        .isEqualTo(good.toECPublicKey().getW());
    assertThat(jwks.skipped())
        .hasSize(9)
        .anySatisfy(s -> assertThat(s).startsWith("enc (use enc"))
        .anySatisfy(s -> assertThat(s).startsWith("es384 (alg ES384"))
        .anySatisfy(s -> assertThat(s).startsWith("p384 (curve P-384"))
        .anySatisfy(s -> assertThat(s).startsWith("private (holds a private key"))
        .anySatisfy(s -> assertThat(s).startsWith("good (duplicate kid"))
        .anySatisfy(s -> assertThat(s).startsWith("(no kid)"))
        .anySatisfy(s -> assertThat(s).startsWith("ed (key type OKP"))
        .anySatisfy(s -> assertThat(s).startsWith("off-curve ("))
        .anySatisfy(s -> assertThat(s).startsWith("future ("));
  }

  @Test
  void parseWhenKidHasControlCharactersThenSkippedDescriptionIsOneLine() throws Exception {
    String json = "{\"keys\":[" + p256("a\nb").keyUse(KeyUse.ENCRYPTION).build().toJSONString() + "]}";

    assertThat(Jwks.parse(json).skipped()).singleElement().asString().startsWith("a?b (").doesNotContain("\n");
  }

  @Test
  void parseWhenNotAKeySetThenIllegalArgument() {
    for (String json : new String[] {"", "[]", "{", "{\"keys\": 1}", "{\"keys\": [1]}", "{}"}) {
      assertThatIllegalArgumentException()
          .as(json)
          .isThrownBy(() -> Jwks.parse(json))
          .withMessageStartingWith("not a JSON Web Key Set");
    }
  }

  @Test
  void parseWhenEmptyKeysThenNoKeysAndNoError() {
    assertThat(Jwks.parse("{\"keys\":[]}").keys()).isEqualTo(Map.of());
  }
}
