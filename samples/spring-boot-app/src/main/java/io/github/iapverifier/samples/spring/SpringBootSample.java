package io.github.iapverifier.samples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot app that trusts only identities IAP signed, through the iap-verifier starter.
 *
 * <ul>
 *   <li>{@code /} shows the verified identity and the authorities it maps to;
 *   <li>{@code /admin} needs the authority {@code ADMIN}, granted by {@code iap.authorities.ADMIN};
 *   <li>{@code /healthz} answers without an assertion, as load balancer health checks need.
 * </ul>
 *
 * <p>Behind the local emulator: {@code ./run-sample.sh} at the repository root, or {@code java -jar
 * spring-boot-sample.jar --spring.profiles.active=local} (see {@code application-local.yml}).
 */
@SpringBootApplication
public class SpringBootSample {

  /**
   * Starts the app.
   *
   * @param args Spring Boot arguments, e.g. {@code --spring.profiles.active=local}
   */
  public static void main(String[] args) {
    SpringApplication.run(SpringBootSample.class, args);
  }
}
