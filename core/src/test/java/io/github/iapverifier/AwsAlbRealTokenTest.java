package io.github.iapverifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.github.iapverifier.IapIdentity.Source;
import io.github.iapverifier.IapVerificationException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real token of a real AWS ALB (a public test fixture of SmallRye JWT, expired, so verified with
 * a fixed clock before its {@code exp}), with its public key served as AWS serves it: PEM at {@code
 * <endpoint>/<kid>}.
 */
class AwsAlbRealTokenTest {

  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final Map<String, Object> FIXTURE = fixture();
  static final String TOKEN = (String) FIXTURE.get("token");
  static final String KID = (String) FIXTURE.get("kid");
  static final long EXP = ((Number) FIXTURE.get("exp")).longValue();
  static final Clock BEFORE_EXP = Clock.fixed(Instant.ofEpochSecond(EXP - 60), ZoneOffset.UTC);

  @BeforeEach
  void publishKey() {
    wm.stubFor(
        get(urlEqualTo("/keys/" + KID))
            .willReturn(aResponse().withBody((String) FIXTURE.get("publicKeyPem"))));
  }

  static Map<String, Object> fixture() {
    try (InputStream in =
        AwsAlbRealTokenTest.class.getResourceAsStream("/other-proxies/aws-alb.json")) {
      return JSONObjectUtils.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException | java.text.ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  static AwsAlbBuilder builder() {
    return IapVerifier.awsAlb()
        .region((String) FIXTURE.get("region"))
        .keyEndpoint(URI.create(wm.baseUrl() + "/keys"))
        .signers((String) FIXTURE.get("signer"))
        .clientIds((String) FIXTURE.get("client"))
        .clock(BEFORE_EXP);
  }

  @Test
  void verifyWhenRealAlbTokenThenExactClaims() {
    @SuppressWarnings("unchecked")
    Map<String, Object> expect = (Map<String, Object>) FIXTURE.get("expect");
    try (IapVerifier verifier = builder().build()) {
      IapIdentity who = verifier.verify(TOKEN);

      assertThat(who.email()).isEqualTo(expect.get("email"));
      assertThat(who.subject()).isEqualTo(expect.get("sub"));
      assertThat(who.claims()).containsEntry("username", expect.get("username"));
      assertThat(who.claims()).containsEntry("email_verified", "true");
      assertThat(who.proxy()).isEqualTo(IapProxy.AWS_ALB);
      assertThat(who.source()).isEqualTo(Source.OTHER);
      assertThat(who.audience()).isEqualTo(FIXTURE.get("signer"));
      assertThat(who.expiresAt()).isEqualTo(Instant.ofEpochSecond(EXP));
      assertThat(who.issuedAt()).isEqualTo(Instant.EPOCH);
      assertThat(who.hostedDomain()).isEmpty();
      assertThat(who.accessLevels()).isEmpty();
      assertThat(who.groups()).isEmpty();
      assertThat(verifier.proxy()).isEqualTo(IapProxy.AWS_ALB);
      assertThat(verifier.header()).isEqualTo("x-amzn-oidc-data");
    }
  }

  @Test
  void inspectWhenRealTokenThenEveryCheckPassesAndWrongSignerIsNamed() {
    try (IapVerifier verifier = builder().build()) {
      IapInspection ok = verifier.inspect(TOKEN);
      assertThat(ok.failure()).isEmpty();
      assertThat(ok.identity()).map(IapIdentity::email).contains("duke@sun.com");
      assertThat(ok.header()).containsEntry("signer", FIXTURE.get("signer"));
    }
    try (IapVerifier other =
        IapVerifier.awsAlb()
            .keyEndpoint(URI.create(wm.baseUrl() + "/keys"))
            .signers(
                "arn:aws:elasticloadbalancing:eu-central-1:197280958225:loadbalancer/app/x/0123456789abcdef")
            .clock(BEFORE_EXP)
            .build()) {
      assertThat(other.inspect(TOKEN).reason()).contains(Reason.WRONG_SIGNER);
    }
  }

  @Test
  void verifyWhenRealTokenWithoutClientIdsConfiguredThenAccepted() {
    try (IapVerifier verifier =
        IapVerifier.awsAlb()
            .keyEndpoint(URI.create(wm.baseUrl() + "/keys"))
            .signers((String) FIXTURE.get("signer"))
            .clock(BEFORE_EXP)
            .build()) {
      assertThat(verifier.verify(TOKEN).email()).isEqualTo("duke@sun.com");
    }
  }

  @Test
  void verifyWhenRealTokenPastItsExpThenExpired() {
    Clock after = Clock.fixed(Instant.ofEpochSecond(EXP + 31), ZoneOffset.UTC);
    try (IapVerifier verifier = builder().clock(after).build()) {
      TestIap.assertRejected(verifier, TOKEN, Reason.EXPIRED);
    }
  }

  @Test
  void verifyWhenRealTokenUnpaddedThenMalformed() {
    // The same bytes without the '=' ALB writes: not what ALB sends, and not what it signed.
    try (IapVerifier verifier = builder().build()) {
      TestIap.assertRejected(verifier, TOKEN.replace("=", ""), Reason.MALFORMED);
    }
  }

  @Test
  void verifyWhenRealTokenGivenToGoogleIapVerifierThenMalformed() {
    // Padding is accepted in ALB mode only.
    try (IapVerifier iap =
        IapVerifier.builder()
            .audiences(TestIap.AUDIENCE)
            .keySource(new TestIap().keySource())
            .clock(BEFORE_EXP)
            .build()) {
      TestIap.assertRejected(iap, TOKEN, Reason.MALFORMED);
    }
  }

  @Test
  void verifyWhenAnySingleCharacterChangedThenRejected() {
    String replacements = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=.+/ ";
    Map<Reason, Integer> seen = new EnumMap<>(Reason.class);
    int variants = 0;
    try (IapVerifier verifier = builder().tokenCacheSize(0).build()) {
      assertThat(verifier.verify(TOKEN).email()).isEqualTo("duke@sun.com");
      for (int i = 0; i < TOKEN.length(); i++) {
        for (String changed : changes(TOKEN, i, replacements)) {
          variants++;
          Throwable t = catchThrowable(() -> verifier.verify(changed));
          assertThat(t)
              .as("changed at %d: %s", changed.length() == TOKEN.length() ? i : -i, changed)
              .isInstanceOf(IapVerificationException.class);
          seen.merge(((IapVerificationException) t).reason(), 1, Integer::sum);
        }
      }
      // Still the original verifies: the loop did not break the verifier.
      assertThat(verifier.verify(TOKEN).email()).isEqualTo("duke@sun.com");
    }
    assertThat(variants).isGreaterThan(TOKEN.length() * 60);
    assertThat(seen).containsKeys(Reason.MALFORMED, Reason.BAD_SIGNATURE, Reason.WRONG_SIGNER);
    // Random-looking kids hit the endpoint only within the fetch budget.
    assertThat(wm.findAll(anyRequestedFor(anyUrl())).size()).isLessThanOrEqualTo(11);
  }

  /** Every token that differs from {@code token} at {@code i} by one character, or lacks it. */
  static java.util.List<String> changes(String token, int i, String replacements) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (char c : replacements.toCharArray()) {
      if (c != token.charAt(i)) {
        out.add(token.substring(0, i) + c + token.substring(i + 1));
      }
    }
    out.add(token.substring(0, i) + token.substring(i + 1));
    return out;
  }
}
