package io.github.iapverifier.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;

/**
 * Refuses to start a reactive (WebFlux) app: the starter has no reactive adapter yet, and an app
 * that started would serve every request unverified while reporting IAP as UP. Set {@code
 * iap.enabled=false} for a reactive app that is not behind IAP.
 */
@AutoConfiguration(after = IapAutoConfiguration.class)
@ConditionalOnProperty(
    prefix = "iap",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
public final class IapReactiveAutoConfiguration {

  @Bean
  Object iapReactiveRefusal() {
    throw new IapConfigurationException(
        "The IAP starter cannot protect a reactive (WebFlux) application yet: it would start and"
            + " serve every request without verifying IAP's assertion.",
        "Run the app on the servlet stack (spring-boot-starter-web), or set iap.enabled=false if"
            + " it is not behind IAP.",
        null);
  }
}
