package io.github.iapverifier.parity;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapProxy;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.test.FakeIap;
import java.net.http.HttpResponse;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The core cases of each proxy other than Google IAP (Cloudflare Access, AWS ALB, Pomerium), run
 * through the adapter configuration of the {@link ParitySuite} subclass: the app is started once
 * per proxy, with the {@code iap.proxy} and {@code iap.<proxy>.*} settings of the test kit's fake
 * of it, and every configuration must answer each case with the same status, {@code reason}, exact
 * body and {@link Echo} line. What a verified request must carry is computed by the core's own
 * verifier for the same settings, so the adapters agree with the core too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ProxyParitySuite {

  /** A forged value of every proxy's unsigned identity headers (the client's, never trusted). */
  static final String[] FORGED_UNSIGNED = {
    "Cf-Access-Authenticated-User-Email", "boss@example.com",
    "x-amzn-oidc-identity", "boss",
    "x-amzn-oidc-accesstoken", "forged-access-token",
    "X-Pomerium-Claim-Email", "boss@example.com",
    "x-goog-authenticated-user-email", "accounts.google.com:boss@example.com"
  };

  private static final String ANA = "ana@example.com";

  private final Map<IapProxy, Started> started = new EnumMap<>(IapProxy.class);

  /** A proxy's fake, the app trusting it, and the core's verifier for the same settings. */
  private record Started(
      ParityProxy proxy, AdapterConfiguration.RunningApp app, IapVerifier verifier) {}

  /**
   * Returns the configuration under test.
   *
   * @return the configuration
   */
  protected abstract AdapterConfiguration configuration();

  @AfterAll
  void stopProxies() throws Exception {
    for (Started s : started.values()) {
      try (ParityProxy proxy = s.proxy();
          IapVerifier verifier = s.verifier();
          AdapterConfiguration.RunningApp app = s.app()) {
        // closed in reverse order: app, verifier, fake
      }
    }
  }

  private Started started(IapProxy proxy) throws Exception {
    Started s = started.get(proxy);
    if (s == null) {
      ParityProxy fake = ParityProxy.start(proxy);
      s =
          new Started(
              fake, configuration().start(fake.settings()), ParityVerifiers.build(fake.settings()));
      started.put(proxy, s);
    }
    return s;
  }

  private HttpResponse<String> send(IapProxy proxy, String path, String... headers)
      throws Exception {
    return ParityHttp.send(started(proxy).app().baseUri(), "GET", path, headers);
  }

  private static String[] with(String[] headers, String... more) {
    String[] all = new String[headers.length + more.length];
    System.arraycopy(headers, 0, all, 0, headers.length);
    System.arraycopy(more, 0, all, headers.length, more.length);
    return all;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = IapProxy.class, names = "GOOGLE_IAP", mode = EnumSource.Mode.EXCLUDE)
  void proxyWhenValidAssertionAndForgedUnsignedHeadersThenVerifiedIdentityOnly(IapProxy proxy)
      throws Exception {
    Started s = started(proxy);
    String token = s.proxy().valid(ANA);
    IapIdentity ana = s.verifier().verify(token);

    HttpResponse<String> response =
        send(proxy, "/whoami", with(FORGED_UNSIGNED, proxy.header(), token));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo(
            Echo.line(
                200, ANA, ANA, ANA, null, null, s.proxy().unsignedSeenBy(ANA, ana.subject())));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = IapProxy.class, names = "GOOGLE_IAP", mode = EnumSource.Mode.EXCLUDE)
  void proxyWhenNoAssertionThen401Missing(IapProxy proxy) throws Exception {
    ParityHttp.assertRejected(send(proxy, "/whoami"), Reason.MISSING);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = IapProxy.class, names = "GOOGLE_IAP", mode = EnumSource.Mode.EXCLUDE)
  void proxyWhenOnlyForgedUnsignedHeadersThen401Missing(IapProxy proxy) throws Exception {
    ParityHttp.assertRejected(send(proxy, "/whoami", FORGED_UNSIGNED), Reason.MISSING);
  }

  /** Another proxy's assertion header is not this proxy's: the request has no assertion. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = IapProxy.class, names = "GOOGLE_IAP", mode = EnumSource.Mode.EXCLUDE)
  void proxyWhenGoogleAssertionInGooglesHeaderThen401Missing(IapProxy proxy) throws Exception {
    try (FakeIap google = FakeIap.start()) {
      ParityHttp.assertRejected(
          send(proxy, "/whoami", IapVerifier.HEADER, google.token().build()), Reason.MISSING);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = IapProxy.class, names = "GOOGLE_IAP", mode = EnumSource.Mode.EXCLUDE)
  void proxyWhenMalformedThen401Malformed(IapProxy proxy) throws Exception {
    ParityHttp.assertRejected(
        send(proxy, "/whoami", proxy.header(), "not-a-token"), Reason.MALFORMED);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = IapProxy.class, names = "GOOGLE_IAP", mode = EnumSource.Mode.EXCLUDE)
  void proxyWhenTwoAssertionHeadersThen401Malformed(IapProxy proxy) throws Exception {
    String token = started(proxy).proxy().valid(ANA);

    ParityHttp.assertRejected(
        send(proxy, "/whoami", proxy.header(), token, proxy.header(), token), Reason.MALFORMED);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = IapProxy.class, names = "GOOGLE_IAP", mode = EnumSource.Mode.EXCLUDE)
  void proxyWhenExpiredThen401Expired(IapProxy proxy) throws Exception {
    ParityHttp.assertRejected(
        send(proxy, "/whoami", proxy.header(), started(proxy).proxy().expired(ANA)),
        Reason.EXPIRED);
  }

  /** Another application's token (for AWS ALB another load balancer's: WRONG_SIGNER). */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = IapProxy.class, names = "GOOGLE_IAP", mode = EnumSource.Mode.EXCLUDE)
  void proxyWhenForAnotherAppThen401WrongAudienceOrSigner(IapProxy proxy) throws Exception {
    ParityProxy fake = started(proxy).proxy();

    ParityHttp.assertRejected(
        send(proxy, "/whoami", proxy.header(), fake.foreign(ANA)), fake.foreignReason());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = IapProxy.class, names = "GOOGLE_IAP", mode = EnumSource.Mode.EXCLUDE)
  void proxyWhenSignedWithUnpublishedKeyThen401BadSignature(IapProxy proxy) throws Exception {
    ParityHttp.assertRejected(
        send(proxy, "/whoami", proxy.header(), started(proxy).proxy().forged(ANA)),
        Reason.BAD_SIGNATURE);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = IapProxy.class, names = "GOOGLE_IAP", mode = EnumSource.Mode.EXCLUDE)
  void proxyWhenExcludedPathThenNoIdentityAndNoForgedHeader(IapProxy proxy) throws Exception {
    HttpResponse<String> response =
        send(proxy, ParityProxy.EXCLUDED_PATH, with(FORGED_UNSIGNED, proxy.header(), "garbage"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(Echo.line(200, null, null, null, null, null, null));
  }
}
