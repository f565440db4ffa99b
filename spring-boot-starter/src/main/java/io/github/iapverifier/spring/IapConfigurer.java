package io.github.iapverifier.spring;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.servlet.IapServletPipeline;
import io.github.iapverifier.web.IapRequestPipeline;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.context.ApplicationContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.ExceptionHandlingConfigurer;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Adds IAP authentication to a {@link org.springframework.security.web.SecurityFilterChain} of your
 * own, with the same behaviour as the starter's default chain:
 *
 * <pre>{@code
 * @Bean
 * SecurityFilterChain app(HttpSecurity http) throws Exception {
 *   http.authorizeHttpRequests(a -> a
 *           .requestMatchers("/admin/**").hasRole("ADMIN")
 *           .anyRequest().hasAuthority("IAP_DOMAIN_example.com"))
 *       .with(IapConfigurer.iap(), Customizer.withDefaults());
 *   return http.build();
 * }
 * }</pre>
 *
 * <p>It installs an {@link IapAuthenticationFilter} before CSRF protection and, unless the chain
 * sets its own, an entry point (401 problem+json, reason {@code MISSING}) and an access-denied
 * handler (403 problem+json; a CSRF failure of a request without assertion gets the 401). It leaves
 * the authorization rules, sessions and CSRF to the chain. By default it uses the application
 * context's {@link IapRequestPipeline} (the {@code iap.*} settings over its {@link IapVerifier})
 * and {@link IapAuthoritiesMapper} (else the standard mapping of {@code iap.authorities}); the
 * methods below override them.
 *
 * <p>Every chain of an app needs it, or the chain's rules see its requests as anonymous: the starter
 * refuses to start when no chain applies it, and warns about each chain that does not (see {@code
 * iap.require-enforcement}). Requests that no chain applying it serves are still verified, by a
 * backstop filter after Spring Security's: a valid assertion or the IAP 401, outside {@code
 * iap.excluded-paths}.
 *
 * <p>Not thread-safe; used while a chain is being built.
 */
public final class IapConfigurer extends AbstractHttpConfigurer<IapConfigurer, HttpSecurity> {

  private IapVerifier verifier;
  private IapAuthoritiesMapper authoritiesMapper;
  private List<String> excludedPaths;
  private volatile IapServletPipeline pipeline;

  private IapConfigurer() {}

  /**
   * Creates a configurer, for {@code http.with(IapConfigurer.iap(), Customizer.withDefaults())}.
   *
   * @return a new configurer
   */
  public static IapConfigurer iap() {
    return new IapConfigurer();
  }

