package io.github.iapverifier.spring.proxies.reactive;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.spring.IapWebFilter;
import io.github.iapverifier.web.IapIdentityHeaders;
import java.util.Locale;
import java.util.TreeSet;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableReactiveMethodSecurity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A WebFlux app for every proxy: with reactive Spring Security (the starter's default chain, method
 * security) or, run with Spring Security hidden, behind the plain {@link IapWebFilter}.
 */
@SpringBootApplication
public class ProxyReactiveApplication {

  /** Method security only when Spring Security is there. */
  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  @org.springframework.boot.autoconfigure.condition.ConditionalOnClass(
      name =
          "org.springframework.security.config.annotation.method.configuration.EnableReactiveMethodSecurity")
  @EnableReactiveMethodSecurity
  static class MethodSecurity {}

  @RestController
  static class Pages {

    @GetMapping("/whoami")
    Mono<String> whoami(ServerWebExchange exchange) {
      return exchange
          .getPrincipal()
          .map(
              principal ->
                  describe(
                      exchange,
                      IapWebFilter.identity(exchange).orElseThrow(),
                      principal.getName()));
    }

    @GetMapping("/healthz")
    Mono<String> health(ServerWebExchange exchange) {
      return Mono.just(describe(exchange, null, "null"));
    }

    @GetMapping("/admins")
    @PreAuthorize("hasAuthority('IAP_GROUP_admins')")
    Mono<String> admins(ServerWebExchange exchange) {
      return exchange.getPrincipal().map(p -> "admin " + p.getName());
    }
  }

  static String describe(ServerWebExchange exchange, IapIdentity identity, String principal) {
    TreeSet<String> headers = new TreeSet<>();
    exchange
        .getRequest()
        .getHeaders()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase(Locale.ROOT);
              if (IapIdentityHeaders.isIdentityHeader(lower)) {
                headers.add(lower + "=" + String.join(",", values));
              }
            });
    return (identity == null ? "-" : identity.proxy().configName() + " " + identity.email())
        + " "
        + principal
        + " "
        + headers;
  }
}
