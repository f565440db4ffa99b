package io.github.iapverifier.spring;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The {@code iap} health contributor on Spring Boot 3.5, whose Actuator has {@code HealthIndicator}
 * in {@code org.springframework.boot.actuate.health} (4.x moved it to {@code
 * org.springframework.boot.health.contributor}, see {@link IapHealthIndicator}). Compiled against
 * Boot 3.5's Actuator from its own source folder ({@code src/main/boot35}, see the pom), and loaded
 * only on 3.5 ({@link IapBoot35HealthAutoConfiguration}).
 */
final class Boot35IapHealthIndicator implements HealthIndicator {

  private final IapHealth health;

  Boot35IapHealthIndicator(IapHealth health) {
    this.health = health;
  }

  @Override
  public Health health() {
    IapHealth.Report report = health.check();
    return (report.up() ? Health.up() : Health.down()).withDetails(report.details()).build();
  }
}
