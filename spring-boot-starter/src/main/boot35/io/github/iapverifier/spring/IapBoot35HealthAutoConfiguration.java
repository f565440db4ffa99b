package io.github.iapverifier.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code iap} health contributor on Spring Boot 3.5 (see {@link
 * IapActuatorAutoConfiguration} for 4.x). Its conditions are read without loading the class, so on
 * 4.x, where Boot 3.5's {@code HealthIndicator} does not exist, nothing of it is loaded.
 */
@AutoConfiguration(after = IapActuatorAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
@ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(IapHealth.class)
public final class IapBoot35HealthAutoConfiguration {

  @Bean(name = IapActuatorAutoConfiguration.HEALTH_BEAN)
  @ConditionalOnMissingBean(name = IapActuatorAutoConfiguration.HEALTH_BEAN)
  Boot35IapHealthIndicator iapHealthIndicator(IapHealth health) {
    return new Boot35IapHealthIndicator(health);
  }
}
