package io.github.iapverifier.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iapverifier.IapProxy;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.test.FakeAwsAlb;
import io.github.iapverifier.test.FakeCloudflareAccess;
import io.github.iapverifier.test.FakePomerium;
import io.github.iapverifier.web.IapProblem;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link IapFilter} configured by init-params for each proxy other than Google IAP (which {@link
 * IapFilterContainerTest} covers), in a real Jetty 12, with real tokens of each proxy's fake (keys
 * served over HTTP): the assertion is read from the proxy's own header, the proxy's unsigned
 * identity headers are rewritten from the verified identity, every other proxy's are removed.
 */
class IapFilterProxiesTest {

  /** A client's forgeries of every proxy's unsigned identity headers. */
  static final String[] FORGED = {
    "x-goog-authenticated-user-email", "accounts.google.com:boss@example.com",
    "Cf-Access-Authenticated-User-Email", "boss@example.com",
    "x-amzn-oidc-identity", "boss",
    "X-Pomerium-Claim-Email", "boss@example.com",
  };

  static FakeCloudflareAccess cloudflare;
  static FakeAwsAlb alb;
  static FakePomerium pomerium;
  static Jetty jetty;

  @BeforeAll
  static void start() {
    cloudflare = FakeCloudflareAccess.start();
    alb = FakeAwsAlb.start();
    pomerium = FakePomerium.start();
    ContextHandlerCollection contexts = new ContextHandlerCollection();
    for (IapProxy proxy :
        List.of(IapProxy.CLOUDFLARE_ACCESS, IapProxy.AWS_ALB, IapProxy.POMERIUM)) {
      ServletContextHandler context = TestApp.context("/" + proxy.configName(), new IapFilter());
      FilterHolder holder = context.getServletHandler().getFilter("iap");
      initParams(proxy).forEach(holder::setInitParameter);
      contexts.addHandler(context);
    }
    jetty = Jetty.start(contexts);
  }

  @AfterAll
  static void stop() throws Exception {
    jetty.close();
    cloudflare.close();
    alb.close();
    pomerium.close();
  }

