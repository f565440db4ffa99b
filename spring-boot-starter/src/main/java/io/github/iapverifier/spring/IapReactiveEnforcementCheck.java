package io.github.iapverifier.spring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;

/**
 * Refuses to start a reactive web app with no {@link IapWebFilter}, the one place the reactive
 * stack verifies IAP's assertion: this happens when an app excludes {@link
 * IapWebFluxAutoConfiguration}. {@code iap.require-enforcement=false} turns the refusal into a
 * warning. The servlet side's counterpart is {@link IapEnforcementCheck}.
 *
 * <p>Runs once, after all singletons exist and before the web server accepts requests.
 */
final class IapReactiveEnforcementCheck implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(IapReactiveEnforcementCheck.class);

  private final ApplicationContext context;

  IapReactiveEnforcementCheck(ApplicationContext context) {
    this.context = context;
  }

  @Override
  public void afterSingletonsInstantiated() {
    if (context.getBeanNamesForType(IapWebFilter.class).length > 0) {
      return;
    }
    String problem =
        "No IAP enforcement is registered: no IapWebFilter bean, so this reactive app would serve"
            + " every exchange without verifying IAP's assertion.";
    String action =
        "Do not exclude IapWebFluxAutoConfiguration, or declare an IapWebFilter bean"
            + " (IapWebFilter.builder(pipeline).build()). Only for an app not behind IAP, set"
            + " iap.enabled=false; to start anyway with this warning, set"
            + " iap.require-enforcement=false.";
    IapProperties properties = context.getBeanProvider(IapProperties.class).getIfAvailable();
    if (properties != null && !properties.isRequireEnforcement()) {
      log.warn("{} (iap.require-enforcement=false) {}", problem, action);
      return;
    }
    throw new IapConfigurationException(problem, action, null);
  }
}
