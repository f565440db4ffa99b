package io.github.iapverifier;

import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.checks.PolicyCheck;
import io.github.iapverifier.internal.verify.GoogleIapRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Google IAP's own settings (audiences and the policy) and their validation, so that {@link
 * IapVerifier.Builder} stays a facade. Not API: users see these setters as the builder's own. Not
 * thread-safe.
 */
abstract class GoogleIapSettings extends ProxyBuilder<IapVerifier.Builder> {

  final List<IapAudience> audiences = new ArrayList<>();
  final Set<String> allowedHostedDomains = new LinkedHashSet<>();
  final Set<String> requiredAccessLevels = new LinkedHashSet<>();

  GoogleIapSettings() {}

  /**
   * Adds accepted audiences. At least one is required.
   *
   * @param audiences the audiences of this app, not null
   * @return this builder
   */
  public IapVerifier.Builder audiences(IapAudience... audiences) {
    return audiences(Arrays.asList(Objects.requireNonNull(audiences, "audiences")));
  }

  /**
   * Adds accepted audiences.
   *
   * @param audiences the audiences of this app, not null, no null element
   * @return this builder
   */
  public IapVerifier.Builder audiences(Collection<IapAudience> audiences) {
    for (IapAudience a : Objects.requireNonNull(audiences, "audiences")) {
      this.audiences.add(Objects.requireNonNull(a, "audiences must not contain null"));
    }
    return self();
  }

  /**
   * Adds accepted audiences given as strings, validated by {@link IapAudience#of(String)}.
   *
   * @param audiences the audience strings, not null
   * @return this builder
   * @throws IllegalArgumentException if a string is not an IAP audience
   */
  public IapVerifier.Builder audiences(String... audiences) {
    for (String a : Objects.requireNonNull(audiences, "audiences")) {
      Objects.requireNonNull(a, "audiences must not contain null");
      this.audiences.add(IapAudience.of(a));
    }
    return self();
  }

  /**
   * Accepts only identities of these Google Workspace domains ({@code hd} claim, compared
   * ASCII-case-insensitively; a non-ASCII {@code hd} never matches); others are rejected with
   * {@link Reason#POLICY_DENIED}. Default: any.
   *
   * @param domains the domains, for example {@code example.com}, not null
   * @return this builder
   */
  public IapVerifier.Builder allowedHostedDomains(String... domains) {
    return allowedHostedDomains(Arrays.asList(Objects.requireNonNull(domains, "domains")));
  }

  /**
   * Collection form of {@link #allowedHostedDomains(String...)}.
   *
   * @param domains the domains, not null
   * @return this builder
   */
  public IapVerifier.Builder allowedHostedDomains(Collection<String> domains) {
    return addChecked(domains, "domains", PolicyCheck::domain, allowedHostedDomains);
  }

  /**
   * Accepts only requests for which IAP reports all of these access levels ({@code
   * google.access_levels}); others are rejected with {@link Reason#POLICY_DENIED}. Default: none
   * required.
   *
   * @param levels full names, {@code accessPolicies/N/accessLevels/NAME}, not null
   * @return this builder
   */
  public IapVerifier.Builder requiredAccessLevels(String... levels) {
    return requiredAccessLevels(Arrays.asList(Objects.requireNonNull(levels, "levels")));
  }

  /**
   * Collection form of {@link #requiredAccessLevels(String...)}.
   *
   * @param levels full names, not null
   * @return this builder
   */
  public IapVerifier.Builder requiredAccessLevels(Collection<String> levels) {
    return addChecked(levels, "levels", PolicyCheck::accessLevel, requiredAccessLevels);
  }

  /** Checks the settings and builds the verifier; see {@link IapVerifier.Builder#build()}. */
  IapVerifier buildGoogle() {
    if (audiences.isEmpty()) {
      throw new IllegalStateException(
          "no IAP audience configured: call audiences(...) with this app's audience as shown in"
              + " the IAP console (App Engine /projects/NUMBER/apps/ID, load balancer"
              + " /projects/NUMBER/global/backendServices/ID, Cloud Run"
              + " /projects/NUMBER/locations/REGION/services/NAME), or with IapAudience.detect()"
              + " on Cloud Run and App Engine");
    }
    Set<String> values = new LinkedHashSet<>();
    for (IapAudience a : audiences) {
      values.add(a.value());
    }
    PolicyCheck policy = new PolicyCheck(allowedHostedDomains, requiredAccessLevels);
    return build(
        GoogleIapRules.of(values, clock, clockSkew, policy, IapVerifier.MAX_LENGTH),
        audiences,
        null);
  }
}
