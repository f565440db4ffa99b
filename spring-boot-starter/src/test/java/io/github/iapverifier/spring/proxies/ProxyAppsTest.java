package io.github.iapverifier.spring.proxies;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapProxy;
import io.github.iapverifier.spring.proxies.reactive.ProxyReactiveApplication;
import io.github.iapverifier.spring.proxies.servlet.ProxyServletApplication;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * Real Boot apps on real ports, one per proxy other than Google IAP and per stack: servlet with the
 * starter's Spring Security chain, servlet behind the plain filter (Spring Security hidden),
 * WebFlux with reactive Spring Security, WebFlux behind the plain {@code IapWebFilter}. Each gets
 * real tokens of the proxy's fake in the proxy's own header.
 */
class ProxyAppsTest {

  enum Stack {
    SERVLET_SECURITY(ProxyServletApplication.class, WebApplicationType.SERVLET, true),
    SERVLET_PLAIN(ProxyServletApplication.class, WebApplicationType.SERVLET, false),
    REACTIVE_SECURITY(ProxyReactiveApplication.class, WebApplicationType.REACTIVE, true),
    REACTIVE_PLAIN(ProxyReactiveApplication.class, WebApplicationType.REACTIVE, false);

    final Class<?> app;
    final WebApplicationType type;
    final boolean security;

    Stack(Class<?> app, WebApplicationType type, boolean security) {
      this.app = app;
      this.type = type;
      this.security = security;
    }
  }

  /** A client's forgeries of every proxy's unsigned identity headers. */
  static final String[] FORGED = {
    "x-goog-authenticated-user-email", "accounts.google.com:boss@example.com",
    "Cf-Access-Authenticated-User-Email", "boss@example.com",
    "x-amzn-oidc-identity", "boss",
    "X-Pomerium-Claim-Email", "boss@example.com",
  };

  static TestProxies proxies;
  static final Map<Stack, Map<IapProxy, ConfigurableApplicationContext>> apps =
      new EnumMap<>(Stack.class);

  @BeforeAll
  static void startFakes() {
    proxies = new TestProxies();
  }

  @AfterAll
  static void stop() {
    apps.values()
        .forEach(byProxy -> byProxy.values().forEach(ConfigurableApplicationContext::close));
    proxies.close();
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (Stack stack : Stack.values()) {
      for (IapProxy proxy : TestProxies.OTHERS) {
        cases.add(Arguments.of(stack, proxy));
      }
    }
    return cases.stream();
  }

  /** Started once per stack and proxy, on first use. */
  static synchronized int port(Stack stack, IapProxy proxy) {
    ConfigurableApplicationContext app =
        apps.computeIfAbsent(stack, s -> new LinkedHashMap<>())
            .computeIfAbsent(proxy, p -> start(stack, p));
    return app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
  }

  private static ConfigurableApplicationContext start(Stack stack, IapProxy proxy) {
    List<String> properties = new ArrayList<>(proxies.properties(proxy));
    properties.add("server.port=0");
    properties.add("iap.excluded-paths=/healthz,/actuator/health/**,/actuator/metrics/**");
    properties.add("management.endpoints.web.exposure.include=health,metrics");
    properties.add("management.endpoint.health.show-details=always");
    SpringApplicationBuilder builder =
        new SpringApplicationBuilder(stack.app)
            .web(stack.type)
            .properties(properties.toArray(String[]::new));
    if (!stack.security) {
      builder.resourceLoader(
          new DefaultResourceLoader(new FilteredClassLoader("org.springframework.security")));
    }
    return builder.run();
  }

  static HttpResponse<String> get(Stack stack, IapProxy proxy, String path, String... headers) {
    return TestProxies.get(URI.create("http://127.0.0.1:" + port(stack, proxy) + path), headers);
  }

  static String[] forgedAnd(String... more) {
    List<String> all = new ArrayList<>(List.of(FORGED));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void whoamiWhenValidAssertionThenIdentityAndOnlyTheProxysHeaderFromIt(
      Stack stack, IapProxy proxy) {
    HttpResponse<String> response =
        get(
            stack,
            proxy,
            "/whoami",
            forgedAnd(proxy.header(), proxies.token(proxy, "ana@example.com")));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo(
            proxy.configName()
                + " ana@example.com ana@example.com ["
                + TestProxies.identityHeader(proxy, "ana@example.com")
                + "]");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void whoamiWhenNoAssertionThen401Missing(Stack stack, IapProxy proxy) {
    HttpResponse<String> response = get(stack, proxy, "/whoami", FORGED);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.body()).endsWith("\"reason\":\"MISSING\"}");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void whoamiWhenAssertionInGooglesHeaderThen401Missing(Stack stack, IapProxy proxy) {
    HttpResponse<String> response =
        get(
            stack,
            proxy,
            "/whoami",
            "x-goog-iap-jwt-assertion",
            proxies.token(proxy, "ana@example.com"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).endsWith("\"reason\":\"MISSING\"}");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void healthzWhenExcludedWithForgedHeadersThenServedWithoutAnyIdentityHeader(
      Stack stack, IapProxy proxy) {
    HttpResponse<String> response =
        get(stack, proxy, "/healthz", forgedAnd("x-amzn-oidc-accesstoken", "at"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("- null []");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void adminsWhenSecurityThenGrantedByProxysGroupsOnly(Stack stack, IapProxy proxy) {
    if (!stack.security) {
      return; // no authorities without Spring Security
    }
    HttpResponse<String> response =
        get(stack, proxy, "/admins", proxy.header(), proxies.token(proxy, "ana@example.com"));

    if (proxy == IapProxy.POMERIUM) {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("admin ana@example.com");
    } else {
      assertThat(response.statusCode()).isEqualTo(403);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void healthAndMetricsWhenProxyThenNamedAndTagged(Stack stack, IapProxy proxy) {
    get(stack, proxy, "/whoami", proxy.header(), proxies.token(proxy, "ana@example.com"));

    HttpResponse<String> health = get(stack, proxy, "/actuator/health/iap");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"proxy\":\"" + proxy.configName() + "\"").contains("UP");

    HttpResponse<String> metric =
        get(
            stack,
            proxy,
            "/actuator/metrics/iap.verifications?tag=proxy:"
                + proxy.configName()
                + "&tag=outcome:verified");
    assertThat(metric.statusCode()).isEqualTo(200);
    assertThat(metric.body()).doesNotContain("\"value\":0.0");
  }
}
