package io.github.iapverifier.internal.checks;

import static io.github.iapverifier.internal.Text.printable;
import static io.github.iapverifier.internal.checks.HeaderCheck.fail;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.Ascii;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The optional policy on verified identities (403-class): allowed Workspace domains and required
 * access levels. Immutable and thread-safe.
 */
public final class PolicyCheck {

  private static final Pattern ACCESS_LEVEL =
      Pattern.compile("accessPolicies/[0-9]+/accessLevels/[A-Za-z0-9_]+");

  private final Set<String> allowedHostedDomains;
  private final Set<String> requiredAccessLevels;

  /**
   * Creates the check; empty sets impose nothing.
   *
   * @param allowedHostedDomains domains as {@link #domain} returns them
   * @param requiredAccessLevels full access-level names as {@link #accessLevel} accepts them
   */
  public PolicyCheck(Set<String> allowedHostedDomains, Set<String> requiredAccessLevels) {
    this.allowedHostedDomains = Set.copyOf(allowedHostedDomains);
    this.requiredAccessLevels = Set.copyOf(requiredAccessLevels);
  }

  /**
   * Validates and normalises a configured domain.
   *
   * @param d the domain, not null
   * @return the domain stripped and ASCII-lowercased
   * @throws IllegalArgumentException if it is blank, holds an {@code @} or is not ASCII
   */
  public static String domain(String d) {
    if (d.isBlank() || d.contains("@") || !Ascii.isAscii(d)) {
      throw new IllegalArgumentException(
          "allowed hosted domain '"
              + printable(d)
              + "' must be a domain such as example.com, in ASCII (punycode xn--... for"
              + " internationalised names)");
    }
    return Ascii.toLowerCase(d.strip());
  }

  /**
   * Validates a configured access level.
   *
   * @param level the full name, not null
   * @return the name
   * @throws IllegalArgumentException if it is not {@code accessPolicies/N/accessLevels/NAME}
   */
  public static String accessLevel(String level) {
    if (!ACCESS_LEVEL.matcher(level).matches()) {
      throw new IllegalArgumentException(
          "access level '"
              + printable(level)
              + "' must be a full name such as accessPolicies/123/accessLevels/corp_devices");
    }
    return level;
  }

  /**
   * Applies the policy.
   *
   * @param identity a verified identity, not null
   * @throws IapVerificationException {@link Reason#POLICY_DENIED} if it fails the policy
   */
  public void check(IapIdentity identity) {
    if (!allowedHostedDomains.isEmpty()) {
      // ASCII case only: Unicode lowercasing maps the Kelvin sign to 'k', and a domain that is
      // not ASCII never names the (punycode) domain that was configured.
      String hd = identity.hostedDomain().map(Ascii::toLowerCase).orElse(null);
      if (hd == null || !allowedHostedDomains.contains(hd)) {
        throw fail(
            Reason.POLICY_DENIED,
            (hd == null
                    ? "the account has no hosted domain (not a Google Workspace account)"
                    : "hosted domain '" + printable(hd) + "' is not allowed")
                + "; allowed: "
                + allowedHostedDomains);
      }
    }
    if (!requiredAccessLevels.isEmpty()
        && !identity.accessLevels().containsAll(requiredAccessLevels)) {
      List<String> missing = new ArrayList<>(requiredAccessLevels);
      missing.removeAll(identity.accessLevels());
      throw fail(
          Reason.POLICY_DENIED,
          "the request does not satisfy the required access levels " + missing);
    }
  }
}
