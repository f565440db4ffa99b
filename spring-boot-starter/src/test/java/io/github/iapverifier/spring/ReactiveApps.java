package io.github.iapverifier.spring;

import io.github.iapverifier.test.FakeIap;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Starts the reactive test apps on Reactor Netty, on free ports, trusting a fake IAP. */
final class ReactiveApps {

  private ReactiveApps() {}

  /**
   * Runs an app as REACTIVE (the class path also has Spring MVC) with {@code iap.audiences} and
   * {@code iap.jwks-uri} set to the fake's, plus the given properties.
   */
  static ConfigurableApplicationContext run(
      SpringApplicationBuilder app, FakeIap iap, String... properties) {
    List<String> all = new ArrayList<>(List.of(properties));
    all.add("server.port=0");
    all.add("iap.audiences=" + iap.audience().value());
    all.add("iap.jwks-uri=" + iap.jwksUri());
    return app.web(WebApplicationType.REACTIVE).properties(all.toArray(String[]::new)).run();
  }

  /** A client over real HTTP to the app's port ({@code local.server.port} or another). */
  static WebTestClient client(ConfigurableApplicationContext app, String portProperty) {
    return WebTestClient.bindToServer()
        .baseUrl("http://127.0.0.1:" + app.getEnvironment().getRequiredProperty(portProperty))
        .build();
  }

  static WebTestClient client(ConfigurableApplicationContext app) {
    return client(app, "local.server.port");
  }
}
