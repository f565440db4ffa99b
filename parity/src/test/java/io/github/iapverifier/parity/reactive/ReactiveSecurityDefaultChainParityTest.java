package io.github.iapverifier.parity.reactive;

import io.github.iapverifier.parity.AdapterConfiguration;
import io.github.iapverifier.parity.ParitySuite;
import io.github.iapverifier.parity.reactive.app.ReactiveParityApplication;

/** A WebFlux app with reactive Spring Security and the starter's default chain. */
class ReactiveSecurityDefaultChainParityTest extends ParitySuite {

  @Override
  protected AdapterConfiguration configuration() {
    return settings ->
        ReactiveApps.start(
            settings,
            ReactiveSecurityDefaultChainParityTest.class.getClassLoader(),
            ReactiveParityApplication.class);
  }
}
