package io.github.iapverifier.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link IapConfigurationException} anywhere in a start-up failure into Spring Boot's
 * "APPLICATION FAILED TO START" report with the action to take. Registered in {@code
 * META-INF/spring.factories}.
 */
final class IapConfigurationFailureAnalyzer
    extends AbstractFailureAnalyzer<IapConfigurationException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, IapConfigurationException cause) {
    return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
  }
}
