package io.github.iapverifier.spring;

import io.github.iapverifier.IapEventListener;
import io.github.iapverifier.IapKeySource;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.web.IapRequestPipeline;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@link IapVerifier} from {@link IapProperties}, then every {@link
 * IapVerifierBuilderCustomizer} bean in order, with the app's {@link IapKeySource} bean if it has
 * one, and of the {@link IapRequestPipeline} every web adapter runs: backs off when the app defines
 * its own, loads the keys at start-up and closes the verifier at shutdown. With no audience
 * configured and none detectable the app does not start ({@link IapConfigurationFailureAnalyzer}
 * says what to set): an app is never left silently unprotected. In a servlet web app, start-up
 * also fails when no IAP enforcement is registered at all ({@link IapEnforcementCheck}), and in a
 * reactive one when there is no {@link IapWebFilter} ({@link IapReactiveEnforcementCheck}).
 *
 * <p>The web side (servlet filter or Spring Security) and observability are configured by {@link
 * IapWebSecurityAutoConfiguration}, {@link IapServletFilterAutoConfiguration} and {@link
 * IapActuatorAutoConfiguration}.
 */
@AutoConfiguration
@ConditionalOnProperty(
    prefix = "iap",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@EnableConfigurationProperties(IapProperties.class)
public final class IapAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  static class VerifierConfiguration {

    @Bean
    @ConditionalOnMissingBean
    IapVerifier iapVerifier(
        IapProperties properties,
        ObjectProvider<IapEventListener> listeners,
        ObjectProvider<IapKeySource> keySource,
        ObjectProvider<IapVerifierBuilderCustomizer> customizers) {
      // Closed at shutdown through its close() method, which Spring infers for @Bean methods.
      return IapVerifierFactory.warmed(
          properties,
          listeners.orderedStream().toList(),
          keySource.getIfUnique(),
          customizers.orderedStream().toList());
    }

    @Bean
    @ConditionalOnMissingBean
    IapRequestPipeline iapRequestPipeline(IapVerifier verifier, IapProperties properties) {
      return IapVerifierFactory.pipeline(properties, properties.getExcludedPaths()).build(verifier);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  static class EnforcementCheckConfiguration {

    @Bean
    IapEnforcementCheck iapEnforcementCheck(ApplicationContext context) {
      return new IapEnforcementCheck(context);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  static class ReactiveEnforcementCheckConfiguration {

    @Bean
    IapReactiveEnforcementCheck iapReactiveEnforcementCheck(ApplicationContext context) {
      return new IapReactiveEnforcementCheck(context);
    }
  }
}
