package io.github.iapverifier.spring.slice.reactive;

import io.github.iapverifier.IapIdentity;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The application the {@code @WebFluxTest} slice tests find: a controller, no chain of its own. */
@SpringBootApplication
public class ReactiveSliceApplication {

  @RestController
  public static class HelloController {
    @GetMapping("/hello")
    Mono<String> hello(@AuthenticationPrincipal IapIdentity identity) {
      return Mono.just("Hello " + identity.email());
    }
  }
}
