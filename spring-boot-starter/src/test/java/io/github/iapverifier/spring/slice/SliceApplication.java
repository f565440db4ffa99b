package io.github.iapverifier.spring.slice;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.spring.IapConfigurer;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** An app for the {@code @WebMvcTest} slice tests: a controller and a chain of its own. */
@SpringBootApplication
public class SliceApplication {

  @RestController
  public static class HelloController {
    @GetMapping("/hello")
    String hello(@AuthenticationPrincipal IapIdentity who) {
      return "Hello " + who.email();
    }
  }

  /** Imported by the slice tests, as an app imports its security configuration into a slice. */
  @Configuration(proxyBeanMethods = false)
  public static class AppSecurity {
    @Bean
    SecurityFilterChain app(HttpSecurity http) throws Exception {
      http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
          .with(IapConfigurer.iap(), Customizer.withDefaults());
      return http.build();
    }
  }
}
