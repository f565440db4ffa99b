package io.github.iapverifier.spring;

import io.github.iapverifier.IapEventListener;
import io.github.iapverifier.IapKeySource;
import io.github.iapverifier.IapVerifier;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code iap} health contributor on Spring Boot 4.x (on 3.5: {@code
 * IapBoot35HealthAutoConfiguration}, which uses the {@link IapHealth} defined here) and of
 * Micrometer meters for the starter's {@link IapVerifier} (see {@link IapMetrics}). Turn the
 * contributor off with {@code management.health.iap.enabled=false}.
 */
@AutoConfiguration(
    after = IapAutoConfiguration.class,
    afterName = {
      // A MeterRegistry bean must be defined before @ConditionalOnBean(MeterRegistry) is judged.
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"
    })
@ConditionalOnProperty(
    prefix = "iap",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@ConditionalOnBean(IapVerifier.class)
public final class IapActuatorAutoConfiguration {

  static final String HEALTH_BEAN = "iapHealthIndicator";

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(
      prefix = "management.health.iap",
      name = "enabled",
      havingValue = "true",
      matchIfMissing = true)
  static class HealthConfiguration {

    @Bean
    @ConditionalOnMissingBean
    IapHealth iapHealth(IapVerifier verifier) {
      return new IapHealth(verifier, Clock.systemUTC());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Boot4 {

      @Bean(name = HEALTH_BEAN)
      @ConditionalOnMissingBean(name = HEALTH_BEAN)
      IapHealthIndicator iapHealthIndicator(IapHealth health) {
        return new IapHealthIndicator(health);
      }
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  @ConditionalOnBean(MeterRegistry.class)
  static class MetricsConfiguration {

    @Bean
    IapEventListener iapMetricsListener(MeterRegistry registry, IapProperties properties) {
      return new IapMetrics(registry, properties.getProxy());
    }

    @Bean
    MeterBinder iapKeysAgeMeterBinder(IapVerifier verifier) {
      return registry -> {
        if (verifier.keySource().status().uri().isPresent()) {
          IapKeySource keys = verifier.keySource();
          Gauge.builder(
                  "iap.keys.age",
                  keys,
                  k ->
                      k.status()
                          .fetchedAt()
                          .map(
                              at ->
                                  Duration.between(at, Clock.systemUTC().instant()).toMillis()
                                      / 1000.0)
                          .orElse(Double.NaN))
              .description("Age of the proxy's keys in use")
              .tag(IapMetrics.PROXY_TAG, verifier.proxy().configName())
              .baseUnit("seconds")
              .register(registry);
        }
      };
    }
  }
}
