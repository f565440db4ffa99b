package io.github.iapverifier;

import static io.github.iapverifier.TestProxyTokens.jwks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import io.github.iapverifier.IapVerificationException.Reason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RS256 keys: fetched over HTTP and kept only by sources configured for RS256. */
class Rs256KeySourceTest extends KeySourceTestBase {

  private static final RSAKey RSA = TestProxyTokens.rsa("rsa-1");
  private static final ECKey EC = TestProxyTokens.ec("ec-1");

  @Test
  void keyWhenRs256SourceThenRsaKeysKeptAndEcKeysSkipped() throws Exception {
    publish(jwks(RSA, EC), "max-age=600");
    RemoteKeySource source = source(b -> b.algorithm("RS256"));

    assertThat(source.key("rsa-1").algorithm()).isEqualTo("RS256");
    assertThat(source.key("rsa-1").publicKey()).isEqualTo(RSA.toRSAPublicKey());
    assertThat(source.key("ec-1")).isNull();
  }

  @Test
  void keyWhenDefaultSourceAndOnlyRsaKeysThenKeysUnavailable() {
    publish(jwks(RSA), "max-age=600");
    RemoteKeySource source = source();

    IapVerificationException e =
        catchThrowableOfType(IapVerificationException.class, () -> source.key("rsa-1"));
    assertThat(e.reason()).isEqualTo(Reason.KEYS_UNAVAILABLE);
    assertThat(source.lastError()).hasValueSatisfying(m -> assertThat(m).contains("EC P-256"));
  }

  @Test
  void verifyWhenCloudflareGivenAnEs256RemoteBuilderThenItsAlgorithmIsRs256Anyway() {
    publish(jwks(RSA, EC), "max-age=600");
    IapVerifier verifier =
        closeLater(
            IapVerifier.cloudflareAccess()
                .teamDomain(CloudflareAccessVerifierTest.TEAM)
                .audiences(CloudflareAccessVerifierTest.AUD)
                .jwksUri(jwksUri())
                .remoteKeySource(RemoteKeySource.builder().algorithm("ES256"))
                .clock(TestIap.CLOCK)
                .build());
    Map<String, Object> claims = CloudflareAccessVerifierTest.user();

    assertThat(verifier.verify(TestProxyTokens.token(RSA, claims)).groups()).isEqualTo(List.of());
  }

  @Test
  void algorithmWhenNotEs256OrRs256ThenIllegalArgument() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RemoteKeySource.builder().algorithm("HS256"))
        .withMessageContaining("ES256 or RS256");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapKeySource.fromJwks(jwks(RSA), "PS256"));
  }

  @Test
  void ofWhenRsaKeyShorterThan2048BitsThenIllegalArgument() throws Exception {
    RSAKey small = TestProxyTokens.rsa("small", 1024);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> IapSigningKey.of("small", small.toRSAPublicKey()))
        .withMessageContaining("2048");
  }

  @Test
  void fromJwksWhenEs256ThenRsaKeysSkipped() {
    IapKeySource source = IapKeySource.fromJwks(jwks(RSA, EC));

    assertThat(source.key("ec-1").algorithm()).isEqualTo("ES256");
    assertThat(source.key("rsa-1")).isNull();
  }
}
