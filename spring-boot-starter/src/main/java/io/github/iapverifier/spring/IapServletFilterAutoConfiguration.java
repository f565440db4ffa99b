package io.github.iapverifier.spring;

import io.github.iapverifier.servlet.IapFilter;
import io.github.iapverifier.web.IapRequestPipeline;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Auto-configuration of the servlet {@link IapFilter} for apps without the Spring Security
 * integration: every request but {@code iap.excluded-paths} must carry a valid assertion. Backs off
 * when the app registers its own {@code FilterRegistrationBean<IapFilter>}.
 *
 * <p>Exactly one of this and {@link IapWebSecurityAutoConfiguration} applies for every class path:
 * that one needs both {@code spring-security-web} and {@code spring-security-config}, this one
 * applies when either is missing (for example {@code spring-security-web} alone, pulled in by a
 * test library), so an app never falls between the two.
 */
@AutoConfiguration(after = IapAutoConfiguration.class)
@ConditionalOnProperty(
    prefix = "iap",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Conditional(IapServletFilterAutoConfiguration.WithoutSpringSecurityIntegration.class)
@ConditionalOnBean(IapRequestPipeline.class)
public final class IapServletFilterAutoConfiguration {

  /**
   * Right after Spring Boot's character encoding and observation filters, so that rejections are
   * observed, and before everything that could act on an unverified request.
   */
  static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

  /** The name of the registration, also registered in a management child context. */
  static final String REGISTRATION = "iapFilterRegistration";

  @Configuration(proxyBeanMethods = false)
  static class FilterConfiguration {

    @Bean(REGISTRATION)
    @ConditionalOnMissingBean(
        value = IapFilter.class,
        parameterizedContainer = FilterRegistrationBean.class)
    FilterRegistrationBean<IapFilter> iapFilterRegistration(IapRequestPipeline pipeline) {
      return registration(new IapFilter(pipeline));
    }
  }

  /**
   * Maps the filter to every path and every dispatcher type: an error page or an async completion
   * must see the verified identity, and never a client's legacy header.
   */
  static <F extends Filter> FilterRegistrationBean<F> registration(F filter) {
    FilterRegistrationBean<F> registration = new FilterRegistrationBean<>(filter);
    registration.setName("iapFilter");
    registration.setOrder(FILTER_ORDER);
    registration.addUrlPatterns("/*");
    registration.setDispatcherTypes(
        DispatcherType.REQUEST,
        DispatcherType.FORWARD,
        DispatcherType.INCLUDE,
        DispatcherType.ASYNC,
        DispatcherType.ERROR);
    registration.setAsyncSupported(true);
    return registration;
  }

  /** Either half of Spring Security's servlet support is missing. */
  static final class WithoutSpringSecurityIntegration extends AnyNestedCondition {

    WithoutSpringSecurityIntegration() {
      super(ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnMissingClass("org.springframework.security.web.SecurityFilterChain")
    static class NoSecurityWeb {}

    @ConditionalOnMissingClass(
        "org.springframework.security.config.annotation.web.builders.HttpSecurity")
    static class NoSecurityConfig {}
  }
}
