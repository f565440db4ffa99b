package io.github.iapverifier.spring;

import io.github.iapverifier.servlet.IapFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.HierarchicalBeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * Protects the management server when it runs on a port of its own ({@code
 * management.server.port}): the main context's {@link IapFilter}s are registered in the management
 * child context's servlet context too, on every path and dispatcher type. (With Spring Security,
 * Spring Boot already registers the main context's security filter chain there, IAP's filter with
 * it, and the main context's {@link IapChainBackstopFilter} is registered after it.) Registered in {@code META-INF/spring/...ManagementContextConfiguration.imports}.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
final class IapManagementChildContextConfiguration {

  @Bean
  ServletContextInitializer iapManagementFilters(BeanFactory beanFactory) {
    List<IapFilter> filters = new ArrayList<>();
    BeanFactory parent = ((HierarchicalBeanFactory) beanFactory).getParentBeanFactory();
    if (parent instanceof ListableBeanFactory) {
      ListableBeanFactory main = (ListableBeanFactory) parent;
      for (FilterRegistrationBean<?> registration :
          BeanFactoryUtils.beansOfTypeIncludingAncestors(main, FilterRegistrationBean.class)
              .values()) {
        if (registration.getFilter() instanceof IapFilter) {
          filters.add((IapFilter) registration.getFilter());
        }
      }
      for (IapFilter filter :
          BeanFactoryUtils.beansOfTypeIncludingAncestors(main, IapFilter.class).values()) {
        if (!filters.contains(filter)) {
          filters.add(filter);
        }
      }
    }
    return new Initializer(filters);
  }

  /**
   * The main context's backstop behind Spring Security's chain, which Spring Boot registers here
   * too, in the same order.
   */
  @Bean
  @ConditionalOnBean(
      name = IapWebSecurityAutoConfiguration.BACKSTOP_REGISTRATION,
      search = SearchStrategy.ANCESTORS)
  FilterRegistrationBean<?> iapChainBackstopRegistration(HierarchicalBeanFactory beanFactory) {
    return beanFactory
        .getParentBeanFactory()
        .getBean(IapWebSecurityAutoConfiguration.BACKSTOP_REGISTRATION, FilterRegistrationBean.class);
  }

  /** Registers the filters first, as in the main context. */
  private static final class Initializer implements ServletContextInitializer, Ordered {
    private final List<IapFilter> filters;

    Initializer(List<IapFilter> filters) {
      this.filters = filters;
    }

    @Override
    public void onStartup(jakarta.servlet.ServletContext servletContext) {
      for (int i = 0; i < filters.size(); i++) {
        FilterRegistration.Dynamic registration =
            servletContext.addFilter("iapFilter" + (i == 0 ? "" : "-" + i), filters.get(i));
        registration.setAsyncSupported(true);
        registration.addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
      }
    }

    @Override
    public int getOrder() {
      return IapServletFilterAutoConfiguration.FILTER_ORDER;
    }
  }
}
