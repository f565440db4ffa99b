package io.github.iapverifier.spring;

import io.github.iapverifier.IapProxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Checks that the {@code iap.*} settings fit the chosen {@code iap.proxy}: a setting of another
 * proxy, or a Google-only one with another proxy, would silently not be applied (an allowed-domain
 * policy that is not enforced is failing open), and a missing required setting would make a
 * verifier that accepts nothing. Either stops start-up, with the property names.
 */
final class IapProxySettings {

  private IapProxySettings() {}

  /**
   * @param customizers whether the app has {@link IapVerifierBuilderCustomizer} beans, which
   *     customize Google IAP's builder only
   * @throws IapConfigurationException naming the settings that do not fit
   */
  static void check(IapProperties p, boolean customizers) {
    IapProxy proxy = p.getProxy();
    if (proxy == null) {
      throw new IapConfigurationException(
          "iap.proxy is empty.",
          "Set iap.proxy to google-iap (the default), cloudflare-access, aws-alb or pomerium.",
          null);
    }
    List<String> foreign = new ArrayList<>();
    if (proxy != IapProxy.GOOGLE_IAP) {
      addIfSet(foreign, "iap.audiences", p.getAudiences());
      addIfSet(foreign, "iap.jwks-uri", p.getJwksUri());
      addIfSet(foreign, "iap.jwks-resource", p.getJwksResource());
      addIfSet(foreign, "iap.allowed-hosted-domains", p.getAllowedHostedDomains());
      addIfSet(foreign, "iap.required-access-levels", p.getRequiredAccessLevels());
      addIfSet(foreign, "iap.authorities", p.getAuthorities());
      if (customizers) {
        foreign.add("IapVerifierBuilderCustomizer beans");
      }
    }
    if (proxy != IapProxy.CLOUDFLARE_ACCESS) {
      IapProperties.CloudflareAccess cf = p.getCloudflareAccess();
      addIfSet(foreign, "iap.cloudflare-access.team-domain", cf.getTeamDomain());
      addIfSet(foreign, "iap.cloudflare-access.audiences", cf.getAudiences());
      addIfSet(foreign, "iap.cloudflare-access.jwks-uri", cf.getJwksUri());
    }
    if (proxy != IapProxy.AWS_ALB) {
      IapProperties.AwsAlb alb = p.getAwsAlb();
      addIfSet(foreign, "iap.aws-alb.region", alb.getRegion());
      addIfSet(foreign, "iap.aws-alb.signers", alb.getSigners());
      addIfSet(foreign, "iap.aws-alb.client-ids", alb.getClientIds());
      addIfSet(foreign, "iap.aws-alb.issuers", alb.getIssuers());
      addIfSet(foreign, "iap.aws-alb.key-endpoint", alb.getKeyEndpoint());
    }
    if (proxy != IapProxy.POMERIUM) {
      IapProperties.Pomerium pom = p.getPomerium();
      addIfSet(foreign, "iap.pomerium.route-host", pom.getRouteHost());
      addIfSet(foreign, "iap.pomerium.jwks-uri", pom.getJwksUri());
      if (pom.getAlgorithm() != null) { // set at all, whatever its value
        foreign.add("iap.pomerium.algorithm");
      }
    }
    if (proxy == IapProxy.AWS_ALB) {
      foreign.addAll(changedKeyCache(p.getKeyCache()));
    }
    if (!foreign.isEmpty()) {
      throw new IapConfigurationException(
          "iap.proxy is "
              + proxy.configName()
              + ", but "
              + String.join(", ", foreign)
              + (foreign.size() == 1 ? " is" : " are")
              + " set, which "
              + (foreign.size() == 1 ? "does" : "do")
              + " not apply to it and would be silently ignored.",
          "Remove "
              + String.join(", ", foreign)
              + ", or set iap.proxy to the proxy they belong to."
              + (proxy == IapProxy.GOOGLE_IAP
                  ? ""
                  : " Grant authorities from the proxy's groups (IAP_GROUP_<group>) or with an"
                      + " IapAuthoritiesMapper bean; customize the verifier with an IapVerifier"
                      + " bean built by IapVerifier."
                      + builderMethod(proxy)
                      + "()."),
          null);
    }
    List<String> missing = new ArrayList<>();
    switch (proxy) {
      case CLOUDFLARE_ACCESS:
        addIfUnset(
            missing, "iap.cloudflare-access.team-domain", p.getCloudflareAccess().getTeamDomain());
        addIfUnset(
            missing, "iap.cloudflare-access.audiences", p.getCloudflareAccess().getAudiences());
        break;
      case AWS_ALB:
        addIfUnset(missing, "iap.aws-alb.signers", p.getAwsAlb().getSigners());
        break;
      case POMERIUM:
        addIfUnset(missing, "iap.pomerium.route-host", p.getPomerium().getRouteHost());
        break;
      default:
        break; // Google IAP's audience is detected when unset, or its absence reported then.
    }
    if (!missing.isEmpty()) {
      throw new IapConfigurationException(
          "iap.proxy is "
              + proxy.configName()
              + ", but "
              + String.join(", ", missing)
              + (missing.size() == 1 ? " is" : " are")
              + " not set.",
          action(proxy),
          null);
    }
  }

