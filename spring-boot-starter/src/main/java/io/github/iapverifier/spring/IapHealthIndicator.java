package io.github.iapverifier.spring;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** The {@code iap} health contributor on Spring Boot 4.x. See {@link IapHealth}. */
final class IapHealthIndicator implements HealthIndicator {

  private final IapHealth health;

  IapHealthIndicator(IapHealth health) {
    this.health = health;
  }

  @Override
  public Health health() {
    IapHealth.Report report = health.check();
    return (report.up() ? Health.up() : Health.down()).withDetails(report.details()).build();
  }
}
