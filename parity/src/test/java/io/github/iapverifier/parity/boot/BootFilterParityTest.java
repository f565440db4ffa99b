package io.github.iapverifier.parity.boot;

import io.github.iapverifier.parity.AdapterConfiguration;
import io.github.iapverifier.parity.ParitySuite;
import io.github.iapverifier.parity.boot.app.ParityApplication;
import org.springframework.boot.test.context.FilteredClassLoader;

/** Spring Boot without Spring Security: the starter registers the servlet {@code IapFilter}. */
class BootFilterParityTest extends ParitySuite {

  @Override
  protected AdapterConfiguration configuration() {
    return settings ->
        BootApps.start(
            settings,
            new FilteredClassLoader("org.springframework.security"),
            ParityApplication.class);
  }
}
