package io.github.iapverifier.parity.reactive;

import io.github.iapverifier.parity.AdapterConfiguration;
import io.github.iapverifier.parity.ParitySuite;
import io.github.iapverifier.parity.reactive.app.ReactiveParityApplication;
import io.github.iapverifier.spring.IapServerSecurityCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * A WebFlux app with reactive Spring Security and its own chain applying {@link
 * IapServerSecurityCustomizer}, with Spring Security's defaults otherwise (CSRF on). It permits
 * what IAP exempts with {@link IapServerSecurityCustomizer#exempt()}.
 */
class ReactiveSecurityOwnChainParityTest extends ParitySuite {

  @Configuration(proxyBeanMethods = false)
  static class OwnChain {

    @Bean
    SecurityWebFilterChain app(ServerHttpSecurity http, IapServerSecurityCustomizer iap) {
      iap.customize(http);
      return http.authorizeExchange(
              exchanges -> exchanges.matchers(iap.exempt()).permitAll().anyExchange().authenticated())
          .build();
    }
  }

  @Override
  protected AdapterConfiguration configuration() {
    return settings ->
        ReactiveApps.start(
            settings,
            ReactiveSecurityOwnChainParityTest.class.getClassLoader(),
            ReactiveParityApplication.class,
            OwnChain.class);
  }
}
