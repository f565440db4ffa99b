package io.github.iapverifier.spring.scopedchain;

import io.github.iapverifier.spring.IapConfigurer;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.concurrent.Callable;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An app whose chains cover only part of it: {@code /api/**} with IAP, {@code /webhook/**} without,
 * and every other path in no chain at all.
 */
@SpringBootApplication
public class ScopedChainApplication {

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
        .authorizeHttpRequests(a -> a.requestMatchers("/api/public").permitAll()
            .anyRequest().authenticated())
        .with(IapConfigurer.iap(), Customizer.withDefaults());
    return http.build();
  }

  @RestController
  static class Endpoints {

    /** Who the app sees: the principal and the legacy header, "-" for none. */
    static String seen(HttpServletRequest request) {
      Principal principal = request.getUserPrincipal();
      String header = request.getHeader("x-goog-authenticated-user-email");
      return (principal == null ? "-" : principal.getName()) + " " + (header == null ? "-" : header);
    }

    @GetMapping({"/hello", "/api/me", "/api/public", "/webhook/ping", "/open/ping"})
    String hello(HttpServletRequest request) {
      return seen(request);
    }

    @GetMapping("/hello/async")
    Callable<String> async(HttpServletRequest request) {
      return () -> seen(request);
    }

    @GetMapping("/hello/boom")
    String boom() {
      throw new IllegalStateException("boom");
    }
  }
}