  /** What to set for a proxy, for the failure report. */
  static String action(IapProxy proxy) {
    switch (proxy) {
      case CLOUDFLARE_ACCESS:
        return "Set iap.cloudflare-access.team-domain to https://TEAM.cloudflareaccess.com and"
            + " iap.cloudflare-access.audiences to the Access application's AUD tag (Zero Trust >"
            + " Access > Applications > the application > Overview).";
      case AWS_ALB:
        return "Set iap.aws-alb.signers to the load balancer's ARN"
            + " (arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID); keys are"
            + " fetched for its region.";
      case POMERIUM:
        return "Set iap.pomerium.route-host to the host of the Pomerium route in front of this app"
            + " (app.example.com), and iap.pomerium.algorithm to RS256 if Pomerium signs with an"
            + " RSA key.";
      default:
        return "Correct the iap.* property named above (see the iap.* entries of your IDE's"
            + " completion or the README).";
    }
  }

  /**
   * The iap.key-cache.* settings changed from their defaults: they tune a JWKS key source, which
   * AWS ALB (one PEM key per key id, kept for good) does not have.
   */
  private static List<String> changedKeyCache(IapProperties.KeyCache set) {
    IapProperties.KeyCache defaults = new IapProperties.KeyCache();
    List<String> changed = new ArrayList<>();
    addIfChanged(changed, "min-ttl", set.getMinTtl(), defaults.getMinTtl());
    addIfChanged(changed, "max-ttl", set.getMaxTtl(), defaults.getMaxTtl());
    addIfChanged(changed, "default-ttl", set.getDefaultTtl(), defaults.getDefaultTtl());
    addIfChanged(changed, "refresh-ahead", set.getRefreshAhead(), defaults.getRefreshAhead());
    addIfChanged(
        changed,
        "forced-refresh-interval",
        set.getForcedRefreshInterval(),
        defaults.getForcedRefreshInterval());
    addIfChanged(changed, "max-staleness", set.getMaxStaleness(), defaults.getMaxStaleness());
    addIfChanged(changed, "connect-timeout", set.getConnectTimeout(), defaults.getConnectTimeout());
    addIfChanged(changed, "request-timeout", set.getRequestTimeout(), defaults.getRequestTimeout());
    addIfChanged(
        changed, "max-response-size", set.getMaxResponseSize(), defaults.getMaxResponseSize());
    return changed;
  }

  private static void addIfChanged(List<String> into, String name, Object value, Object def) {
    if (!java.util.Objects.equals(value, def)) {
      into.add("iap.key-cache." + name);
    }
  }

  private static String builderMethod(IapProxy proxy) {
    switch (proxy) {
      case CLOUDFLARE_ACCESS:
        return "cloudflareAccess";
      case AWS_ALB:
        return "awsAlb";
      case POMERIUM:
        return "pomerium";
      default:
        return "builder";
    }
  }

  private static void addIfSet(List<String> into, String name, Object value) {
    if (!isUnset(value)) {
      into.add(name);
    }
  }

  private static void addIfUnset(List<String> into, String name, Object value) {
    if (isUnset(value)) {
      into.add(name);
    }
  }

  private static boolean isUnset(Object value) {
    if (value == null) {
      return true;
    }
    if (value instanceof String s) {
      return s.isBlank();
    }
    if (value instanceof Collection<?> c) {
      return c.stream().allMatch(IapProxySettings::isUnset);
    }
    if (value instanceof Map<?, ?> m) {
      return m.isEmpty();
    }
    return false;
  }
}
