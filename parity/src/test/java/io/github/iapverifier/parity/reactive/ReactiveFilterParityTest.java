package io.github.iapverifier.parity.reactive;

import io.github.iapverifier.parity.AdapterConfiguration;
import io.github.iapverifier.parity.ParitySuite;
import io.github.iapverifier.parity.reactive.app.ReactiveParityApplication;
import org.springframework.boot.test.context.FilteredClassLoader;

/** A WebFlux app without Spring Security on its class path: the starter's {@code IapWebFilter}. */
class ReactiveFilterParityTest extends ParitySuite {

  @Override
  protected AdapterConfiguration configuration() {
    return settings ->
        ReactiveApps.start(
            settings,
            new FilteredClassLoader("org.springframework.security"),
            ReactiveParityApplication.class);
  }
}
