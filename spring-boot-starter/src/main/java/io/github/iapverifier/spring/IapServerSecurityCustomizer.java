package io.github.iapverifier.spring;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.web.IapProblem;
import io.github.iapverifier.web.IapRequestPipeline;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.csrf.CsrfException;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Adds IAP authentication to a {@code SecurityWebFilterChain} of your own (reactive Spring
 * Security), with the same behaviour as the starter's default chain. The starter defines it as a
 * bean:
 *
 * <pre>{@code
 * @Bean
 * SecurityWebFilterChain app(ServerHttpSecurity http, IapServerSecurityCustomizer iap) {
 *   iap.customize(http);
 *   return http
 *       .authorizeExchange(a -> a
 *           .pathMatchers("/admin/**").hasRole("ADMIN")
 *           .anyExchange().authenticated())
 *       .build();
 * }
 * }</pre>
 *
 * <p>On Spring Security 7 (Spring Boot 4) the bean is applied to every chain built from the
 * injected {@code ServerHttpSecurity} without this call (Spring Security applies {@code
 * Customizer<ServerHttpSecurity>} beans itself); calling it as well is harmless. On Spring Boot 3.5
 * the call is needed.
 *
 * <p>Every exchange is verified before any security chain runs, by the starter's {@link
 * IapWebFilter}; this customizer makes the identity that filter verified the chain's {@code
 * Authentication}, an {@link IapAuthenticationToken} with the authorities of the {@link
 * IapAuthoritiesMapper}, so that {@code @AuthenticationPrincipal IapIdentity}, {@code hasRole} and
 * {@code @PreAuthorize} (with {@code @EnableReactiveMethodSecurity}) work. It also sets the chain's
 * entry point (401 problem+json, reason {@code MISSING}) and access-denied handler (403
 * problem+json); settings the chain makes after {@code customize} win. It leaves the authorization
 * rules, sessions and CSRF to the chain; to answer CSRF failures with a problem body (reason
 * {@code CSRF}) too, use {@code http.csrf(c -> c.accessDeniedHandler(iap.accessDeniedHandler()))}.
 *
 * <p>Immutable and thread-safe.
 */
public final class IapServerSecurityCustomizer implements Customizer<ServerHttpSecurity> {

  private final IapRequestPipeline pipeline;
  private final IapAuthoritiesMapper authoritiesMapper;
  // Spring Security 7 applies Customizer<ServerHttpSecurity> beans to every ServerHttpSecurity by
  // itself; an app that also calls customize(http) must not get the filter twice.
  private final Set<ServerHttpSecurity> customized =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  IapServerSecurityCustomizer(IapRequestPipeline pipeline, IapAuthoritiesMapper authoritiesMapper) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.authoritiesMapper = Objects.requireNonNull(authoritiesMapper, "authoritiesMapper");
  }

  /**
   * A customizer that maps identities to authorities with this mapper instead of the application
   * context's.
   *
   * @param authoritiesMapper the mapper, not null
   * @return a new customizer
   */
  public IapServerSecurityCustomizer withAuthoritiesMapper(IapAuthoritiesMapper authoritiesMapper) {
    return new IapServerSecurityCustomizer(pipeline, authoritiesMapper);
  }

  /**
   * Applies IAP authentication to the chain being built; a second call for the same {@code http}
   * does nothing.
   *
   * @param http the chain's builder, not null
   */
  @Override
  public void customize(ServerHttpSecurity http) {
    if (!customized.add(Objects.requireNonNull(http, "http"))) {
      return;
    }
    http.addFilterAt(
        new AuthenticationFilter(authoritiesMapper), SecurityWebFiltersOrder.AUTHENTICATION);
    http.exceptionHandling(
        e -> e.authenticationEntryPoint(entryPoint()).accessDeniedHandler(accessDeniedHandler()));
  }

  /**
   * Matches the exchanges {@link IapWebFilter} let through without an assertion ({@code
   * iap.excluded-paths} in normal form, allowed CORS preflights), so that a chain can permit
   * exactly those: {@code exchanges.matchers(iap.exempt()).permitAll()}. A path pattern would also
   * match spellings of the path that IAP does not exempt.
   *
   * @return the matcher, never null
   */
  public ServerWebExchangeMatcher exempt() {
    return exchange -> {
      Optional<IapIdentity> handled = IapWebFilter.handled(exchange);
      return handled != null && handled.isEmpty()
          ? ServerWebExchangeMatcher.MatchResult.match()
          : ServerWebExchangeMatcher.MatchResult.notMatch();
    };
  }

  /**
   * The entry point this customizer installs: 401 problem+json, reason {@code MISSING}, for an
   * exchange that reached a rule requiring authentication without an identity (an excluded path
   * the chain does not permit).
   *
   * @return the entry point, never null
   */
  public ServerAuthenticationEntryPoint entryPoint() {
    return (exchange, e) ->
        IapWebFilter.write(
            exchange.getResponse(),
            pipeline.rejectMissing(new IapWebFilter.ExchangeRequest(exchange.getRequest())));
  }

  /**
   * The access-denied handler this customizer installs: 403 problem+json, reason {@code
   * POLICY_DENIED} for the chain's rules, {@code CSRF} for CSRF failures.
   *
   * @return the handler, never null
   */
  public ServerAccessDeniedHandler accessDeniedHandler() {
    return (exchange, e) -> {
      if (e instanceof CsrfException) {
        return IapWebFilter.write(exchange.getResponse(), IapProblem.csrf());
      }
      return IapWebFilter.write(
          exchange.getResponse(),
          pipeline.reject(
              new IapWebFilter.ExchangeRequest(exchange.getRequest()),
              new IapVerificationException(
                  Reason.POLICY_DENIED, "access denied by this application's authorization rules")));
    };
  }

  /**
   * Tells whether a chain's filters include this customizer's filter, for the start-up check.
   *
   * @param filter a filter of a chain, not null
   * @return true if it is IAP's authentication filter
   */
  static boolean isIapFilter(WebFilter filter) {
    return filter instanceof AuthenticationFilter;
  }

  /**
   * Turns the identity {@link IapWebFilter} verified into the chain's authentication. Without a
   * verdict of that filter the exchange fails (500): the filter is missing, and nothing here
   * verifies in its place.
   */
  static final class AuthenticationFilter implements WebFilter {
    private final IapAuthoritiesMapper authoritiesMapper;

    AuthenticationFilter(IapAuthoritiesMapper authoritiesMapper) {
      this.authoritiesMapper = authoritiesMapper;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
      Optional<IapIdentity> handled = IapWebFilter.handled(exchange);
      if (handled == null) {
        return Mono.error(
            new IllegalStateException(
                "IapServerSecurityCustomizer found no IapWebFilter verdict on this exchange: the"
                    + " IapWebFilter bean must run before Spring Security's chain"));
      }
      if (handled.isEmpty()) {
        return chain.filter(exchange); // exempt: anonymous, the chain's rules decide
      }
      IapIdentity identity = handled.get();
      IapAuthenticationToken authentication =
          new IapAuthenticationToken(identity, authoritiesMapper.authorities(identity));
      return chain
          .filter(exchange)
          .contextWrite(
              ReactiveSecurityContextHolder.withSecurityContext(
                  Mono.just(new SecurityContextImpl(authentication))));
    }

    @Override
    public String toString() {
      return "IapAuthenticationFilter";
    }
  }
}
