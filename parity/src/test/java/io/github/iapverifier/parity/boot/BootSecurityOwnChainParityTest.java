package io.github.iapverifier.parity.boot;

import io.github.iapverifier.parity.AdapterConfiguration;
import io.github.iapverifier.parity.ParitySuite;
import io.github.iapverifier.parity.boot.app.ParityApplication;
import io.github.iapverifier.spring.IapConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Spring Boot with Spring Security and the app's own chain applying {@link IapConfigurer}, with
 * Spring Security's defaults otherwise (sessions if required, CSRF on). It permits what IAP exempts
 * with {@link IapConfigurer#exempt()}: a path pattern ({@code requestMatchers("/healthz")}) would
 * also permit {@code /%68ealthz}, anonymous (the app's rule, not IAP's).
 */
class BootSecurityOwnChainParityTest extends ParitySuite {

  @Configuration(proxyBeanMethods = false)
  static class OwnChain {

    @Bean
    SecurityFilterChain app(HttpSecurity http) throws Exception {
      IapConfigurer iap = IapConfigurer.iap();
      http.authorizeHttpRequests(
              requests ->
                  requests.requestMatchers(iap.exempt()).permitAll().anyRequest().authenticated())
          .with(iap, Customizer.withDefaults());
      return http.build();
    }
  }

  @Override
  protected AdapterConfiguration configuration() {
    return settings ->
        BootApps.start(
            settings,
            BootSecurityOwnChainParityTest.class.getClassLoader(),
            ParityApplication.class,
            OwnChain.class);
  }
}
