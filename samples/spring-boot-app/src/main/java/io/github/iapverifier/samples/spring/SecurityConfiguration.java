package io.github.iapverifier.samples.spring;

import io.github.iapverifier.spring.IapConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/** Who may open what. Authentication itself is IAP's: the starter verifies its assertion. */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  @Bean
  SecurityFilterChain appSecurity(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(
            requests ->
                requests
                    // Also in iap.excluded-paths: health checks carry no assertion.
                    .requestMatchers("/healthz")
                    .permitAll()
                    // Granted by iap.authorities.ADMIN (emails or @workspace-domain).
                    .requestMatchers("/admin")
                    .hasAuthority("ADMIN")
                    .anyRequest()
                    .authenticated())
        // IAP vouches for every request anew; a session would only outlive its assertion.
        .sessionManagement(
            sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .with(IapConfigurer.iap(), Customizer.withDefaults());
    return http.build();
  }
}
