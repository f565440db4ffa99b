package io.github.iapverifier.spring;

import io.github.iapverifier.servlet.IapServletPipeline;
import io.github.iapverifier.web.IapRequestPipeline;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderNotFoundException;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Auto-configuration of IAP authentication in Spring Security (servlet stack): the {@link
 * IapAuthoritiesMapper} bean and, when the app defines no {@link SecurityFilterChain}, a default
 * chain that requires IAP authentication on every path but {@code iap.excluded-paths}. Apps with
 * their own chain apply {@link IapConfigurer#iap()} to it. Requests that no chain applying it
 * handles (paths outside every chain's {@code securityMatcher}, chains without it) are verified by
 * a backstop filter after Spring Security's, as behind the plain filter. Applies when both {@code
 * spring-security-web} and {@code spring-security-config} are present; otherwise {@link
 * IapServletFilterAutoConfiguration} does.
 *
 * <p>Ordered before Spring Boot's own web security (3.5 and 4.x class names), whose default chains
 * (form login, HTTP basic) would otherwise take the place of IAP's, and whose generated in-memory
 * user the default chain replaces by an authentication manager that accepts no password at all.
 */
@AutoConfiguration(
    after = IapAutoConfiguration.class,
    beforeName = {
      // Spring Boot 4.x
      "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
      "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
      "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
      // Spring Boot 3.5
      "org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.security.servlet.ManagementWebSecurityAutoConfiguration",
      "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration"
    })
@ConditionalOnProperty(
    prefix = "iap",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({SecurityFilterChain.class, HttpSecurity.class})
@ConditionalOnBean(IapRequestPipeline.class)
public final class IapWebSecurityAutoConfiguration {

  /** The name of the backstop's registration, also registered in a management child context. */
  static final String BACKSTOP_REGISTRATION = "iapChainBackstopRegistration";

  @Configuration(proxyBeanMethods = false)
  static class AuthoritiesConfiguration {

    @Bean
    @ConditionalOnMissingBean
    IapAuthoritiesMapper iapAuthoritiesMapper(IapProperties properties) {
      return IapVerifierFactory.authoritiesMapper(properties);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(SecurityFilterChain.class)
  // Also here, not only in Spring Boot's security auto-configuration, so that the default chain
  // never lacks the HttpSecurity it is built with; importing it twice is harmless.
  @EnableWebSecurity
  static class DefaultSecurityFilterChainConfiguration {

    @Bean
    SecurityFilterChain iapSecurityFilterChain(HttpSecurity http) throws Exception {
      IapConfigurer iap = IapConfigurer.iap();
      http.authorizeHttpRequests(
          requests ->
              requests.requestMatchers(iap.exempt()).permitAll().anyRequest().authenticated());
      // IAP signs every request: nothing to remember between requests, and no session that
      // could vouch for a request that bypassed IAP. CSRF protection stays on: a browser holding
      // IAP's cookie gets a valid assertion added to cross-site requests too.
      http.sessionManagement(
          sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
      http.with(iap, Customizer.withDefaults());
      return http.build();
    }
  }

  /** Applies with the default chain and with an app's own chains alike. */
  @Configuration(proxyBeanMethods = false)
  static class BackstopConfiguration {

    /**
     * Right after Spring Security's filter (order {@code spring.security.filter.order}, -100 by
     * default), on every path and dispatcher type, so that it sees which requests an IAP chain has
     * handled.
     */
    @Bean(BACKSTOP_REGISTRATION)
    FilterRegistrationBean<IapChainBackstopFilter> iapChainBackstopRegistration(
        IapRequestPipeline pipeline, Environment environment) {
      FilterRegistrationBean<IapChainBackstopFilter> registration =
          IapServletFilterAutoConfiguration.registration(
              new IapChainBackstopFilter(new IapServletPipeline(pipeline)));
      registration.setName("iapChainBackstopFilter");
      registration.setOrder(
          environment.getProperty("spring.security.filter.order", Integer.class, -100) + 1);
      return registration;
    }
  }

  /** Applies with the default chain and with an app's own chain alike. */
  @Configuration(proxyBeanMethods = false)
  static class NoPasswordConfiguration {

    /**
     * Takes the place of Spring Boot's generated in-memory user (and its "generated security
     * password" warning): behind IAP nobody logs in with a password.
     */
    @Bean
    @ConditionalOnMissingBean({
      AuthenticationManager.class,
      AuthenticationProvider.class,
      UserDetailsService.class
    })
    AuthenticationManager iapNoPasswordAuthenticationManager() {
      return authentication -> {
        throw new ProviderNotFoundException(
            "IAP authenticates every request through its signed header; no other"
                + " authentication is configured");
      };
    }
  }
}
