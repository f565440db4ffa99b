package io.github.iapverifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's quick start for the other proxies true: the three builders as shown there
 * build verifiers, and the Cloudflare one reads a real signed token from its header. The lines
 * outside the tagged regions swap the proxies' published keys for this test's keys.
 */
class OtherProxiesQuickStartTest {

  private static final RSAKey CF_KEY = TestProxyTokens.rsa("cf-quickstart");
  private static final ECKey EC_KEY = TestProxyTokens.ec("quickstart");

  /** Stands in for a servlet request. */
  private record Request(Map<String, String> headers) {
    String getHeader(String name) {
      return headers.get(name);
    }
  }

  @Test
  void quickStartWhenRunThenEachProxyVerifierReadsItsHeader() {
    Instant now = Instant.now();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("aud", List.of("4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2"));
    claims.put("email", "ada@example.com");
    claims.put("exp", now.getEpochSecond() + 3600);
    claims.put("iat", now.getEpochSecond() - 60);
    claims.put("iss", "https://acme.cloudflareaccess.com");
    claims.put("sub", "7335d417-61da-459d-899c-0a01c76a2f94");
    claims.put("type", "app");
    Request request =
        new Request(Map.of("Cf-Access-Jwt-Assertion", TestProxyTokens.token(CF_KEY, claims)));

    // tag::proxies[]
    IapVerifier cloudflare = IapVerifier.cloudflareAccess()
        .teamDomain("https://acme.cloudflareaccess.com")   // the issuer; keys at <team>/cdn-cgi/access/certs
        .audiences("4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2") // AUD tag(s)
        // end::proxies[]
        .keySource(IapKeySource.fromJwks(TestProxyTokens.jwks(CF_KEY), "RS256"))
        // tag::proxies[]
        .build();
    IapVerifier alb = IapVerifier.awsAlb()
        .signers("arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188")
        .clientIds("4fmvht22tjrgd7d3k3tghttct7")            // optional: the ALB's OIDC client
        // end::proxies[]
        .keySource(IapKeySource.fromJwks(TestProxyTokens.jwks(EC_KEY)))
        // tag::proxies[]
        .build();                                           // region from the ARN; or .region(...), .keyEndpoint(...)
    IapVerifier pomerium = IapVerifier.pomerium()
        .routeHost("app.example.com")                       // keys at https://<host>/.well-known/pomerium/jwks.json
        .algorithm("ES256")                                 // the default; "RS256" for an RSA signing key
        // end::proxies[]
        .keySource(IapKeySource.fromJwks(TestProxyTokens.jwks(EC_KEY)))
        // tag::proxies[]
        .build();
    IapIdentity who = cloudflare.verify(request.getHeader(cloudflare.header()));
    // end::proxies[]

    assertThat(who.email()).isEqualTo("ada@example.com");
    assertThat(who.proxy()).isEqualTo(IapProxy.CLOUDFLARE_ACCESS);
    assertThat(alb.header()).isEqualTo("x-amzn-oidc-data");
    assertThat(alb.proxy()).isEqualTo(IapProxy.AWS_ALB);
    assertThat(pomerium.header()).isEqualTo("X-Pomerium-Jwt-Assertion");
    assertThat(pomerium.proxy()).isEqualTo(IapProxy.POMERIUM);
  }

  @Test
  void readmeWhenOtherProxiesQuickStartThenShowsExactlyTheCodeRunHere() throws IOException {
    String source =
        Files.readString(Path.of("src/test/java/io/github/iapverifier/OtherProxiesQuickStartTest.java"));
    String readme = Files.readString(Path.of("../README.md"));

    assertThat(readme).contains("```java\n" + QuickStartTest.taggedRegions(source, "proxies") + "```");
  }
}
