package io.github.iapverifier.spring;

import static io.github.iapverifier.test.IapWebTestClientConfigurer.iap;

import io.github.iapverifier.spring.reactive.secured.SecuredReactiveApplication;
import io.github.iapverifier.test.FakeIap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A real WebFlux app whose own chain applies {@link IapServerSecurityCustomizer}. */
class ReactiveOwnChainTest {

  static FakeIap iap;
  static ConfigurableApplicationContext app;
  static WebTestClient client;

  @BeforeAll
  static void start() {
    iap = FakeIap.start();
    app =
        ReactiveApps.run(
            new SpringApplicationBuilder(OwnChainApplication.class),
            iap,
            "iap.authorities.ADMIN=admin@example.com");
    client = ReactiveApps.client(app);
  }

  @AfterAll
  static void stop() {
    app.close();
    iap.close();
  }

  @Test
  void whoamiWhenValidAssertionThenChainSeesIdentity() {
    client
        .mutateWith(iap(iap).email("ana@example.com"))
        .get()
        .uri("/whoami")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(String.class)
        .isEqualTo("ana@example.com accounts.google.com:ana@example.com");
  }

  @Test
  void adminWhenChainRuleDeniesThen403() {
    client
        .mutateWith(iap(iap).email("ana@example.com"))
        .get()
        .uri("/admin")
        .exchange()
        .expectStatus()
        .isForbidden()
        .expectHeader()
        .contentType("application/problem+json");
  }

  @Test
  void adminWhenChainRuleGrantsThenServed() {
    client
        .mutateWith(iap(iap).email("admin@example.com"))
        .get()
        .uri("/admin")
        .exchange()
        .expectStatus()
        .isOk();
  }

  @Configuration(proxyBeanMethods = false)
  @Import(SecuredReactiveApplication.class)
  static class OwnChainApplication {
    // tag::webflux-chain[]
    @Bean
    SecurityWebFilterChain appChain(ServerHttpSecurity http, IapServerSecurityCustomizer iap) {
      iap.customize(http); // implied on Spring Boot 4, needed on 3.5
      return http.authorizeExchange(
              a -> a.pathMatchers("/admin/**").hasAuthority("ADMIN").anyExchange().authenticated())
          .build();
    }
    // end::webflux-chain[]
  }
}
