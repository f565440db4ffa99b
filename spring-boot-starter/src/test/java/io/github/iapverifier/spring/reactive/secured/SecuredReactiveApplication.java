package io.github.iapverifier.spring.reactive.secured;

import io.github.iapverifier.IapIdentity;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableReactiveMethodSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A WebFlux app with reactive Spring Security and method security, and no chain of its own: the
 * starter's default chain applies.
 */
@SpringBootApplication
@EnableReactiveMethodSecurity
public class SecuredReactiveApplication {

  @RestController
  static class Pages {

    // tag::webflux-controller[]
    @GetMapping("/whoami")
    Mono<String> whoami(
        @AuthenticationPrincipal IapIdentity identity,
        @RequestHeader(name = "x-goog-authenticated-user-email", required = false) String email) {
      return Mono.just(identity.email() + " " + email);
    }

    @GetMapping("/admin")
    @PreAuthorize("hasAuthority('ADMIN')")
    Mono<String> admin(@AuthenticationPrincipal IapIdentity identity) {
      return Mono.just("admin " + identity.email());
    }
    // end::webflux-controller[]

    @PostMapping("/notes")
    Mono<String> note(@AuthenticationPrincipal IapIdentity identity) {
      return Mono.just("noted for " + identity.email());
    }

    @GetMapping("/healthz")
    Mono<String> health() {
      return Mono.just("ok");
    }
  }
}
