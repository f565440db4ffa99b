package io.github.iapverifier.spring;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.web.IapRequestPipeline;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * Auto-configuration of the {@link IapWebFilter} for every reactive (WebFlux) app, with or without
 * Spring Security: every exchange but {@code iap.excluded-paths} must carry a valid assertion
 * before any other filter, security chains included, sees it. With Spring Security, {@link
 * IapReactiveSecurityAutoConfiguration} also makes the verified identity the chains' {@code
 * Authentication}. Uses the {@link IapRequestPipeline} bean of {@link IapAutoConfiguration}, as the
 * servlet adapters do. Backs off when the app defines its own {@link IapWebFilter}.
 */
@AutoConfiguration(after = IapAutoConfiguration.class)
@ConditionalOnProperty(
    prefix = "iap",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({WebFilter.class, Mono.class})
@ConditionalOnBean(IapVerifier.class)
public final class IapWebFluxAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  static class FilterConfiguration {

    @Bean
    @ConditionalOnMissingBean
    IapWebFilter iapWebFilter(
        IapRequestPipeline pipeline, ObjectProvider<WebExceptionHandler> exceptionHandlers) {
      // Looked up at the first error: exception handlers may depend on beans created later.
      return IapWebFilter.builder(pipeline)
          .exceptionHandlers(
              SingletonSupplier.of(() -> exceptionHandlers.orderedStream().toList()))
          .build();
    }
  }
}
