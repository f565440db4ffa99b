package io.github.iapverifier.spring;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.web.IapRequestPipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.ProviderNotFoundException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.ReactiveUserDetailsService;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import reactor.core.publisher.Mono;

/**
 * Auto-configuration of IAP authentication in reactive Spring Security: the {@link
 * IapAuthoritiesMapper} and {@link IapServerSecurityCustomizer} beans and, when the app defines no
 * {@link SecurityWebFilterChain}, a default chain that requires IAP authentication on every path
 * but {@code iap.excluded-paths}. Apps with their own chains apply the customizer to them; an app
 * none of whose chains applies it does not start (each such chain is named in the log).
 *
 * <p>Verification itself is the {@link IapWebFilter}'s, which runs before every chain ({@link
 * IapWebFluxAutoConfiguration}): an exchange no chain matches, or one whose chain lacks the
 * customizer, is verified all the same.
 *
 * <p>Ordered before Spring Boot's own reactive web security (3.5 and 4.x class names), whose
 * default chains would otherwise take the place of IAP's, and whose generated in-memory user is
 * replaced by an authentication manager that accepts no password at all.
 */
@AutoConfiguration(
    after = {IapAutoConfiguration.class, IapWebFluxAutoConfiguration.class},
    beforeName = {
      // Spring Boot 4.x
      "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
      "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
      "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
      // Spring Boot 3.5
      "org.springframework.boot.autoconfigure.security.reactive.ReactiveSecurityAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.security.reactive.ReactiveManagementWebSecurityAutoConfiguration",
      "org.springframework.boot.autoconfigure.security.reactive.ReactiveUserDetailsServiceAutoConfiguration"
    })
@ConditionalOnProperty(
    prefix = "iap",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ServerHttpSecurity.class, SecurityWebFilterChain.class, Mono.class})
@ConditionalOnBean(IapVerifier.class)
public final class IapReactiveSecurityAutoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(IapReactiveSecurityAutoConfiguration.class);

  @Configuration(proxyBeanMethods = false)
  static class CustomizerConfiguration {

    @Bean
    @ConditionalOnMissingBean
    IapAuthoritiesMapper iapAuthoritiesMapper(IapProperties properties) {
      return IapVerifierFactory.authoritiesMapper(properties);
    }

    @Bean
    @ConditionalOnMissingBean
    IapServerSecurityCustomizer iapServerSecurityCustomizer(
        IapRequestPipeline pipeline, IapAuthoritiesMapper mapper) {
      return new IapServerSecurityCustomizer(pipeline, mapper);
    }

    /** Refuses to start when no chain applies IAP; names each chain that does not. */
    @Bean
    static SmartInitializingSingleton iapReactiveChainsCheck(
        ListableBeanFactory beans, ObjectProvider<IapProperties> properties) {
      return () ->
          checkChains(
              beans.getBeansOfType(SecurityWebFilterChain.class),
              properties.getIfAvailable(IapProperties::new).isRequireEnforcement());
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(SecurityWebFilterChain.class)
  // Also here, not only in Spring Boot's security auto-configuration, so that the default chain
  // never lacks the ServerHttpSecurity it is built with; importing it twice is harmless.
  @EnableWebFluxSecurity
  static class DefaultSecurityWebFilterChainConfiguration {

    @Bean
    SecurityWebFilterChain iapSecurityWebFilterChain(
        ServerHttpSecurity http, IapServerSecurityCustomizer iap) {
      iap.customize(http);
      // What IapWebFilter exempted (iap.excluded-paths, in its normal-form rules) is permitted
      // here too; everything else it verified.
      http.authorizeExchange(
          exchanges -> exchanges.matchers(iap.exempt()).permitAll().anyExchange().authenticated());
      // IAP signs every request: nothing to remember between requests, and no session that could
      // vouch for a request that bypassed IAP. CSRF protection stays on: a browser holding IAP's
      // cookie gets a valid assertion added to cross-site requests too.
      http.securityContextRepository(NoOpServerSecurityContextRepository.getInstance());
      http.requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()));
      http.csrf(csrf -> csrf.accessDeniedHandler(iap.accessDeniedHandler()));
      http.logout(ServerHttpSecurity.LogoutSpec::disable);
      return http.build();
    }
  }

  /** Applies with the default chain and with an app's own chains alike. */
  @Configuration(proxyBeanMethods = false)
  static class NoPasswordConfiguration {

    /**
     * Takes the place of Spring Boot's generated in-memory user (and its "generated security
     * password" warning): behind IAP nobody logs in with a password.
     */
    @Bean
    @ConditionalOnMissingBean({ReactiveAuthenticationManager.class, ReactiveUserDetailsService.class})
    ReactiveAuthenticationManager iapNoPasswordAuthenticationManager() {
      return authentication ->
          Mono.error(
              new ProviderNotFoundException(
                  "IAP authenticates every request through its signed header; no other"
                      + " authentication is configured"));
    }
  }

  static void checkChains(Map<String, SecurityWebFilterChain> chains, boolean refuse) {
    List<String> without = new ArrayList<>();
    chains.forEach(
        (name, chain) -> {
          Boolean applies =
              chain.getWebFilters().any(IapServerSecurityCustomizer::isIapFilter).block();
          if (!Boolean.TRUE.equals(applies)) {
            without.add(name);
          }
        });
    if (chains.isEmpty() || without.isEmpty()) {
      return;
    }
    for (String name : without) {
      log.warn(
          "SecurityWebFilterChain '{}' does not apply IapServerSecurityCustomizer: IapWebFilter"
              + " still verifies every exchange, but this chain does not see the IAP identity as"
              + " its Authentication",
          name);
    }
    if (without.size() == chains.size()) {
      String problem = "No SecurityWebFilterChain applies IAP authentication: " + without;
      String action =
          "Apply the IapServerSecurityCustomizer bean to your chain: iap.customize(http) before"
              + " http.build(), or remove your chains to get the starter's default chain. To start"
              + " anyway with this warning (IapWebFilter still verifies every exchange), set"
              + " iap.require-enforcement=false.";
      if (!refuse) {
        log.warn("{} (iap.require-enforcement=false) {}", problem, action);
        return;
      }
      throw new IapConfigurationException(problem, action, null);
    }
  }
}
