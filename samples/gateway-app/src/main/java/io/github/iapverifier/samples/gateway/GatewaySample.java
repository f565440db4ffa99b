package io.github.iapverifier.samples.gateway;

import java.net.URI;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;

/**
 * Spring Cloud Gateway behind IAP. The starter's {@code IapWebFilter} runs before the gateway's
 * routing, so every route is protected: a request without a valid assertion is answered by the
 * gateway (401, 403 or 503 problem+json) and never forwarded. A forwarded request carries the
 * original {@code x-goog-iap-jwt-assertion}, so the service behind can verify it itself (with the
 * gateway's audience), and the legacy {@code x-goog-authenticated-user-*} headers rewritten from
 * the verified identity: what a client sent in them never reaches the service.
 */
@SpringBootApplication
public class GatewaySample {

  public static void main(String[] args) {
    SpringApplication.run(GatewaySample.class, args);
  }

  @Bean
  RouteLocator routes(RouteLocatorBuilder routes, @Value("${sample.downstream-uri}") URI downstream) {
    return routes.routes().route("api", r -> r.path("/api/**").uri(downstream)).build();
  }
}
