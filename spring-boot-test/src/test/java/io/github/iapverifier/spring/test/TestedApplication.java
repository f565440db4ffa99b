package io.github.iapverifier.spring.test;

import io.github.iapverifier.IapIdentity;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A small app protected by the starter, with method security, for {@link WithIapUserTest}. */
@SpringBootApplication
@EnableMethodSecurity
public class TestedApplication {

  @Service
  public static class Reports {

    @PreAuthorize("hasRole('ADMIN')")
    public String adminReport() {
      return "report for " + SecurityContextHolder.getContext().getAuthentication().getName();
    }
  }

  @RestController
  static class Endpoints {

    @GetMapping("/hello")
    String hello(@AuthenticationPrincipal IapIdentity who) {
      return "Hello " + who.email();
    }
  }
}
