package io.github.iapverifier.benchmarks;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.servlet.IapFilter;
import io.github.iapverifier.spring.IapAutoConfiguration;
import io.github.iapverifier.spring.IapWebSecurityAutoConfiguration;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.web.context.servlet.AnnotationConfigServletWebApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.mock.web.MockFilterConfig;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockServletContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.HeaderBearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The adapters under comparison, each wired the way its documentation tells users to, and run on
 * Spring's mock request and response types: no container and no socket, so a figure is the
 * adapter's own work per request. {@code AdapterBenchmark} and {@code AdaptersAcceptAndRejectTest}
 * both build them here, so the test proves exactly the objects that are timed.
 *
 * <ul>
 *   <li>{@link #servletFilter}: iap-verifier's {@link IapFilter} as a plain {@code jakarta.servlet}
 *       filter, built in code and initialised as a container would ({@code init}), with the health
 *       path {@value #HEALTH_PATH} excluded.
 *   <li>{@link #iapSecurityContext}: the starter's auto-configured default Spring Security chain
 *       ({@code IapAutoConfiguration} + {@code IapWebSecurityAutoConfiguration}) in a servlet web
 *       application context, with the app's own {@link IapVerifier} bean (static keys, fixed clock:
 *       the starter backs off its own) and {@code iap.excluded-paths} = {@value #HEALTH_PATH}.
 *   <li>{@link #resourceServerContext}: what spring-cloud-gcp's IAP support gives: Spring
 *       Security's resource server ({@code BearerTokenAuthenticationFilter}) with a {@link
 *       HeaderBearerTokenResolver} reading {@code x-goog-iap-jwt-assertion} and the {@link
 *       JwtDecoder} bean of {@link Peers#springNimbusJwtDecoder} (ES256, timestamp, issuer and
 *       audience validators, JWKS from memory through its own fetch and cache), in Spring Boot's
 *       default resource-server chain (every request authenticated) plus the same health-path
 *       exemption and stateless sessions as the IAP chain.
 * </ul>
 *
 * <p>Both Spring chains are reached through the {@code springSecurityFilterChain} bean (a {@code
 * FilterChainProxy}), as {@code DelegatingFilterProxy} reaches it in a running app. Thread-safe
 * once built, as the filters are in a container.
 */
public final class Adapters {

  /** The load-balancer health check path every adapter exempts, as apps behind IAP must. */
  public static final String HEALTH_PATH = "/healthz";

  /** The path every benchmark request asks for. */
  public static final String PATH = "/hello";

  /** The servlet context of every request; shared, as a container's is. */
  static final MockServletContext SERVLET_CONTEXT = new MockServletContext();

  private static final AtomicInteger CONTEXTS = new AtomicInteger();

  private Adapters() {}

  /**
   * Builds and initialises the servlet filter.
   *
   * @param verifier the verifier, not null
   * @return the filter, initialised
   * @throws ServletException if initialisation fails
   */
  public static IapFilter servletFilter(IapVerifier verifier) throws ServletException {
    IapFilter filter = IapFilter.builder(verifier).excludedPaths(HEALTH_PATH).build();
    filter.init(new MockFilterConfig(SERVLET_CONTEXT, "iap"));
    return filter;
  }

  /**
   * Starts a servlet web application context with the starter's default chain.
   *
   * @param verifier the app's verifier bean, not null; closed with the context
   * @return the started context; close it after use
   */
  public static ConfigurableApplicationContext iapSecurityContext(IapVerifier verifier) {
    AnnotationConfigServletWebApplicationContext context = webContext();
    context.registerBean(IapVerifier.class, () -> verifier);
    context.register(IapStarterApp.class);
    context.refresh();
    return context;
  }

  /**
   * Starts a servlet web application context with Spring Security's resource server set up for
   * IAP, as spring-cloud-gcp's IAP starter does.
   *
   * @param fx the fixtures whose JWKS the decoder is served
   * @param fetches counts the decoder's JWKS fetches, not null
   * @return the started context; close it after use
   */
  public static ConfigurableApplicationContext resourceServerContext(
      Fixtures fx, AtomicInteger fetches) {
    AnnotationConfigServletWebApplicationContext context = webContext();
    context.registerBean(JwtDecoder.class, () -> Peers.springNimbusJwtDecoder(fx, fetches));
    context.register(ResourceServerApp.class);
    context.refresh();
    return context;
  }

  /**
   * Returns the context's Spring Security filter, as {@code DelegatingFilterProxy} finds it.
   *
   * @param context a context started here
   * @return the {@code FilterChainProxy}
   */
  public static Filter springSecurityFilterChain(ConfigurableApplicationContext context) {
    return context.getBean("springSecurityFilterChain", Filter.class);
  }

  /**
   * Makes the request a client behind IAP sends: {@code GET /hello} with the assertion header.
   *
   * @param assertion the header's value, or null for none
   * @return a new request
   */
  public static MockHttpServletRequest request(String assertion) {
    MockHttpServletRequest request = new MockHttpServletRequest(SERVLET_CONTEXT, "GET", PATH);
    request.setServletPath(PATH);
    if (assertion != null) {
      request.addHeader(IapVerifier.HEADER, assertion);
    }
    return request;
  }

  private static AnnotationConfigServletWebApplicationContext webContext() {
    AnnotationConfigServletWebApplicationContext context =
        new AnnotationConfigServletWebApplicationContext();
    context.setId("bench-" + CONTEXTS.incrementAndGet());
    context.setServletContext(SERVLET_CONTEXT);
    context
        .getEnvironment()
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "benchmark",
                Map.of("iap.audiences", Fixtures.AUDIENCE, "iap.excluded-paths", HEALTH_PATH)));
    return context;
  }

  /** The app behind each adapter: reads the authenticated user, as a controller would. */
  public static final class App implements FilterChain {
    Principal principal;
    int calls;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response) {
      calls++;
      principal = ((HttpServletRequest) request).getUserPrincipal();
    }

    /**
     * Returns the principal the last request reached the app with, and forgets it.
     *
     * @return the principal, or null if the request did not reach the app or had none
     */
    public Principal take() {
      Principal p = principal;
      principal = null;
      return p;
    }

    /**
     * Returns how many requests reached the app.
     *
     * @return the count
     */
    public int calls() {
      return calls;
    }
  }

  /** An app that only adds the starter; its own verifier bean is registered beside it. */
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({IapAutoConfiguration.class, IapWebSecurityAutoConfiguration.class})
  static class IapStarterApp {}

  /**
   * spring-cloud-gcp's IAP beans (header resolver, decoder) under Spring Boot's default
   * resource-server chain.
   */
  @Configuration(proxyBeanMethods = false)
  @EnableWebSecurity
  static class ResourceServerApp {

    @Bean
    BearerTokenResolver iapTokenResolver() {
      return new HeaderBearerTokenResolver(IapVerifier.HEADER);
    }

    @Bean
    SecurityFilterChain resourceServerChain(HttpSecurity http) throws Exception {
      http.authorizeHttpRequests(
          requests ->
              requests.requestMatchers(HEALTH_PATH).permitAll().anyRequest().authenticated());
      http.sessionManagement(
          sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
      http.oauth2ResourceServer(resourceServer -> resourceServer.jwt(jwt -> {}));
      return http.build();
    }
  }
}