  /** The init-params a web.xml would carry for the proxy's fake. */
  static Map<String, String> initParams(IapProxy proxy) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("proxy", proxy.configName());
    switch (proxy) {
      case CLOUDFLARE_ACCESS:
        params.put("team-domain", cloudflare.teamDomain());
        params.put("audiences", cloudflare.audience());
        params.put("jwks-uri", cloudflare.jwksUri().toString());
        break;
      case AWS_ALB:
        params.put("region", alb.region());
        params.put("signers", alb.signer());
        params.put("client-ids", alb.clientId());
        params.put("key-endpoint", alb.keyEndpoint().toString());
        break;
      default:
        params.put("route-host", pomerium.routeHost());
        params.put("algorithm", pomerium.algorithm());
        params.put("jwks-uri", pomerium.jwksUri().toString());
        break;
    }
    params.put("excluded-paths", "/healthz");
    return params;
  }

  static String token(IapProxy proxy, String email) {
    switch (proxy) {
      case CLOUDFLARE_ACCESS:
        return cloudflare.token().email(email).build();
      case AWS_ALB:
        return alb.token().email(email).subject("sub-" + email).build();
      default:
        return pomerium.token().email(email).groups("admins", "devs").build();
    }
  }

  private static HttpResponse<String> get(IapProxy proxy, String path, String... headers) {
    return jetty.get("/" + proxy.configName() + path, headers);
  }

  private static String[] with(String[] first, String... more) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @ParameterizedTest
  @EnumSource(names = {"CLOUDFLARE_ACCESS", "AWS_ALB", "POMERIUM"})
  void getWhenValidAssertionInProxysHeaderThenIdentityAndOnlyItsHeadersFromIt(IapProxy proxy) {
    HttpResponse<String> response =
        get(
            proxy,
            "/whoami",
            with(
                FORGED,
                proxy.header(),
                token(proxy, "ana@example.com"),
                "x-amzn-oidc-accesstoken",
                "at"));

    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, String> seen = TestServlets.parse(response.body());
    assertThat(seen)
        .containsEntry("principal", "IapPrincipal:ana@example.com")
        .containsEntry("remoteUser", "ana@example.com")
        .containsEntry("proxy", proxy.configName())
        .containsEntry("emailHeader", "null")
        .containsEntry("idHeader", "null");
    switch (proxy) {
      case CLOUDFLARE_ACCESS:
        assertThat(seen)
            .containsEntry("cfEmail", "ana@example.com")
            .containsEntry("albIdentity", "null")
            .containsEntry("pomeriumEmail", "null")
            .containsEntry("albAccessToken", "null")
            .containsEntry("identityNames", "[cf-access-authenticated-user-email]");
        break;
      case AWS_ALB:
        assertThat(seen)
            .containsEntry("cfEmail", "null")
            .containsEntry("albIdentity", "sub-ana@example.com")
            .containsEntry("albAccessToken", "at")
            .containsEntry("pomeriumEmail", "null")
            .containsEntry("identityNames", "[x-amzn-oidc-accesstoken, x-amzn-oidc-identity]");
        break;
      default:
        assertThat(seen)
            .containsEntry("cfEmail", "null")
            .containsEntry("albIdentity", "null")
            .containsEntry("albAccessToken", "null")
            .containsEntry("pomeriumEmail", "ana@example.com")
            .containsEntry("identityNames", "[x-pomerium-claim-email]");
        break;
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"POMERIUM"})
  void getWhenPomeriumClaimHeaderForgedThenRewrittenFromClaims(IapProxy proxy) {
    HttpResponse<String> response =
        get(
            proxy,
            "/whoami",
            proxy.header(),
            token(proxy, "ana@example.com"),
            "X-Pomerium-Claim-Groups",
            "root",
            "X-Pomerium-Claim-Nickname",
            "boss");

    assertThat(TestServlets.parse(response.body()))
        .containsEntry("pomeriumGroups", "[admins,devs]")
        .containsEntry("identityNames", "[x-pomerium-claim-groups]");
  }

  @ParameterizedTest
  @EnumSource(names = {"CLOUDFLARE_ACCESS", "AWS_ALB", "POMERIUM"})
  void getWhenNoAssertionThen401MissingWithFixedDetail(IapProxy proxy) {
    HttpResponse<String> response = get(proxy, "/whoami", FORGED);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("IAP");
    assertThat(response.body())
        .contains("\"reason\":\"MISSING\"")
        .contains(IapProblem.detail(Reason.MISSING));
  }

  @ParameterizedTest
  @EnumSource(names = {"CLOUDFLARE_ACCESS", "AWS_ALB", "POMERIUM"})
  void getWhenValidAssertionInGooglesHeaderThen401Missing(IapProxy proxy) {
    HttpResponse<String> response =
        get(proxy, "/whoami", IapVerifier.HEADER, token(proxy, "ana@example.com"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("\"reason\":\"MISSING\"");
  }

  @ParameterizedTest
  @EnumSource(names = {"CLOUDFLARE_ACCESS", "AWS_ALB", "POMERIUM"})
  void getWhenTwoAssertionsThen401Malformed(IapProxy proxy) {
    String token = token(proxy, "ana@example.com");

    HttpResponse<String> response =
        get(proxy, "/whoami", proxy.header(), token, proxy.header(), token);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("\"reason\":\"MALFORMED\"");
  }

  @ParameterizedTest
  @EnumSource(names = {"CLOUDFLARE_ACCESS", "AWS_ALB", "POMERIUM"})
  void getWhenAnotherProxysAssertionThen401NotServed(IapProxy proxy) {
    IapProxy other = proxy == IapProxy.POMERIUM ? IapProxy.CLOUDFLARE_ACCESS : IapProxy.POMERIUM;

    HttpResponse<String> response =
        get(proxy, "/whoami", proxy.header(), token(other, "ana@example.com"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).doesNotContain("ana@example.com");
  }

  @ParameterizedTest
  @EnumSource(names = {"CLOUDFLARE_ACCESS", "AWS_ALB", "POMERIUM"})
  void getWhenExcludedPathWithForgedHeadersThenServedWithEveryIdentityHeaderRemoved(
      IapProxy proxy) {
    HttpResponse<String> response =
        get(proxy, "/healthz", with(FORGED, "x-amzn-oidc-accesstoken", "at"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).doesNotContain("boss").doesNotContain("=at");
  }

  @ParameterizedTest
  @EnumSource(names = {"CLOUDFLARE_ACCESS", "AWS_ALB", "POMERIUM"})
  void initWhenGoogleOnlyParamWithOtherProxyThenFailsNamingIt(IapProxy proxy) {
    Map<String, String> params = initParams(proxy);
    params.put("allowed-hosted-domains", "example.com");
    IapFilter filter = new IapFilter();

    assertThatThrownBy(() -> filter.init(IapFilterLifecycleTest.config(params)))
        .hasMessageContaining(
            "init-param 'allowed-hosted-domains' does not apply to proxy '"
                + proxy.configName()
                + "'");
    assertThatThrownBy(() -> filter.doFilter(null, null, null))
        .hasMessageContaining("not initialised");
  }
}
