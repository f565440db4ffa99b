package io.github.iapverifier.spring.reactive.plain;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.spring.IapWebFilter;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/** A WebFlux app without Spring Security: the starter registers the {@link IapWebFilter}. */
@SpringBootApplication
public class PlainReactiveApplication {

  @RestController
  static class WhoAmI {

    @GetMapping("/whoami")
    String whoami(
        ServerWebExchange exchange,
        @RequestHeader(name = "x-goog-authenticated-user-email", required = false) String email) {
      return IapWebFilter.identity(exchange).map(IapIdentity::email).orElse("-") + " " + email;
    }

    @GetMapping("/healthz")
    String health(
        ServerWebExchange exchange,
        @RequestHeader(name = "x-goog-authenticated-user-email", required = false) String email) {
      return "ok " + IapWebFilter.identity(exchange).map(IapIdentity::email).orElse("-") + " " + email;
    }

    @GetMapping("/boom")
    String boom() {
      throw new IllegalStateException("boom");
    }
  }
}
