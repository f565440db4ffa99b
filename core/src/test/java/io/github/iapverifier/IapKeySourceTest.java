package io.github.iapverifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The static key source: keeps only keys that can verify ES256, and serves stable instances. */
class IapKeySourceTest {

  private final TestIap iap = new TestIap();

  @Test
  void fromJwksWhenLookedUpTwiceThenSameInstance() {
    // The token cache trusts a cached verification only while this holds.
    IapKeySource keys = iap.keySource();
    assertThat(keys.key(iap.keyId())).isNotNull().isSameAs(keys.key(iap.keyId()));
    assertThat(keys.key(iap.keyId()).keyId()).isEqualTo(iap.keyId());
    assertThat(keys.key("unknown")).isNull();
  }

  @Test
  void keyIfLoadedWhenFixedSetThenSameInstanceAsKey() {
    IapKeySource keys = iap.keySource();
    assertThat(keys.keyIfLoaded(iap.keyId())).isNotNull().isSameAs(keys.key(iap.keyId()));
    assertThat(keys.keyIfLoaded("unknown")).isNull();
  }

  @Test
  void statusWhenFixedSetThenUsableWithoutUriAndWarmUpDoesNothing() {
    IapKeySource keys = iap.keySource();
    keys.warmUp();
    assertThat(keys.status()).isEqualTo(IapKeySource.Status.FIXED);
    assertThat(keys.status().uri()).isEmpty();
    assertThat(keys.status().usable()).isTrue();
  }

  @Test
  void fromJwksWhenKeysUnfitForEs256ThenSkippedAndOthersServed() throws JOSEException {
    List<JWK> keys =
        List.of(
            iap.key().toPublicJWK(),
            new RSAKeyGenerator(2048).keyID("rsa").generate().toPublicJWK(),
            new ECKeyGenerator(Curve.P_384).keyID("p384").generate().toPublicJWK(),
            new ECKeyGenerator(Curve.P_256)
                .keyID("enc")
                .keyUse(KeyUse.ENCRYPTION)
                .generate()
                .toPublicJWK(),
            new ECKeyGenerator(Curve.P_256)
                .keyID("es384")
                .algorithm(JWSAlgorithm.ES384)
                .generate()
                .toPublicJWK(),
            new ECKeyGenerator(Curve.P_256).generate().toPublicJWK(), // no kid
            new ECKeyGenerator(Curve.P_256).keyID("private").generate(),
            // a second key under a published kid must not shadow or replace the first
            TestIap.generate(iap.keyId()).toPublicJWK());

    IapKeySource source = IapKeySource.fromJwks(new JWKSet(keys).toString(false));

    for (String kid : List.of("rsa", "p384", "enc", "es384", "private")) {
      assertThat(source.key(kid)).as(kid).isNull();
    }
    assertThat(source.key(iap.keyId()).publicKey()).isEqualTo(toPublic(iap.key()));
    assertThat(iap.verifierBuilder().keySource(source).build().verify(iap.token()).email())
        .isEqualTo(TestIap.EMAIL);
  }

  @Test
  void fromJwksWhenNoUsableKeyThenRefused() throws JOSEException {
    String rsaOnly =
        new JWKSet(new RSAKeyGenerator(2048).keyID("rsa").generate().toPublicJWK()).toString();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapKeySource.fromJwks(rsaOnly))
        .withMessageContaining("no usable key");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapKeySource.fromJwks("{\"keys\":[]}"))
        .withMessageContaining("no usable key");
  }

  @Test
  void fromJwksWhenNotAKeySetThenRefused() {
    for (String text : List.of("", "not json", "[]", "{\"keys\":{}}")) {
      assertThatIllegalArgumentException().isThrownBy(() -> IapKeySource.fromJwks(text));
    }
  }

  @Test
  void fromJwksWhenPointNotOnCurveThenRefused() {
    // An invalid-curve key must never be used to verify (invalid-curve attacks on ECDH/ECDSA).
    Map<String, Object> jwk = iap.key().toPublicJWK().toJSONObject();
    jwk.put("y", jwk.get("x"));
    String jwks = "{\"keys\":[" + JSONObjectUtils.toJSONString(jwk) + "]}";
    assertThatIllegalArgumentException().isThrownBy(() -> IapKeySource.fromJwks(jwks));
  }

  @Test
  void fromJwksWhenNullThenMessageNamesArgument() {
    assertThatNullPointerException()
        .isThrownBy(() -> IapKeySource.fromJwks(null))
        .withMessage("jwksJson");
  }

  @Test
  void signingKeyWhenNotP256ThenRefused() throws JOSEException {
    ECKey p384 = new ECKeyGenerator(Curve.P_384).generate();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapSigningKey.of("k", p384.toECPublicKey()))
        .withMessageContaining("P-256");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapSigningKey.of("", iap.key().toECPublicKey()))
        .withMessageContaining("keyId");
  }

  private static ECPublicKey toPublic(ECKey key) {
    try {
      return key.toECPublicKey();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
