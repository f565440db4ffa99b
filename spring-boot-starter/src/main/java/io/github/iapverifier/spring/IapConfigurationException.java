package io.github.iapverifier.spring;

/**
 * The IAP settings cannot make a verifier: no audience configured or detectable, or a malformed
 * value. Carries the action for {@link IapConfigurationFailureAnalyzer}, so start-up fails with a
 * report that says what to set instead of a stack trace.
 */
final class IapConfigurationException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final String action;

  IapConfigurationException(String description, String action, Throwable cause) {
    super(description, cause);
    this.action = action;
  }

  String action() {
    return action;
  }
}
