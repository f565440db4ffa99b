package io.github.iapverifier.parity.boot;

import io.github.iapverifier.parity.AdapterConfiguration;
import io.github.iapverifier.parity.ParitySuite;
import io.github.iapverifier.parity.boot.app.ParityApplication;

/** Spring Boot with Spring Security and no chain of the app's own: the starter's default chain. */
class BootSecurityDefaultChainParityTest extends ParitySuite {

  @Override
  protected AdapterConfiguration configuration() {
    return settings ->
        BootApps.start(
            settings,
            BootSecurityDefaultChainParityTest.class.getClassLoader(),
            ParityApplication.class);
  }
}
