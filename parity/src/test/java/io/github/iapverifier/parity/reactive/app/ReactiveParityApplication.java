package io.github.iapverifier.parity.reactive.app;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.parity.Echo;
import io.github.iapverifier.spring.IapWebFilter;
import io.github.iapverifier.web.IapLegacyHeaders;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * The parity endpoints as a WebFlux app on Reactor Netty. What the application sees is the {@link
 * Echo} line written from the exchange: {@code principal} and {@code remoteUser} are both the name
 * of {@code exchange.getPrincipal()} (WebFlux has no remote user), {@code identity} is {@link
 * IapWebFilter#identity}. The error page is a {@link WebExceptionHandler} ahead of Spring Boot's.
 */
@SpringBootApplication
public class ReactiveParityApplication {

  @RestController
  static class Endpoints {

    @GetMapping({"/whoami", "/healthz"})
    Mono<String> whoami(ServerWebExchange exchange) {
      return echo(exchange, 200);
    }

    /** Answered later, on another thread (Reactor's parallel scheduler). */
    @GetMapping("/async/whoami")
    Mono<String> async(ServerWebExchange exchange) {
      return Mono.delay(Duration.ofMillis(10)).then(echo(exchange, 200));
    }

    @GetMapping("/boom")
    Mono<String> boom() {
      throw new IllegalStateException("boom");
    }
  }

  /** The error page: 404 for unknown paths, 500 for handlers that throw; the line as body. */
  @Bean
  @Order(-2)
  WebExceptionHandler errorPage() {
    return (exchange, error) -> {
      int status =
          error instanceof ResponseStatusException
              ? ((ResponseStatusException) error).getStatusCode().value()
              : 500;
      return echo(exchange, status)
          .flatMap(
              line -> {
                exchange.getResponse().setStatusCode(HttpStatus.valueOf(status));
                exchange.getResponse().getHeaders().setContentType(MediaType.TEXT_PLAIN);
                return exchange
                    .getResponse()
                    .writeWith(
                        Mono.just(
                            exchange
                                .getResponse()
                                .bufferFactory()
                                .wrap(line.getBytes(StandardCharsets.UTF_8))));
              });
    };
  }

  /**
   * Loops of its own: the suite runs a second app beside this one, and closing an app that uses
   * Reactor Netty's global resources would stop this one's server too.
   */
  @Bean
  ReactorResourceFactory reactorResourceFactory() {
    ReactorResourceFactory resources = new ReactorResourceFactory();
    resources.setUseGlobalResources(false);
    return resources;
  }

  static Mono<String> echo(ServerWebExchange exchange, int status) {
    HttpHeaders headers = exchange.getRequest().getHeaders();
    String identity = IapWebFilter.identity(exchange).map(IapIdentity::email).orElse(null);
    return exchange
        .getPrincipal()
        .map(Principal::getName)
        .defaultIfEmpty("")
        .map(
            name ->
                Echo.line(
                    status,
                    name,
                    name,
                    identity,
                    join(headers.get(IapLegacyHeaders.EMAIL)),
                    join(headers.get(IapLegacyHeaders.ID)),
                    Echo.unsigned(headers::getOrEmpty)));
  }

  private static String join(List<String> values) {
    return values == null ? null : String.join(",", values);
  }
}