  /**
   * Verifies with this verifier instead of the application context's.
   *
   * @param verifier the verifier, not null
   * @return this configurer
   */
  public IapConfigurer verifier(IapVerifier verifier) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    return this;
  }

  /**
   * Maps identities to authorities with this mapper instead of the application context's.
   *
   * @param authoritiesMapper the mapper, not null
   * @return this configurer
   */
  public IapConfigurer authoritiesMapper(IapAuthoritiesMapper authoritiesMapper) {
    this.authoritiesMapper = Objects.requireNonNull(authoritiesMapper, "authoritiesMapper");
    return this;
  }

  /**
   * Passes these paths on without verification (exact paths and {@code /prefix/**}, in normal form
   * only, as {@code iap.excluded-paths}) instead of {@code iap.excluded-paths}. The chain's rules
   * still decide whether they need authentication.
   *
   * @param patterns the paths, not null
   * @return this configurer
   * @throws IllegalArgumentException if a pattern is not an exact path or {@code /prefix/**}
   */
  public IapConfigurer excludedPaths(String... patterns) {
    List<String> list = Arrays.asList(Objects.requireNonNull(patterns, "patterns"));
    IapRequestPipeline.builder().excludedPaths(list); // fail fast, where the caller can see it
    this.excludedPaths = List.copyOf(list);
    return this;
  }

  /**
   * Returns a matcher for the requests this configurer's filter exempts from IAP ({@code
   * iap.excluded-paths} in normal form, allowed CORS preflights), so that the chain can permit
   * exactly those, as the starter's default chain does:
   *
   * <pre>{@code
   * IapConfigurer iap = IapConfigurer.iap();
   * http.authorizeHttpRequests(a -> a.requestMatchers(iap.exempt()).permitAll()
   *         .anyRequest().authenticated())
   *     .with(iap, Customizer.withDefaults());
   * }</pre>
   *
   * A path pattern such as {@code requestMatchers("/healthz")} would also match {@code /%68ealthz},
   * which IAP does not exempt.
   *
   * @return a matcher, thread-safe; it matches nothing until the chain is built
   */
  public RequestMatcher exempt() {
    return request -> {
      IapServletPipeline p = pipeline;
      return p != null && p.isExempt(request);
    };
  }

  @Override
  public void init(HttpSecurity http) {
    ApplicationContext context = http.getSharedObject(ApplicationContext.class);
    pipeline = new IapServletPipeline(pipeline(context));
    ExceptionHandlingConfigurer<HttpSecurity> exceptions =
        http.getConfigurer(ExceptionHandlingConfigurer.class);
    if (exceptions != null) {
      // Defaults only: an entry point or handler the chain sets itself wins.
      exceptions.defaultAuthenticationEntryPointFor(
          new IapSecurityHandlers.EntryPoint(pipeline), AnyRequestMatcher.INSTANCE);
      exceptions.defaultAccessDeniedHandlerFor(
          new IapSecurityHandlers.Denied(pipeline), AnyRequestMatcher.INSTANCE);
    }
  }

  @Override
  public void configure(HttpSecurity http) {
    ApplicationContext context = http.getSharedObject(ApplicationContext.class);
    IapAuthoritiesMapper mapper = authoritiesMapper;
    if (mapper == null) {
      mapper = bean(context, IapAuthoritiesMapper.class);
    }
    if (mapper == null) {
      IapProperties properties = bean(context, IapProperties.class);
      mapper =
          IapAuthoritiesMapper.standard(
              properties == null ? Map.of() : properties.getAuthorities());
    }
    IapAuthenticationFilter filter =
        new IapAuthenticationFilter(
            pipeline,
            mapper,
            getSecurityContextHolderStrategy(),
            // Per request, never the session: a session must not vouch for a later request that
            // came around IAP. Async and error dispatches of the request load it from here.
            new RequestAttributeSecurityContextRepository());
    // Before CSRF protection: a request without a valid assertion gets the IAP 401 whatever its
    // method, and authenticated requests keep CSRF protection.
    http.addFilterBefore(postProcess(filter), CsrfFilter.class);
  }

  /** The context's pipeline, or one built from the properties when this configurer overrides. */
  private IapRequestPipeline pipeline(ApplicationContext context) {
    if (verifier == null && excludedPaths == null) {
      IapRequestPipeline shared = bean(context, IapRequestPipeline.class);
      if (shared != null) {
        return shared;
      }
    }
    IapVerifier v = verifier != null ? verifier : bean(context, IapVerifier.class);
    if (v == null) {
      // Fail closed: a chain that was meant to require IAP must not be built without it.
      throw new IllegalStateException(
          "IapConfigurer needs an IapVerifier: set iap.audiences (the starter then creates one),"
              + " declare an IapVerifier bean, or call IapConfigurer.iap().verifier(...)");
    }
    IapProperties properties = bean(context, IapProperties.class);
    if (properties == null) {
      properties = new IapProperties();
    }
    List<String> paths = excludedPaths != null ? excludedPaths : properties.getExcludedPaths();
    return IapVerifierFactory.pipeline(properties, paths).build(v);
  }

  private static <T> T bean(ApplicationContext context, Class<T> type) {
    return context == null ? null : context.getBeanProvider(type).getIfUnique();
  }
}
