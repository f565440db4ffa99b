package io.github.iapverifier.spring;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.servlet.IapFilter;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Auto-configuration of the servlet {@link IapFilter} for apps without Spring Security: every
 * request but {@code iap.excluded-paths} must carry a valid assertion. Backs off when the app
 * registers its own {@code FilterRegistrationBean<IapFilter>}. With Spring Security on the class
 * path, {@link IapWebSecurityAutoConfiguration} applies instead, never both.
 */
@AutoConfiguration(after = IapAutoConfiguration.class)
@ConditionalOnProperty(
    prefix = "iap",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnMissingClass("org.springframework.security.web.SecurityFilterChain")
@ConditionalOnBean(IapVerifier.class)
public final class IapServletFilterAutoConfiguration {

  /**
   * Right after Spring Boot's character encoding and observation filters, so that rejections are
   * observed, and before everything that could act on an unverified request.
   */
  static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

  @Configuration(proxyBeanMethods = false)
  static class FilterConfiguration {

    @Bean
    @ConditionalOnMissingBean(
        value = IapFilter.class,
        parameterizedContainer = FilterRegistrationBean.class)
    FilterRegistrationBean<IapFilter> iapFilterRegistration(
        IapVerifier verifier, IapProperties properties) {
      IapFilter filter;
      try {
        filter = IapFilter.builder(verifier).excludedPaths(properties.getExcludedPaths()).build();
      } catch (IllegalArgumentException e) {
        throw new IapConfigurationException(
            "Invalid IAP setting: iap.excluded-paths: " + e.getMessage(),
            "List only health-check paths under iap.excluded-paths, such as /actuator/health/**.",
            e);
      }
      FilterRegistrationBean<IapFilter> registration = new FilterRegistrationBean<>(filter);
      registration.setName("iapFilter");
      registration.setOrder(FILTER_ORDER);
      registration.addUrlPatterns("/*");
      // The filter verifies once per request; an async dispatch needs it again only to see the
      // verified identity on its request.
      registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
      return registration;
    }
  }
}
