package io.github.iapverifier.samples.webflux;

import io.github.iapverifier.IapIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableReactiveMethodSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;
import reactor.core.publisher.Mono;

/**
 * A reactive app behind IAP: the starter's {@code IapWebFilter} verifies every request but {@code
 * /healthz} and its default security chain makes the identity the {@code Authentication};
 * {@code /admin} needs the authority {@code ADMIN} ({@code iap.authorities.ADMIN} in {@code
 * application.yml}), checked by {@code @PreAuthorize}.
 */
@SpringBootApplication
@EnableReactiveMethodSecurity
public class WebFluxSample {

  public static void main(String[] args) {
    SpringApplication.run(WebFluxSample.class, args);
  }

  @RestController
  static class Pages {

    @GetMapping(value = "/", produces = MediaType.TEXT_HTML_VALUE)
    Mono<String> identity(
        @AuthenticationPrincipal IapIdentity identity, Authentication authentication) {
      String authorities =
          authentication.getAuthorities().stream()
              .map(GrantedAuthority::getAuthority)
              .sorted()
              .collect(Collectors.joining(", "));
      long seconds = Duration.between(Instant.now(), identity.expiresAt()).toSeconds();
      return Mono.just(
          "<!doctype html><html><head><title>Who IAP says you are</title></head><body>"
              + "<h1>Who IAP says you are</h1><table>"
              + row("email", identity.email())
              + row("domain", identity.hostedDomain().orElse("(consumer account)"))
              + row("audience", identity.audience())
              + row("expires", identity.expiresAt() + " (in " + seconds + " s)")
              + row("authorities", authorities)
              + "</table><p><a href=\"/admin\">/admin</a> needs ADMIN.</p></body></html>");
    }

    @GetMapping(value = "/admin", produces = MediaType.TEXT_PLAIN_VALUE)
    @PreAuthorize("hasAuthority('ADMIN')")
    Mono<String> admin(@AuthenticationPrincipal IapIdentity identity) {
      return Mono.just("Hello admin " + identity.email());
    }

    @GetMapping(value = "/healthz", produces = MediaType.TEXT_PLAIN_VALUE)
    Mono<String> health() {
      return Mono.just("ok");
    }

    private static String row(String id, String value) {
      return "<tr><th>" + id + "</th><td id=\"" + id + "\">" + HtmlUtils.htmlEscape(value) + "</td></tr>";
    }
  }
}
