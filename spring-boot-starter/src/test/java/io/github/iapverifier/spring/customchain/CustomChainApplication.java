package io.github.iapverifier.spring.customchain;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.spring.IapConfigurer;
import java.util.stream.Collectors;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** An app with a security chain of its own, rules on the mapped authorities. */
@SpringBootApplication
public class CustomChainApplication {

  // tag::chain[]
  @Bean
  SecurityFilterChain appSecurity(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(requests -> requests
            .requestMatchers("/public").permitAll()
            .requestMatchers("/admin/**").hasRole("ADMIN")     // iap.authorities.ROLE_ADMIN
            .requestMatchers("/corp/**").hasAuthority("IAP_ACCESS_LEVEL_123_corp_devices")
            .requestMatchers("/audit/**").hasAuthority("AUDITOR")
            .anyRequest().hasAuthority("IAP_DOMAIN_example.com"))
        .with(IapConfigurer.iap(), Customizer.withDefaults());
    return http.build();
  }
  // end::chain[]

  @RestController
  static class Endpoints {

    @GetMapping("/public")
    String open() {
      return "public";
    }

    @GetMapping({"/me", "/admin/me", "/corp/me", "/audit/me"})
    String me(@AuthenticationPrincipal IapIdentity who, Authentication authentication) {
      return authentication.getName()
          + " "
          + who.subject()
          + " "
          + authentication.getAuthorities().stream()
              .map(GrantedAuthority::getAuthority)
              .sorted()
              .collect(Collectors.joining(","));
    }
  }
}
