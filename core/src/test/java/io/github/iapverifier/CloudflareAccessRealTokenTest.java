package io.github.iapverifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.github.iapverifier.IapIdentity.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real Cloudflare Access token (a public test fixture of Cloudflare's Atlassian plugin, with the
 * JWKS that verifies it), served over HTTP: it verifies with its exact claims, and no
 * single-character change of it is accepted or escapes as anything but a verification failure.
 */
class CloudflareAccessRealTokenTest extends KeySourceTestBase {

  /** Every character a header value could carry in place of one of the token's. */
  private static final String REPLACEMENTS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \u00e9\u0000";

  private Map<String, Object> fixture;
  private Map<String, Object> first;
  private String token;
  private IapVerifier verifier;

  @BeforeEach
  @SuppressWarnings("unchecked")
  void loadFixture() throws Exception {
    fixture = JSONObjectUtils.parse(read("other-proxies/cloudflare-access.json"));
    first = (Map<String, Object>) ((List<Object>) fixture.get("tokens")).get(0);
    token = (String) first.get("token");
    publish(JSONObjectUtils.toJSONString((Map<String, Object>) fixture.get("jwks")), null);
    // Half-way through the token's day of validity.
    long iat = ((Number) first.get("iat")).longValue();
    Clock clock = Clock.fixed(Instant.ofEpochSecond(iat + 3600), ZoneOffset.UTC);
    verifier =
        closeLater(
            IapVerifier.cloudflareAccess()
                .teamDomain((String) fixture.get("teamDomain"))
                .audiences((String) fixture.get("aud"))
                .jwksUri(jwksUri())
                .clock(clock)
                .build());
  }

  @Test
  void verifyWhenRealTokenThenExactClaims() {
    IapIdentity who = verifier.verify(token);

    assertThat(who.proxy()).isEqualTo(IapProxy.CLOUDFLARE_ACCESS);
    assertThat(who.source()).isEqualTo(Source.OTHER);
    assertThat(who.email()).isEqualTo("felipe.nascimento1@gmail.com");
    assertThat(who.subject()).isEqualTo("4b82b38a-9236-493d-8752-580ad000ea3e");
    assertThat(who.audience()).isEqualTo(fixture.get("aud"));
    assertThat(who.issuedAt()).isEqualTo(Instant.ofEpochSecond(1525984241));
    assertThat(who.expiresAt()).isEqualTo(Instant.ofEpochSecond(1526070640));
    assertThat(who.groups()).isEmpty();
    assertThat(who.hostedDomain()).isEmpty();
    assertThat(who.accessLevels()).isEmpty();
    assertThat(who.identityPlatform()).isEmpty();
    assertThat(who.claims())
        .containsOnlyKeys("aud", "email", "exp", "iat", "iss", "nonce", "sub")
        .containsEntry("iss", "https://cfaplugin.cloudflareaccess.com")
        .containsEntry("nonce", "da1e194d428a80d3acb07719b8d63f7e85bf6e2ee9cfffb0d4cabaa8ba4386cd");
    assertThat(verifier.header()).isEqualTo("Cf-Access-Jwt-Assertion");
  }

  @Test
  void verifyWhenAnySingleCharacterOfRealTokenChangedThenVerificationException() {
    // Primes the verified-token cache too: no change may be answered from it.
    verifier.verify(token);
    List<String> escaped = new ArrayList<>();
    int tried = 0;
    for (int i = 0; i < token.length(); i++) {
      for (int r = 0; r < REPLACEMENTS.length(); r++) {
        char c = REPLACEMENTS.charAt(r);
        if (c == token.charAt(i)) {
          continue;
        }
        String changed = token.substring(0, i) + c + token.substring(i + 1);
        tried++;
        try {
          verifier.verify(changed);
          escaped.add("accepted with '" + c + "' at " + i);
        } catch (IapVerificationException expected) {
          // The only acceptable outcome.
        } catch (RuntimeException e) {
          escaped.add(e.getClass().getName() + " with '" + c + "' at " + i);
        }
      }
    }

    assertThat(tried).isGreaterThan(token.length() * 60);
    assertThat(escaped).isEmpty();
    assertThat(verifier.verify(token).email()).isEqualTo("felipe.nascimento1@gmail.com");
  }

  @Test
  void verifyWhenRealTokenAfterExpiryThenExpired() {
    long exp = ((Number) first.get("exp")).longValue();
    IapVerifier late =
        closeLater(
            IapVerifier.cloudflareAccess()
                .teamDomain((String) fixture.get("teamDomain"))
                .audiences((String) fixture.get("aud"))
                .jwksUri(jwksUri())
                .clock(Clock.fixed(Instant.ofEpochSecond(exp + 31), ZoneOffset.UTC))
                .build());

    TestIap.assertRejected(late, token, IapVerificationException.Reason.EXPIRED);
  }

  private static String read(String resource) throws IOException {
    try (InputStream in =
        Objects.requireNonNull(
            CloudflareAccessRealTokenTest.class.getResourceAsStream(resource), resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
