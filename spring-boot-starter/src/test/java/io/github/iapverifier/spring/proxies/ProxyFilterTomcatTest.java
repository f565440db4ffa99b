package io.github.iapverifier.spring.proxies;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapProxy;
import io.github.iapverifier.servlet.IapFilter;
import io.github.iapverifier.spring.proxies.servlet.ProxyServletApplication;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The plain {@link IapFilter} configured by init-params for each proxy, in a real Tomcat (11 on
 * Boot 4's versions, 10.1 under {@code -Pboot35}), one context per proxy, mapped to every
 * dispatcher type as {@code web.xml} would.
 */
class ProxyFilterTomcatTest {

  static TestProxies proxies;
  static Tomcat tomcat;

  @BeforeAll
  static void start() throws Exception {
    proxies = new TestProxies();
    tomcat = new Tomcat();
    tomcat.setBaseDir(Files.createTempDirectory("proxy-tomcat").toString());
    tomcat.setHostname("127.0.0.1");
    tomcat.setPort(0);
    tomcat.getConnector().setProperty("address", "127.0.0.1");
    for (IapProxy proxy : TestProxies.OTHERS) {
      Context context = tomcat.addContext("/" + proxy.configName(), null);
      FilterDef def = new FilterDef();
      def.setFilterName("iap");
      def.setFilterClass(IapFilter.class.getName());
      def.setAsyncSupported("true");
      initParams(proxy).forEach(def::addInitParameter);
      context.addFilterDef(def);
      FilterMap map = new FilterMap();
      map.setFilterName("iap");
      map.addURLPattern("/*");
      for (DispatcherType type : DispatcherType.values()) {
        map.setDispatcher(type.name());
      }
      context.addFilterMap(map);
      Tomcat.addServlet(context, "describe", new Describe());
      context.addServletMappingDecoded("/", "describe");
    }
    tomcat.start();
  }

  @AfterAll
  static void stop() throws Exception {
    tomcat.stop();
    tomcat.destroy();
    proxies.close();
  }

  /** The init-params of web.xml for the proxy's fake: the starter's properties, renamed. */
  static Map<String, String> initParams(IapProxy proxy) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String property : proxies.properties(proxy)) {
      int eq = property.indexOf('=');
      String name = property.substring(0, eq);
      params.put(name.substring(name.lastIndexOf('.') + 1), property.substring(eq + 1));
    }
    params.put("excluded-paths", "/healthz");
    return params;
  }

  static final class Describe extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("text/plain;charset=utf-8");
      response
          .getWriter()
          .print(
              ProxyServletApplication.describe(request, IapFilter.identity(request).orElse(null)));
    }
  }

  static HttpResponse<String> get(IapProxy proxy, String path, String... headers) {
    return TestProxies.get(
        URI.create(
            "http://127.0.0.1:"
                + tomcat.getConnector().getLocalPort()
                + "/"
                + proxy.configName()
                + path),
        headers);
  }

  @Test
  void initParamsWhenDerivedFromPropertiesThenEveryProxysOwnNames() {
    assertThat(initParams(IapProxy.AWS_ALB).keySet())
        .containsExactly(
            "proxy", "region", "signers", "client-ids", "key-endpoint", "excluded-paths");
  }

  @ParameterizedTest
  @EnumSource(names = {"CLOUDFLARE_ACCESS", "AWS_ALB", "POMERIUM"})
  void getWhenValidAssertionThenIdentityAndOnlyTheProxysHeaderFromIt(IapProxy proxy) {
    HttpResponse<String> response =
        get(
            proxy,
            "/whoami",
            ProxyAppsTest.forgedAnd(proxy.header(), proxies.token(proxy, "ana@example.com")));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo(
            proxy.configName()
                + " ana@example.com ana@example.com ["
                + TestProxies.identityHeader(proxy, "ana@example.com")
                + "]");
  }

  @ParameterizedTest
  @EnumSource(names = {"CLOUDFLARE_ACCESS", "AWS_ALB", "POMERIUM"})
  void getWhenNoAssertionThen401Missing(IapProxy proxy) {
    HttpResponse<String> response = get(proxy, "/whoami", ProxyAppsTest.FORGED);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).endsWith("\"reason\":\"MISSING\"}");
  }

  @ParameterizedTest
  @EnumSource(names = {"CLOUDFLARE_ACCESS", "AWS_ALB", "POMERIUM"})
  void getWhenExcludedPathThenServedWithoutAnyIdentityHeader(IapProxy proxy) {
    HttpResponse<String> response =
        get(proxy, "/healthz", ProxyAppsTest.forgedAnd("x-amzn-oidc-accesstoken", "at"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("- null []");
  }
}
