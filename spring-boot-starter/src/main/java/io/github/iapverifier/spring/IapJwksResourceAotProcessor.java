package io.github.iapverifier.spring;

import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Puts the key set of {@code iap.jwks-resource=classpath:...} into a native image: resources are
 * included only when registered, and only the app's configuration, read while it is processed ahead
 * of time, says which file it is. A {@code file:} resource stays outside the image.
 */
final class IapJwksResourceAotProcessor implements BeanFactoryInitializationAotProcessor {

  @Override
  public BeanFactoryInitializationAotContribution processAheadOfTime(
      ConfigurableListableBeanFactory beanFactory) {
    if (!beanFactory.containsBean("environment")) {
      return null;
    }
    String location =
        beanFactory.getBean("environment", Environment.class).getProperty("iap.jwks-resource");
    if (location == null || !location.startsWith(ResourceLoader.CLASSPATH_URL_PREFIX)) {
      return null;
    }
    String path =
        location.substring(ResourceLoader.CLASSPATH_URL_PREFIX.length()).replaceFirst("^/", "");
    return (context, code) -> context.getRuntimeHints().resources().registerPattern(path);
  }
}
