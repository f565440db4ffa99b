package io.github.iapverifier.benchmarks;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.servlet.IapFilter;
import io.github.iapverifier.spring.IapAutoConfiguration;
import io.github.iapverifier.spring.IapReactiveSecurityAutoConfiguration;
import io.github.iapverifier.spring.IapWebFluxAutoConfiguration;
import io.github.iapverifier.spring.IapWebSecurityAutoConfiguration;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.web.context.reactive.AnnotationConfigReactiveWebApplicationContext;
import org.springframework.boot.web.context.servlet.AnnotationConfigServletWebApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.mock.web.MockFilterConfig;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockServletContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.HeaderBearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebHandler;
import org.springframework.web.server.adapter.DefaultServerWebExchange;
import org.springframework.web.server.handler.FilteringWebHandler;
import org.springframework.web.server.i18n.AcceptHeaderLocaleContextResolver;
import org.springframework.web.server.session.DefaultWebSessionManager;
import reactor.core.publisher.Mono;

/**
 * The adapters under comparison, each wired the way its documentation tells users to, and run on
 * Spring's mock request and response types: no container and no socket, so a figure is the
 * adapter's own work per request. {@code AdapterBenchmark} and {@code AdaptersAcceptAndRejectTest}
 * both build them here, so the test proves exactly the objects that are timed.
 *
 * <p>Servlet stack (a {@code MockHttpServletRequest} per request):
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
 * <p>Reactive stack (an exchange per request, built as WebFlux's {@code HttpWebHandlerAdapter}
 * builds it, with the application's shared codecs, session manager and locale resolver), each a
 * {@link WebHandler} of the context's {@code WebFilter} beans in their order, as {@code
 * WebHttpHandlerBuilder.applicationContext} collects them, in front of the app:
 *
 * <ul>
 *   <li>{@link #reactiveContext} without Spring Security: the starter's {@code IapWebFilter} as
 *       auto-configured: with the key held (a fixed JWKS here) it verifies on the calling thread;
 *   <li>{@link #reactiveContext} with Spring Security: the same filter plus the starter's default
 *       {@code SecurityWebFilterChain};
 *   <li>{@link #reactiveResourceServerContext}: Spring Security's reactive resource server, with a
 *       converter reading the IAP header and a {@code NimbusReactiveJwtDecoder} with the same
 *       validators and keys as {@link Peers#springNimbusJwtDecoder} (spring-cloud-gcp's IAP
 *       support has no reactive set-up; this is what a WebFlux user assembles instead).
 * </ul>
 *
 * <p>Both servlet Spring chains are reached through the {@code springSecurityFilterChain} bean (a
 * {@code FilterChainProxy}), as {@code DelegatingFilterProxy} reaches it in a running app.
 * Thread-safe once built, as the filters are in a container.
 */
public final class Adapters {

  /** The load-balancer health check path every adapter exempts, as apps behind IAP must. */
  public static final String HEALTH_PATH = "/healthz";

  /** The path every benchmark request asks for. */
  public static final String PATH = "/hello";

  /** The servlet context of every request; shared, as a container's is. */
  static final MockServletContext SERVLET_CONTEXT = new MockServletContext();

  /** The exchange attribute that carries the calling thread's {@link App} to the reactive app. */
  static final String APP_ATTRIBUTE = App.class.getName();

  // Shared by all exchanges, as HttpWebHandlerAdapter shares them in an application.
  private static final ServerCodecConfigurer CODECS = ServerCodecConfigurer.create();
  private static final DefaultWebSessionManager SESSIONS = new DefaultWebSessionManager();
  private static final AcceptHeaderLocaleContextResolver LOCALES =
      new AcceptHeaderLocaleContextResolver();

  private static final AtomicInteger CONTEXTS = new AtomicInteger();

  private Adapters() {}

  /**
   * One request through an adapter of either stack, to the app the calling thread owns.
   *
   * <p>Returns the response: a {@code MockHttpServletResponse} or a {@code
   * MockServerHttpResponse}; {@link #status} reads either.
   */
  @FunctionalInterface
  public interface Edge {
    /**
     * Sends {@code GET /hello} with the assertion header through the adapter.
     *
     * @param assertion the header's value, or null for none
     * @param app the app at the end of the chain, owned by the calling thread
     * @return the response, after the adapter (and the app, if reached) has finished
     * @throws Exception whatever the adapter throws
     */
    Object send(String assertion, App app) throws Exception;
  }

