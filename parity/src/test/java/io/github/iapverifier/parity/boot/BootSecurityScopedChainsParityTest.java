package io.github.iapverifier.parity.boot;

import io.github.iapverifier.parity.AdapterConfiguration;
import io.github.iapverifier.parity.ParitySuite;
import io.github.iapverifier.parity.boot.app.ParityApplication;
import io.github.iapverifier.spring.IapConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Spring Boot with Spring Security and chains of the app's own that cover none of the parity paths:
 * one applying {@link IapConfigurer} to {@code /api/**}, one without it for {@code /webhook/**}.
 * Every case then meets the starter's backstop after Spring Security, which must answer exactly as
 * the plain filter does.
 */
class BootSecurityScopedChainsParityTest extends ParitySuite {

  @Configuration(proxyBeanMethods = false)
  static class ScopedChains {

    @Bean
    @Order(1)
    SecurityFilterChain webhooks(HttpSecurity http) throws Exception {
      http.securityMatcher("/webhook/**").authorizeHttpRequests(a -> a.anyRequest().permitAll());
      return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain api(HttpSecurity http) throws Exception {
      http.securityMatcher("/api/**")
          .authorizeHttpRequests(a -> a.anyRequest().authenticated())
          .with(IapConfigurer.iap(), Customizer.withDefaults());
      return http.build();
    }
  }

  @Override
  protected AdapterConfiguration configuration() {
    return settings ->
        BootApps.start(
            settings,
            BootSecurityScopedChainsParityTest.class.getClassLoader(),
            ParityApplication.class,
            ScopedChains.class);
  }
}
