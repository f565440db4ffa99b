package io.github.iapverifier.parity.boot;

import io.github.iapverifier.parity.AdapterConfiguration;
import io.github.iapverifier.parity.ParitySettings;
import io.github.iapverifier.parity.boot.app.ParityApplication;
import java.net.URI;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;

/** Starts {@link ParityApplication} (plus configuration classes) as a real Boot app. */
final class BootApps {

  private BootApps() {}

  /**
   * Starts the app on a free port.
   *
   * @param settings the IAP settings, as {@code iap.*} properties
   * @param classLoader the app's class loader (one that hides Spring Security, for instance)
   * @param sources {@link ParityApplication} and any extra configuration
   */
  static AdapterConfiguration.RunningApp start(
      ParitySettings settings, ClassLoader classLoader, Class<?>... sources) {
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(sources)
            .resourceLoader(new DefaultResourceLoader(classLoader))
            .properties(settings.bootProperties())
            .run();
    int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    return AdapterConfiguration.RunningApp.of(
        URI.create("http://127.0.0.1:" + port), context::close);
  }
}