  /**
   * The servlet filter as an {@link Edge}: new mock request and response per call.
   *
   * @param filter the filter (or {@code FilterChainProxy})
   * @return the edge
   */
  public static Edge servlet(Filter filter) {
    return (assertion, app) -> {
      MockHttpServletResponse response = new MockHttpServletResponse();
      filter.doFilter(request(assertion), response, app);
      return response;
    };
  }

  /**
   * A reactive handler as an {@link Edge}: a new exchange per call, waited for.
   *
   * @param handler the filters and the app, from {@link #reactiveHandler}
   * @return the edge
   */
  public static Edge reactive(WebHandler handler) {
    return (assertion, app) -> {
      ServerWebExchange exchange = exchange(assertion);
      exchange.getAttributes().put(APP_ATTRIBUTE, app);
      handler.handle(exchange).block();
      return exchange.getResponse();
    };
  }

  /**
   * Returns the status of a response an {@link Edge} returned.
   *
   * @param response a {@code MockHttpServletResponse} or {@code MockServerHttpResponse}
   * @return the status; 200 when the reactive response was never given one
   */
  public static int status(Object response) {
    if (response instanceof MockHttpServletResponse servlet) {
      return servlet.getStatus();
    }
    var code = ((MockServerHttpResponse) response).getStatusCode();
    return code == null ? 200 : code.value();
  }

  /**
   * Returns the body of a response an {@link Edge} returned.
   *
   * @param response a {@code MockHttpServletResponse} or {@code MockServerHttpResponse}
   * @return the body as text
   * @throws Exception if it cannot be read
   */
  public static String body(Object response) throws Exception {
    if (response instanceof MockHttpServletResponse servlet) {
      return servlet.getContentAsString();
    }
    return ((MockServerHttpResponse) response).getBodyAsString().block();
  }

