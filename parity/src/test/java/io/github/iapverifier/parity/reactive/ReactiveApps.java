package io.github.iapverifier.parity.reactive;

import io.github.iapverifier.parity.AdapterConfiguration;
import io.github.iapverifier.parity.ParitySettings;
import io.github.iapverifier.parity.reactive.app.ReactiveParityApplication;
import java.net.URI;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;

/** Starts {@link ReactiveParityApplication} (plus configuration classes) as a real reactive app. */
final class ReactiveApps {

  private ReactiveApps() {}

  static AdapterConfiguration.RunningApp start(
      ParitySettings settings, ClassLoader classLoader, Class<?>... sources) {
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(sources)
            .web(WebApplicationType.REACTIVE)
            .resourceLoader(new DefaultResourceLoader(classLoader))
            .properties(settings.bootProperties())
            .run();
    int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    return AdapterConfiguration.RunningApp.of(
        URI.create("http://127.0.0.1:" + port), context::close);
  }
}
