package io.github.iapverifier.spring;

import io.github.iapverifier.servlet.IapFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * Refuses to start a servlet web app whose IAP enforcement is missing or unseen: no {@link
 * IapFilter} (as a bean or in a {@code FilterRegistrationBean}) and no Spring Security; {@code
 * SecurityFilterChain}s none of which applies {@link IapConfigurer} (an app that defines a chain of
 * its own and forgets the configurer: its rules would never see an IAP identity); or the starter's
 * web auto-configuration excluded, so that nothing verifies the requests no IAP chain serves. Each
 * chain that does not apply the configurer is named in a warning. {@code
 * iap.require-enforcement=false} turns the refusal into a warning.
 *
 * <p>Runs once, after all singletons exist and before the web server accepts requests.
 */
final class IapEnforcementCheck implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(IapEnforcementCheck.class);

  private static final String CHAIN = "org.springframework.security.web.SecurityFilterChain";

  private static final String NOTHING_ENFORCES =
      "No IAP enforcement is registered: no IapFilter and no SecurityFilterChain applying"
          + " IapConfigurer.iap(), so this app would serve every request without verifying IAP's"
          + " assertion.";

  private final ApplicationContext context;

  IapEnforcementCheck(ApplicationContext context) {
    this.context = context;
  }

  @Override
  public void afterSingletonsInstantiated() {
    String problem = problem();
    if (problem == null) {
      return;
    }
    IapProperties properties = context.getBeanProvider(IapProperties.class).getIfAvailable();
    String action =
        "With a SecurityFilterChain of your own, apply the configurer to it:"
            + " http.with(IapConfigurer.iap(), Customizer.withDefaults()). Without Spring"
            + " Security, do not exclude IapServletFilterAutoConfiguration, or register an"
            + " IapFilter yourself. Only for an app not behind IAP, set iap.enabled=false; to"
            + " start anyway with this warning, set iap.require-enforcement=false.";
    if (properties != null && !properties.isRequireEnforcement()) {
      log.warn("{} (iap.require-enforcement=false) {}", problem, action);
      return;
    }
    throw new IapConfigurationException(problem, action, null);
  }

  /** What leaves requests unverified or unseen by the app's security rules, or null. */
  private String problem() {
    boolean filter = !filters().isEmpty();
    if (!ClassUtils.isPresent(CHAIN, context.getClassLoader()) || !Chains.any(context)) {
      return filter ? null : NOTHING_ENFORCES;
    }
    boolean backstop = context.containsBean(IapWebSecurityAutoConfiguration.BACKSTOP_REGISTRATION);
    if (Chains.enforcing(context).isEmpty()) {
      return filter || backstop
          ? "No SecurityFilterChain applies IapConfigurer.iap(): Spring Security's rules never see"
              + " an IAP identity, and requests without a valid assertion are answered 401 on"
              + " every path but iap.excluded-paths, whatever the chains permit."
          : NOTHING_ENFORCES;
    }
    return filter || backstop
        ? null
        : "IAP's backstop filter is not registered (IapWebSecurityAutoConfiguration excluded?):"
            + " requests that no chain applying IapConfigurer.iap() serves would not be verified.";
  }

  /** The names of the beans that register an {@link IapFilter}. */
  private List<String> filters() {
    List<String> names = new ArrayList<>(List.of(context.getBeanNamesForType(IapFilter.class)));
    for (Map.Entry<String, FilterRegistrationBean> registration :
        context.getBeansOfType(FilterRegistrationBean.class).entrySet()) {
      if (registration.getValue().getFilter() instanceof IapFilter) {
        names.add(registration.getKey());
      }
    }
    return names;
  }

  /** Loaded only with Spring Security on the class path. */
  private static final class Chains {

    static boolean any(ApplicationContext context) {
      return context.getBeanNamesForType(org.springframework.security.web.SecurityFilterChain.class)
              .length
          > 0;
    }

    static List<String> enforcing(ApplicationContext context) {
      List<String> enforcing = new ArrayList<>();
      context
          .getBeansOfType(org.springframework.security.web.SecurityFilterChain.class)
          .forEach(
              (name, chain) -> {
                if (chain.getFilters().stream()
                    .anyMatch(IapAuthenticationFilter.class::isInstance)) {
                  enforcing.add(name);
                } else {
                  log.warn(
                      "SecurityFilterChain '{}' does not apply IapConfigurer.iap(): the requests it"
                          + " serves{} need a valid IAP assertion (IAP's backstop filter verifies"
                          + " them), but its rules see them as anonymous. Apply it with"
                          + " http.with(IapConfigurer.iap(), Customizer.withDefaults()), or list"
                          + " paths that need no assertion in iap.excluded-paths.",
                      name,
                      describe(chain));
                }
              });
      return enforcing;
    }

    private static String describe(org.springframework.security.web.SecurityFilterChain chain) {
      if (chain instanceof org.springframework.security.web.DefaultSecurityFilterChain) {
        return " ("
            + ((org.springframework.security.web.DefaultSecurityFilterChain) chain)
                .getRequestMatcher()
            + ")";
      }
      return "";
    }
  }
}