  /**
   * Returns a response header an {@link Edge} returned.
   *
   * @param response a {@code MockHttpServletResponse} or {@code MockServerHttpResponse}
   * @param name the header name
   * @return its first value, or null
   */
  public static String header(Object response, String name) {
    if (response instanceof MockHttpServletResponse servlet) {
      return servlet.getHeader(name);
    }
    return ((MockServerHttpResponse) response).getHeaders().getFirst(name);
  }

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
    AnnotationConfigServletWebApplicationContext context = new AnnotationConfigServletWebApplicationContext();
    context.setServletContext(SERVLET_CONTEXT);
    context.registerBean(IapVerifier.class, () -> verifier);
    context.register(IapStarterApp.class);
    return start(context);
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
    AnnotationConfigServletWebApplicationContext context = new AnnotationConfigServletWebApplicationContext();
    context.setServletContext(SERVLET_CONTEXT);
    context.registerBean(JwtDecoder.class, () -> Peers.springNimbusJwtDecoder(fx, fetches));
    context.register(ResourceServerApp.class);
    return start(context);
  }

  /**
   * Starts a reactive web application context with the starter's {@code IapWebFilter}, and with
   * its default {@code SecurityWebFilterChain} if asked.
   *
   * @param verifier the app's verifier bean, not null; closed with the context
   * @param security whether Spring Security is applied
   * @return the started context; close it after use
   */
  public static ConfigurableApplicationContext reactiveContext(
      IapVerifier verifier, boolean security) {
    AnnotationConfigReactiveWebApplicationContext context =
        new AnnotationConfigReactiveWebApplicationContext();
    context.registerBean(IapVerifier.class, () -> verifier);
    context.register(security ? ReactiveIapSecurityApp.class : ReactiveIapApp.class);
    return start(context);
  }

  /**
   * Starts a reactive web application context with Spring Security's reactive resource server
   * reading the IAP header.
   *
   * @param fx the fixtures whose keys the decoder uses
   * @return the started context; close it after use
   */
  public static ConfigurableApplicationContext reactiveResourceServerContext(Fixtures fx) {
    AnnotationConfigReactiveWebApplicationContext context =
        new AnnotationConfigReactiveWebApplicationContext();
    context.registerBean(ReactiveJwtDecoder.class, () -> Peers.springReactiveJwtDecoder(fx));
    context.register(ReactiveResourceServerApp.class);
    return start(context);
  }

  /**
   * Returns the context's Spring Security filter, as {@code DelegatingFilterProxy} finds it.
   *
   * @param context a servlet context started here
   * @return the {@code FilterChainProxy}
   */
  public static Filter springSecurityFilterChain(ConfigurableApplicationContext context) {
    return context.getBean("springSecurityFilterChain", Filter.class);
  }

  /**
   * Returns the context's {@code WebFilter} beans in their order, in front of the app, as {@code
   * WebHttpHandlerBuilder.applicationContext} assembles them.
   *
   * @param context a reactive context started here
   * @return the handler
   */
  public static WebHandler reactiveHandler(ConfigurableApplicationContext context) {
    List<WebFilter> filters = context.getBeanProvider(WebFilter.class).orderedStream().toList();
    return new FilteringWebHandler(App.WEB_HANDLER, filters);
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

  /**
   * Makes the same request as an exchange, as WebFlux makes one per request.
   *
   * @param assertion the header's value, or null for none
   * @return a new exchange
   */
  public static ServerWebExchange exchange(String assertion) {
    MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get(PATH);
    if (assertion != null) {
      request.header(IapVerifier.HEADER, assertion);
    }
    return new DefaultServerWebExchange(
        request.build(), new MockServerHttpResponse(), SESSIONS, CODECS, LOCALES);
  }

  private static ConfigurableApplicationContext start(AbstractApplicationContext context) {
    context.setId("bench-" + CONTEXTS.incrementAndGet());
    context
        .getEnvironment()
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "benchmark",
                Map.of("iap.audiences", Fixtures.AUDIENCE, "iap.excluded-paths", HEALTH_PATH)));
    context.refresh();
    return context;
  }

  /**
   * The app behind each adapter: reads the authenticated user, as a controller would. One per
   * thread; the reactive app finds it in the exchange's attributes ({@link #reactive}).
   */
  public static final class App implements FilterChain {
    /** The reactive app: reads the exchange's principal into the calling thread's app. */
    static final WebHandler WEB_HANDLER =
        exchange -> {
          App app = exchange.getRequiredAttribute(APP_ATTRIBUTE);
          app.calls++;
          app.thread = Thread.currentThread();
          return exchange.getPrincipal().doOnNext(p -> app.principal = p).then();
        };

    Principal principal;
    int calls;
    /** The thread the reactive app last ran on; null for the servlet app. */
    Thread thread;

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

  /** A WebFlux app that only adds the starter, without Spring Security. */
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({IapAutoConfiguration.class, IapWebFluxAutoConfiguration.class})
  static class ReactiveIapApp {}

  /** A WebFlux app that adds the starter and Spring Security (the starter's default chain). */
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({
    IapAutoConfiguration.class,
    IapWebFluxAutoConfiguration.class,
    IapReactiveSecurityAutoConfiguration.class
  })
  static class ReactiveIapSecurityApp {}

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

  /**
   * The reactive resource server with the IAP header as the bearer token, the health path open
   * and no session, as {@link ResourceServerApp} on the servlet side.
   */
  @Configuration(proxyBeanMethods = false)
  @EnableWebFluxSecurity
  static class ReactiveResourceServerApp {

    @Bean
    SecurityWebFilterChain reactiveResourceServerChain(ServerHttpSecurity http) {
      http.authorizeExchange(
          exchanges -> exchanges.pathMatchers(HEALTH_PATH).permitAll().anyExchange().authenticated());
      http.securityContextRepository(NoOpServerSecurityContextRepository.getInstance());
      http.oauth2ResourceServer(
          resourceServer ->
              resourceServer
                  .bearerTokenConverter(
                      exchange ->
                          Mono.justOrEmpty(
                                  exchange.getRequest().getHeaders().getFirst(IapVerifier.HEADER))
                              .map(BearerTokenAuthenticationToken::new))
                  .jwt(jwt -> {}));
      return http.build();
    }
  }
}
