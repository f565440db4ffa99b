package io.github.iapverifier.spring;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * The {@code iap} health contributor on Spring Boot 3.5, whose {@code HealthIndicator} lives in
 * {@code org.springframework.boot.actuate.health} (moved to {@code
 * org.springframework.boot.health.contributor} in 4.x). This jar is compiled against 4.x, and both
 * Actuator versions cannot be on one compile class path, so the 3.5 interface is implemented by a
 * JDK proxy and its {@code Health} built reflectively: two public, stable 3.5 methods ({@code
 * Health.up()/down()} and {@code Builder.withDetails(Map).build()}).
 *
 * <p>Registered with the interface as its bean type, so Actuator finds it by type before it is
 * created.
 */
final class LegacyIapHealthIndicator
    implements ImportBeanDefinitionRegistrar, BeanFactoryAware, BeanClassLoaderAware {

  static final String INDICATOR = "org.springframework.boot.actuate.health.HealthIndicator";
  private static final String HEALTH = "org.springframework.boot.actuate.health.Health";

  private BeanFactory beanFactory;
  private ClassLoader classLoader;

  @Override
  public void setBeanClassLoader(ClassLoader classLoader) {
    this.classLoader = classLoader;
  }

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = beanFactory;
  }

  @Override
  public void registerBeanDefinitions(
      AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
    if (registry.containsBeanDefinition(IapActuatorAutoConfiguration.HEALTH_BEAN)) {
      return;
    }
    ClassLoader loader = classLoader;
    Class<?> indicator = ClassUtils.resolveClassName(INDICATOR, loader);
    BeanFactory factory = beanFactory;
    RootBeanDefinition definition = new RootBeanDefinition();
    definition.setTargetType(indicator);
    definition.setInstanceSupplier(
        () -> proxy(indicator, factory.getBean(IapHealth.class), loader));
    registry.registerBeanDefinition(IapActuatorAutoConfiguration.HEALTH_BEAN, definition);
  }

  static Object proxy(Class<?> indicator, IapHealth health, ClassLoader loader) {
    Class<?> healthType = ClassUtils.resolveClassName(HEALTH, loader);
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return objectMethod(proxy, method, args);
          }
          if (method.getName().equals("health") && method.getParameterCount() == 0) {
            IapHealth.Report report = health.check();
            Object builder = healthType.getMethod(report.up() ? "up" : "down").invoke(null);
            builder =
                builder
                    .getClass()
                    .getMethod("withDetails", Map.class)
                    .invoke(builder, report.details());
            return builder.getClass().getMethod("build").invoke(builder);
          }
          if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
          }
          throw new UnsupportedOperationException(method.toString());
        };
    return Proxy.newProxyInstance(loader, new Class<?>[] {indicator}, handler);
  }

  private static Object objectMethod(Object proxy, Method method, Object[] args) {
    switch (method.getName()) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      default:
        return "IapHealthIndicator (Spring Boot 3.5)";
    }
  }
}
