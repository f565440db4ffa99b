package io.github.iapverifier.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapProxy;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.test.FakeIap.SecureTokenTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The emulator playing Cloudflare Access, AWS ALB and Pomerium: what reaches the app is verified by
 * the core's verifier for that proxy, configured from {@link Emulator#appSettings()} only.
 */
class EmulatorOtherProxiesTest {

  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private TestUpstream upstream;
  private Emulator emulator;
  private IapVerifier verifier;

  private void start(IapProxy proxy) throws Exception {
    upstream = new TestUpstream();
    emulator =
        Emulator.builder()
            .upstream(upstream.uri())
            .port(0)
            .proxy(proxy)
            .log(new PrintStream(log, true, StandardCharsets.UTF_8))
            .start();
    verifier = verifierFor(emulator);
  }

  @AfterEach
  void stop() {
    if (verifier != null) {
      verifier.close();
    }
    if (emulator != null) {
      emulator.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  @ParameterizedTest
  @EnumSource(value = IapProxy.class, names = "GOOGLE_IAP", mode = EnumSource.Mode.EXCLUDE)
  void getWhenSignedInThenAppGetsTheProxysVerifiableAssertionAndUnsignedHeaders(IapProxy proxy)
      throws Exception {
    start(proxy);
    String cookie = Http.signIn(emulator.baseUri(), "ana@example.com", "", "");

    HttpResponse<String> response = Http.get(emulator.baseUri(), "/reports?q=1", cookie);

    assertThat(response.statusCode()).isEqualTo(200);
    TestUpstream.Received received = upstream.next();
    List<String> assertions = received.header(proxy.header());
    assertThat(assertions).hasSize(1);
    IapIdentity who = verifier.verify(assertions.get(0));
    assertThat(who.email()).isEqualTo("ana@example.com");
    assertThat(who.proxy()).isEqualTo(proxy);
    switch (proxy) {
      case CLOUDFLARE_ACCESS ->
          assertThat(received.header("Cf-Access-Authenticated-User-Email"))
              .containsExactly("ana@example.com");
      case AWS_ALB ->
          assertThat(received.header("x-amzn-oidc-identity")).containsExactly(who.subject());
      default -> {}
    }
    assertThat(received.headers().keySet())
        .noneMatch(name -> name.toLowerCase().startsWith("x-goog-"));
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("GET /reports -> 200 as ana@example.com")
        .doesNotContain(assertions.get(0));
  }

  @ParameterizedTest
  @EnumSource(value = IapProxy.class)
  void getWhenClientSendsAnyProxysHeadersThenOnlyTheEmulatorsReachTheApp(IapProxy proxy)
      throws Exception {
    start(proxy);
    String cookie = Http.signIn(emulator.baseUri(), "ana@example.com", "", "");

    Http.send(
        Http.request(emulator.baseUri(), "/")
            .header("Cookie", cookie)
            .header("Cf-Access-Jwt-Assertion", "forged")
            .header("Cf-Access-Authenticated-User-Email", "boss@example.com")
            .header("x-amzn-oidc-data", "forged")
            .header("X-Amzn-Oidc-Identity", "boss")
            .header("x_amzn_oidc_accesstoken", "forged")
            .header("X-Pomerium-Jwt-Assertion", "forged")
            .header("X-Pomerium-Claim-Email", "boss@example.com")
            .header("X-Goog-Authenticated-User-Email", "accounts.google.com:boss@example.com")
            .build());

    TestUpstream.Received received = upstream.next();
    assertThat(received.headers().values().stream().flatMap(List::stream))
        .doesNotContain("forged", "boss", "boss@example.com")
        .noneMatch(value -> value.contains("boss"));
    assertThat(received.header(proxy.header())).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(value = IapProxy.class, names = "GOOGLE_IAP", mode = EnumSource.Mode.EXCLUDE)
  void secureTokenTestWhenEachCaseThenTheProxysVerifierRejectsItAsExpected(IapProxy proxy)
      throws Exception {
    start(proxy);
    String cookie = Http.signIn(emulator.baseUri(), "ana@example.com", "", "");
    Map<SecureTokenTest, Reason> expected =
        Map.of(
            SecureTokenTest.SIGNATURE, Reason.BAD_SIGNATURE,
            SecureTokenTest.FUTURE_ISSUE, Reason.ISSUED_IN_FUTURE,
            SecureTokenTest.PAST_EXPIRATION, Reason.EXPIRED,
            SecureTokenTest.ISSUER,
                proxy == IapProxy.AWS_ALB ? Reason.WRONG_SIGNER : Reason.WRONG_ISSUER,
            SecureTokenTest.AUDIENCE,
                proxy == IapProxy.AWS_ALB ? Reason.WRONG_SIGNER : Reason.WRONG_AUDIENCE);

    for (SecureTokenTest type : SecureTokenTest.values()) {
      Http.get(
          emulator.baseUri(),
          "/?gcp-iap-mode=SECURE_TOKEN_TEST&iap-secure-token-test-type=" + type,
          cookie);
      String assertion = upstream.next().header(proxy.header()).get(0);
      if (type == SecureTokenTest.NOT_SET) {
        assertThat(verifier.verify(assertion).email()).isEqualTo("ana@example.com");
      } else {
        assertThatThrownBy(() -> verifier.verify(assertion))
            .as(type.name())
            .isInstanceOfSatisfying(
                IapVerificationException.class,
                e -> assertThat(e.reason()).as(type.name()).isEqualTo(expected.get(type)));
      }
    }
  }

  @Test
  void keysWhenAwsAlbThenPemPerKidUnderTheEmulatorsPrefixAnd404ForUnknownKids() throws Exception {
    start(IapProxy.AWS_ALB);
    URI keys = URI.create(emulator.appSettings().get("iap.aws-alb.key-endpoint"));

    assertThat(keys.getPath()).isEqualTo("/_gcp_iap/aws-alb-keys");
    assertThat(emulator.jwksUri()).isEqualTo(keys);
    HttpResponse<String> unknown =
        Http.send(
            Http.request(
                    emulator.baseUri(), keys.getPath() + "/00000000-0000-0000-0000-000000000000")
                .build());
    assertThat(unknown.statusCode()).isEqualTo(404);
    // Before any sign-in: the app fetches keys without a cookie, so a 404 must not be a redirect.
    assertThat(unknown.headers().firstValue("Location")).isEmpty();
  }

  @Test
  void getWhenForeignHostThen421AndNothingForwardedWhicheverProxyIsPlayed() throws Exception {
    start(IapProxy.POMERIUM);

    RawHttp.Response response =
        RawHttp.get(emulator.port(), "/", "Host: evil.example:" + emulator.port());

    assertThat(response.status()).isEqualTo(421);
    assertThat(upstream.nothingReceived()).isTrue();
  }

  @Test
  void audienceWhenAwsAlbThenRefusedNamingTheSignerInstead() {
    assertThatThrownBy(
            () ->
                Emulator.builder()
                    .upstream(URI.create("http://127.0.0.1:9"))
                    .port(0)
                    .proxy(IapProxy.AWS_ALB)
                    .audience("x")
                    .start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("load balancer's ARN");
  }

  /** The verifier an app builds from the settings the emulator prints. */
  static IapVerifier verifierFor(Emulator emulator) {
    Map<String, String> s = emulator.appSettings();
    return switch (emulator.proxy()) {
      case GOOGLE_IAP ->
          IapVerifier.builder()
              .audiences(s.get("iap.audiences"))
              .jwksUri(URI.create(s.get("iap.jwks-uri")))
              .build();
      case CLOUDFLARE_ACCESS ->
          IapVerifier.cloudflareAccess()
              .teamDomain(s.get("iap.cloudflare-access.team-domain"))
              .audiences(s.get("iap.cloudflare-access.audiences"))
              .jwksUri(URI.create(s.get("iap.cloudflare-access.jwks-uri")))
              .build();
      case AWS_ALB ->
          IapVerifier.awsAlb()
              .region(s.get("iap.aws-alb.region"))
              .signers(s.get("iap.aws-alb.signers"))
              .clientIds(s.get("iap.aws-alb.client-ids"))
              .keyEndpoint(URI.create(s.get("iap.aws-alb.key-endpoint")))
              .build();
      case POMERIUM ->
          IapVerifier.pomerium()
              .routeHost(s.get("iap.pomerium.route-host"))
              .algorithm(s.get("iap.pomerium.algorithm"))
              .jwksUri(URI.create(s.get("iap.pomerium.jwks-uri")))
              .build();
    };
  }
}
