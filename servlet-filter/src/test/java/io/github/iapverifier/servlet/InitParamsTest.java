package io.github.iapverifier.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.iapverifier.IapAudience;
import io.github.iapverifier.IapProxy;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.RemoteKeySource;
import io.github.iapverifier.web.IapHttpRequest;
import io.github.iapverifier.web.IapProblem;
import io.github.iapverifier.web.IapRequestPipeline;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.event.Level;

class InitParamsTest {

  private static final String AUDIENCE = "/projects/123456789012/apps/my-project";
  private static final String RUN_AUDIENCE =
      "/projects/123456789012/locations/europe-west1/services/billing";

  private static Map<String, String> params(String... nameValue) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("audiences", AUDIENCE);
    for (int i = 0; i < nameValue.length; i += 2) {
      params.put(nameValue[i], nameValue[i + 1]);
    }
    return params;
  }

  private static IapRequestPipeline settings(Map<String, String> params) {
    InitParams parsed = InitParams.parse(params);
    // Built, never warmed up: nothing is fetched.
    try (IapVerifier verifier = parsed.verifier().build()) {
      return parsed.pipeline().build(verifier);
    }
  }

  private static final IapHttpRequest GET_ROOT = request("/");

  /** Whether a plain GET of this path is exempt. */
  private static boolean exempt(IapRequestPipeline pipeline, String path) {
    return pipeline.isExempt(request(path));
  }

  private static IapHttpRequest request(String path) {
    return new IapHttpRequest() {
      @Override
      public String method() {
        return "GET";
      }

      @Override
      public String path() {
        return path;
      }

      @Override
      public String pathWithinApplication() {
        return path;
      }

      @Override
      public java.util.List<String> headers(String name) {
        return java.util.List.of();
      }

      @Override
      public String remoteAddress() {
        return null;
      }
    };
  }

  @Test
  void parseWhenEverySettingGivenThenAllApplied() {
    Map<String, String> params =
        params(
            "audiences", AUDIENCE + ",\n  " + RUN_AUDIENCE,
            "jwks-uri", "http://127.0.0.1:9/keys",
            "excluded-paths", " /healthz ,\n /status/** ",
            "allowed-hosted-domains", "example.com, example.org",
            "required-access-levels", "accessPolicies/1/accessLevels/corp",
            "clock-skew", "PT45S",
            "token-cache-size", "0",
            "allow-cors-preflight", "TRUE",
            "include-rejection-message", "true",
            "rejection-log-level", "debug, POLICY_DENIED=error");

    IapRequestPipeline s = settings(params);

    assertThat(s.verifier().audiences())
        .containsExactly(IapAudience.of(AUDIENCE), IapAudience.of(RUN_AUDIENCE));
    assertThat(((RemoteKeySource) s.verifier().keySource()).jwksUri())
        .isEqualTo(URI.create("http://127.0.0.1:9/keys"));
    assertThat(s.toString())
        .contains("excludedPaths=[/healthz, /status/**]")
        .contains("corsPreflight=exempt");
    assertThat(exempt(s, "/status/x")).isTrue();
    assertThat(s.rejectionLogLevel(Reason.MISSING)).isEqualTo(Level.DEBUG);
    assertThat(s.rejectionLogLevel(Reason.KEYS_UNAVAILABLE)).isEqualTo(Level.DEBUG);
    assertThat(s.rejectionLogLevel(Reason.POLICY_DENIED)).isEqualTo(Level.ERROR);
    assertThat(s.rejectMissing(GET_ROOT).bodyText()).contains("no IAP assertion: the request");
  }

  @Test
  void parseWhenOnlyAudiencesThenDefaults() {
    IapRequestPipeline s = settings(params());

    assertThat(s.toString()).contains("excludedPaths=[]").contains("corsPreflight=verified");
    assertThat(s.rejectionLogLevel(Reason.MISSING)).isEqualTo(Level.INFO);
    assertThat(s.rejectionLogLevel(Reason.WRONG_AUDIENCE)).isEqualTo(Level.INFO);
    assertThat(s.rejectionLogLevel(Reason.POLICY_DENIED)).isEqualTo(Level.WARN);
    assertThat(s.rejectionLogLevel(Reason.KEYS_UNAVAILABLE)).isEqualTo(Level.WARN);
    assertThat(s.rejectMissing(GET_ROOT).bodyText()).contains(IapProblem.detail(Reason.MISSING));
  }

  @Test
  void parseWhenBlankOptionalValuesThenTreatedAsAbsent() {
    IapRequestPipeline s =
        settings(params("excluded-paths", "  ", "clock-skew", "", "allow-cors-preflight", " "));

    assertThat(s.toString()).contains("excludedPaths=[]").contains("corsPreflight=verified");
  }

  @Test
  void parseWhenAudiencesMissingThenSaysWhatToSet() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> InitParams.parse(Map.of("excluded-paths", "/healthz")))
        .withMessageContaining("init-param 'audiences' is required")
        .withMessageContaining("/projects/NUMBER/global/backendServices/ID")
        .withMessageContaining("'detect'");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> InitParams.parse(Map.of("audiences", " , ")))
        .withMessageContaining("init-param 'audiences' is required");
  }

  @Test
  void parseWhenAudienceMalformedThenNamesParamAndValue() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> InitParams.parse(params("audiences", AUDIENCE + ",/projects/x/apps/y")))
        .withMessageStartingWith("init-param 'audiences': audience '/projects/x/apps/y'")
        .withMessageContaining("is not an IAP audience");
  }

  @Test
  void parseWhenDetectOutsideCloudRunAndAppEngineThenSaysWhy() {
    assumeTrue(
        System.getenv("K_SERVICE") == null
            && System.getenv("GAE_APPLICATION") == null
            && System.getenv("GAE_SERVICE") == null,
        "runs only outside Cloud Run and App Engine");

    assertThatIllegalArgumentException()
        .isThrownBy(() -> InitParams.parse(params("audiences", "detect")))
        .withMessageStartingWith("init-param 'audiences' is 'detect', but cannot detect")
        .withMessageContaining("K_SERVICE");
  }

  @Test
  void parseWhenUnknownParamThenListsKnownOnes() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> InitParams.parse(params("audience", AUDIENCE)))
        .withMessage(
            "unknown init-param 'audience'; known init-params are [proxy, audiences, jwks-uri,"
                + " team-domain, region, signers, client-ids, issuers, key-endpoint, route-host,"
                + " algorithm, excluded-paths, allowed-hosted-domains, required-access-levels,"
                + " clock-skew, token-cache-size, allow-cors-preflight, include-rejection-message,"
                + " rejection-log-level]");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "jwks-uri|not a uri|init-param 'jwks-uri': 'not a uri' is not an absolute http(s) URI",
        "jwks-uri|/relative/keys|init-param 'jwks-uri': '/relative/keys' is not an absolute",
        "jwks-uri|ftp://example.com/keys|init-param 'jwks-uri': 'ftp://example.com/keys' is not",
        "clock-skew|30x|init-param 'clock-skew': '30x' is neither an ISO-8601 duration such as"
            + " PT30S nor a whole number of seconds",
        "clock-skew|-5|init-param 'clock-skew': '-5' is neither",
        "clock-skew|PT10M|init-param 'clock-skew': clockSkew must be between 0 and PT5M, got PT10M",
        "token-cache-size|lots|init-param 'token-cache-size': 'lots' is not a whole number",
        "token-cache-size|-1|init-param 'token-cache-size': '-1' is not a whole number",
        "allow-cors-preflight|yes|init-param 'allow-cors-preflight': 'yes' is neither true nor"
            + " false",
        "rejection-log-level|LOUD|init-param 'rejection-log-level': 'LOUD' is not a log level",
        "rejection-log-level|NOPE=INFO|init-param 'rejection-log-level': 'NOPE' is not a"
            + " rejection reason",
        "rejection-log-level|MISSING=LOUD|init-param 'rejection-log-level': 'LOUD' is not a log"
            + " level",
        "excluded-paths|/healthz,/**|init-param 'excluded-paths': excluded path '/**' would"
            + " exempt the whole application",
        "excluded-paths|healthz|init-param 'excluded-paths': excluded path 'healthz' must be",
        "allowed-hosted-domains|ana@example.com|init-param 'allowed-hosted-domains': allowed"
            + " hosted domain 'ana@example.com' must be a domain",
        "required-access-levels|corp|init-param 'required-access-levels': access level 'corp'"
            + " must be a full name",
      })
  void parseWhenValueInvalidThenMessageNamesParamValueAndWhatIsAccepted(
      String name, String value, String message) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> InitParams.parse(params(name, value)))
        .withMessageStartingWith(message);
  }

  @ParameterizedTest
  @CsvSource({"PT30S,30", "PT1M,60", "45,45", "0,0", "PT0.5S,0.5"})
  void durationWhenIsoOrSecondsThenParsed(String value, double seconds) {
    assertThat(InitParams.duration(value)).isEqualTo(Duration.ofMillis((long) (seconds * 1000)));
  }

  @Test
  void namesWhenListedThenEveryNameIsParsed() {
    // Guards against a name added to NAMES but not parsed: its value would be silently ignored.
    Map<String, String> invalid =
        Map.ofEntries(
            Map.entry("proxy", "x"),
            Map.entry("team-domain", "x"),
            Map.entry("region", "x"),
            Map.entry("signers", "x"),
            Map.entry("client-ids", "x"),
            Map.entry("issuers", "x"),
            Map.entry("key-endpoint", "x"),
            Map.entry("route-host", "x"),
            Map.entry("algorithm", "x"),
            Map.entry("audiences", "x"),
            Map.entry("jwks-uri", "x"),
            Map.entry("excluded-paths", "x"),
            Map.entry("allowed-hosted-domains", "a@b"),
            Map.entry("required-access-levels", "x"),
            Map.entry("clock-skew", "x"),
            Map.entry("token-cache-size", "x"),
            Map.entry("allow-cors-preflight", "x"),
            Map.entry("include-rejection-message", "x"),
            Map.entry("rejection-log-level", "x"));
    assertThat(invalid.keySet()).containsExactlyInAnyOrderElementsOf(InitParams.NAMES);
    for (String name : InitParams.NAMES) {
      assertThatIllegalArgumentException()
          .as(name)
          .isThrownBy(() -> InitParams.parse(params(name, invalid.get(name))))
          .withMessageContaining("init-param '" + name + "'");
    }
  }

  private static Map<String, String> only(String... nameValue) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      params.put(nameValue[i], nameValue[i + 1]);
    }
    return params;
  }

  @Test
  void parseWhenProxyUnknownThenMessageNamesAcceptedValues() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> InitParams.parse(params("proxy", "traefik")))
        .withMessageStartingWith("init-param 'proxy': unknown proxy 'traefik'")
        .withMessageContaining("google-iap, cloudflare-access, aws-alb, pomerium");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "cloudflare-access|audiences|aud|team-domain",
        "cloudflare-access|team-domain|https://t.cloudflareaccess.com|audiences",
        "aws-alb|region|eu-central-1|signers",
        "pomerium|algorithm|ES256|route-host",
      })
  void parseWhenRequiredParamOfProxyMissingThenMessageNamesIt(
      String proxy, String given, String value, String missing) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> InitParams.parse(only("proxy", proxy, given, value)))
        .withMessageStartingWith("init-param '" + missing + "' is required");
  }

  @Test
  void parseWhenGoogleOnlyParamsWithCloudflareThenFailsNamingEach() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                InitParams.parse(
                    only(
                        "proxy", "cloudflare-access",
                        "team-domain", "https://t.cloudflareaccess.com",
                        "audiences", "aud",
                        "allowed-hosted-domains", "example.com",
                        "required-access-levels", "accessPolicies/1/accessLevels/corp")))
        .withMessageStartingWith(
            "init-params [allowed-hosted-domains, required-access-levels] do not apply to proxy"
                + " 'cloudflare-access' and would be ignored");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "google-iap|team-domain|https://t.cloudflareaccess.com",
        "google-iap|signers|arn",
        "google-iap|route-host|app.example.com",
        "aws-alb|jwks-uri|https://example.com/keys",
        "aws-alb|audiences|aud",
        "pomerium|region|eu-central-1",
        "cloudflare-access|algorithm|RS256",
      })
  void parseWhenParamOfAnotherProxyThenFailsNamingIt(String proxy, String name, String value) {
    Map<String, String> params = params("proxy", proxy, name, value);
    if (!proxy.equals("google-iap")) {
      params.remove("audiences");
      params.put(name, value);
    }

    assertThatIllegalArgumentException()
        .isThrownBy(() -> InitParams.parse(params))
        .withMessageStartingWith(
            "init-param '" + name + "' does not apply to proxy '" + proxy + "'");
  }

  @Test
  void parseWhenBlankParamOfAnotherProxyThenTreatedAsAbsent() {
    IapRequestPipeline s = settings(params("team-domain", " ", "proxy", "GOOGLE_IAP"));

    assertThat(s.verifier().proxy()).isEqualTo(IapProxy.GOOGLE_IAP);
  }

  @Test
  void parseWhenCloudflareParamsThenCloudflareVerifierReadingItsHeader() {
    IapRequestPipeline s =
        settings(
            only(
                "proxy", "cloudflare-access",
                "team-domain", "https://acme.cloudflareaccess.com",
                "audiences", "aud1, aud2",
                "clock-skew", "10"));

    assertThat(s.verifier().proxy()).isEqualTo(IapProxy.CLOUDFLARE_ACCESS);
    assertThat(s.verifier().header()).isEqualTo("Cf-Access-Jwt-Assertion");
    assertThat(s.rejectMissing(GET_ROOT).bodyText()).contains("\"reason\":\"MISSING\"");
  }

  @Test
  void parseWhenAlbParamsThenAlbVerifier() {
    IapRequestPipeline s =
        settings(
            only(
                "proxy", "aws-alb",
                "region", "eu-central-1",
                "signers",
                    "arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/app/a/b",
                "client-ids", "client1"));

    assertThat(s.verifier().proxy()).isEqualTo(IapProxy.AWS_ALB);
    assertThat(s.verifier().header()).isEqualTo("x-amzn-oidc-data");
  }

  @Test
  void parseWhenPomeriumParamsThenPomeriumVerifier() {
    IapRequestPipeline s =
        settings(only("proxy", "pomerium", "route-host", "app.example.com", "algorithm", "RS256"));

    assertThat(s.verifier().proxy()).isEqualTo(IapProxy.POMERIUM);
    assertThat(s.verifier().header()).isEqualTo("X-Pomerium-Jwt-Assertion");
  }
}
