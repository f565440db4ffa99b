package io.github.iapverifier.spring;

import io.github.iapverifier.IapAudience;
import io.github.iapverifier.IapEventListener;
import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapKeySource;
import io.github.iapverifier.IapProxy;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.RemoteKeySource;
import io.github.iapverifier.web.IapRequestPipeline;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;

/**
 * Builds an {@link IapVerifier} from {@link IapProperties}, the app's key source and customizers,
 * and an {@link IapRequestPipeline} from the same properties, translating bad settings.
 */
final class IapVerifierFactory {

  private static final Logger log = LoggerFactory.getLogger(IapVerifierFactory.class);

  private IapVerifierFactory() {}

  /**
   * Builds the verifier and loads its keys. A failed load is logged, not thrown: an outage of
   * Google's key endpoint must not stop a deployment; requests get 503 until keys arrive, and the
   * health contributor reports DOWN meanwhile.
   */
  static IapVerifier warmed(
      IapProperties properties,
      List<IapEventListener> listeners,
      IapKeySource keySource,
      List<IapVerifierBuilderCustomizer> customizers) {
    IapVerifier verifier = build(properties, listeners, keySource, customizers);
    try {
      verifier.warmUp();
    } catch (IapVerificationException e) {
      log.warn("IAP keys could not be loaded at start-up: {}", e.getMessage());
    }
    return verifier;
  }

  static IapVerifier build(
      IapProperties properties,
      List<IapEventListener> listeners,
      IapKeySource keySource,
      List<IapVerifierBuilderCustomizer> customizers) {
    IapProxySettings.check(properties, !customizers.isEmpty());
    IapEventListener listener = listeners.isEmpty() ? null : composite(listeners);
    switch (properties.getProxy()) {
      case CLOUDFLARE_ACCESS:
        return cloudflareAccess(properties, listener, keySource);
      case AWS_ALB:
        return awsAlb(properties, listener, keySource);
      case POMERIUM:
        return pomerium(properties, listener, keySource);
      default:
        return google(properties, listener, keySource, customizers);
    }
  }

  private static IapVerifier google(
      IapProperties properties,
      IapEventListener listener,
      IapKeySource keySource,
      List<IapVerifierBuilderCustomizer> customizers) {
    IapVerifier.Builder builder = IapVerifier.builder();
    try {
      builder
          .audiences(audiences(properties))
          .clockSkew(properties.getClockSkew())
          .allowedHostedDomains(properties.getAllowedHostedDomains())
          .requiredAccessLevels(properties.getRequiredAccessLevels())
          .tokenCacheSize(properties.getTokenCache().getMaxSize());
      IapKeySource fixed = fixedKeys(properties, keySource);
      if (fixed != null) {
        builder.keySource(fixed);
      } else {
        builder.remoteKeySource(remote(properties.getKeyCache()));
        if (properties.getJwksUri() != null) {
          builder.jwksUri(properties.getJwksUri());
        }
      }
    } catch (IllegalArgumentException e) {
      throw invalid("IAP", e, IapProxySettings.action(IapProxy.GOOGLE_IAP));
    }
    if (listener != null) {
      builder.eventListener(listener);
    }
    customizers.forEach(customizer -> customizer.customize(builder));
    return builder.build();
  }

  private static IapVerifier cloudflareAccess(
      IapProperties properties, IapEventListener listener, IapKeySource keySource) {
    IapProperties.CloudflareAccess cf = properties.getCloudflareAccess();
    oneKeySource(keySource, "iap.cloudflare-access.jwks-uri", cf.getJwksUri());
    try {
      var builder =
          IapVerifier.cloudflareAccess()
              .teamDomain(cf.getTeamDomain().strip())
              .audiences(stripped(cf.getAudiences()).toArray(String[]::new))
              .clockSkew(properties.getClockSkew())
              .tokenCacheSize(properties.getTokenCache().getMaxSize());
      jwksKeys(
          properties,
          keySource,
          cf.getJwksUri(),
          builder::keySource,
          builder::remoteKeySource,
          builder::jwksUri);
      if (listener != null) {
        builder.eventListener(listener);
      }
      return builder.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw invalid(
          "iap.cloudflare-access.*", e, IapProxySettings.action(IapProxy.CLOUDFLARE_ACCESS));
    }
  }

  private static IapVerifier awsAlb(
      IapProperties properties, IapEventListener listener, IapKeySource keySource) {
    IapProperties.AwsAlb alb = properties.getAwsAlb();
    oneKeySource(keySource, "iap.aws-alb.key-endpoint", alb.getKeyEndpoint());
    try {
      var builder =
          IapVerifier.awsAlb()
              .signers(stripped(alb.getSigners()))
              .clientIds(stripped(alb.getClientIds()))
              .issuers(stripped(alb.getIssuers()))
              .clockSkew(properties.getClockSkew())
              .tokenCacheSize(properties.getTokenCache().getMaxSize());
      if (alb.getRegion() != null && !alb.getRegion().isBlank()) {
        builder.region(alb.getRegion().strip());
      }
      if (keySource != null) {
        builder.keySource(keySource);
      } else if (alb.getKeyEndpoint() != null) {
        builder.keyEndpoint(alb.getKeyEndpoint());
      }
      if (listener != null) {
        builder.eventListener(listener);
      }
      return builder.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw invalid("iap.aws-alb.*", e, IapProxySettings.action(IapProxy.AWS_ALB));
    }
  }

  private static IapVerifier pomerium(
      IapProperties properties, IapEventListener listener, IapKeySource keySource) {
    IapProperties.Pomerium pom = properties.getPomerium();
    oneKeySource(keySource, "iap.pomerium.jwks-uri", pom.getJwksUri());
    try {
      var builder =
          IapVerifier.pomerium()
              .routeHost(pom.getRouteHost().strip())
              .clockSkew(properties.getClockSkew())
              .tokenCacheSize(properties.getTokenCache().getMaxSize());
      if (pom.getAlgorithm() != null) { // else the builder's default, ES256
        builder.algorithm(pom.getAlgorithm().strip());
      }
      jwksKeys(
          properties,
          keySource,
          pom.getJwksUri(),
          builder::keySource,
          builder::remoteKeySource,
          builder::jwksUri);
      if (listener != null) {
        builder.eventListener(listener);
      }
      return builder.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw invalid("iap.pomerium.*", e, IapProxySettings.action(IapProxy.POMERIUM));
    }
  }

  /**
   * The keys of a proxy that publishes a JWKS: the app's key source, else the remote one tuned by
   * {@code iap.key-cache.*}, at the proxy's own {@code jwks-uri} when set.
   */
  private static void jwksKeys(
      IapProperties properties,
      IapKeySource bean,
      URI jwksUri,
      Consumer<IapKeySource> keySource,
      Consumer<RemoteKeySource.Builder> remote,
      Consumer<URI> setJwksUri) {
    if (bean != null) {
      keySource.accept(bean);
      return;
    }
    remote.accept(remote(properties.getKeyCache()));
    if (jwksUri != null) {
      setJwksUri.accept(jwksUri);
    }
  }

  private static List<String> stripped(List<String> values) {
    List<String> out = new ArrayList<>();
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        out.add(value.strip());
      }
    }
    return out;
  }

  /** An IapKeySource bean and a key URI property are two sources of keys: the app must pick one. */
  private static void oneKeySource(IapKeySource bean, String property, Object uri) {
    if (bean != null && uri != null) {
      throw new IapConfigurationException(
          "Keys are configured twice: an IapKeySource bean and " + property + ".",
          "Keep one: "
              + property
              + " fetches keys from an endpoint, an IapKeySource bean"
              + " replaces it.",
          null);
    }
  }

  /** A builder's complaint, with the properties it is about and what to set. */
  private static IapConfigurationException invalid(
      String properties, RuntimeException e, String action) {
    return new IapConfigurationException(
        "Invalid " + properties + " setting: " + e.getMessage(), action, e);
  }

  /**
   * The key source other than the remote one, if any: the app's {@link IapKeySource} bean, or the
   * JWKS of {@code iap.jwks-resource}. Two sources of keys are a mistake the app must fix.
   */
  private static IapKeySource fixedKeys(IapProperties properties, IapKeySource bean) {
    Resource resource = properties.getJwksResource();
    List<String> chosen = new ArrayList<>();
    if (bean != null) {
      chosen.add("an IapKeySource bean");
    }
    if (resource != null) {
      chosen.add("iap.jwks-resource");
    }
    if (properties.getJwksUri() != null) {
      chosen.add("iap.jwks-uri");
    }
    if (chosen.size() > 1) {
      throw new IapConfigurationException(
          "IAP keys are configured twice: " + String.join(" and ", chosen) + ".",
          "Keep one: iap.jwks-uri fetches keys from an endpoint, iap.jwks-resource reads a fixed"
              + " key set, an IapKeySource bean replaces both.",
          null);
    }
    if (bean != null) {
      return bean;
    }
    if (resource == null) {
      return null;
    }
    String jwks;
    try (InputStream in = resource.getInputStream()) {
      jwks = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IapConfigurationException(
          "iap.jwks-resource " + resource.getDescription() + " cannot be read: " + e.getMessage(),
          "Point iap.jwks-resource at the JWKS file (classpath:..., file:...), a copy of"
              + " https://www.gstatic.com/iap/verify/public_key-jwk.",
          e);
    }
    try {
      IapKeySource keys = IapKeySource.fromJwks(jwks);
      log.info(
          "IAP keys read from {}; they are never refreshed: replace the file when Google rotates"
              + " its keys.",
          resource.getDescription());
      return keys;
    } catch (IllegalArgumentException e) {
      throw new IapConfigurationException(
          "iap.jwks-resource "
              + resource.getDescription()
              + " is not a usable JWKS: "
              + e.getMessage(),
          "Use a copy of https://www.gstatic.com/iap/verify/public_key-jwk (a JSON object with"
              + " a \"keys\" array of EC P-256 keys).",
          e);
    }
  }

  /** The standard mapping of {@code iap.authorities}, for the servlet and reactive security. */
  static IapAuthoritiesMapper authoritiesMapper(IapProperties properties) {
    try {
      return IapAuthoritiesMapper.standard(properties.getAuthorities());
    } catch (IllegalArgumentException e) {
      throw new IapConfigurationException(
          "Invalid IAP setting: " + e.getMessage(),
          "List emails (alice@example.com) and Workspace domains (@example.com) under"
              + " iap.authorities.<AUTHORITY>.",
          e);
    }
  }

  /**
   * A pipeline builder with the web settings of the properties, these excluded paths, and every bad
   * setting translated into a start-up failure that names the property.
   */
  static IapRequestPipeline.Builder pipeline(IapProperties properties, List<String> excludedPaths) {
    IapRequestPipeline.Builder builder =
        IapRequestPipeline.builder()
            .allowCorsPreflight(properties.isAllowCorsPreflight())
            .includeRejectionMessage(properties.isIncludeRejectionMessage());
    properties.getRejectionLogLevel().forEach(builder::rejectionLogLevel);
    try {
      builder.excludedPaths(excludedPaths);
    } catch (IllegalArgumentException e) {
      throw new IapConfigurationException(
          "Invalid IAP setting: iap.excluded-paths: " + e.getMessage(),
          "List only health-check paths under iap.excluded-paths, such as /actuator/health/**.",
          e);
    }
    return builder;
  }

  private static List<IapAudience> audiences(IapProperties properties) {
    List<IapAudience> audiences = new ArrayList<>();
    for (int i = 0; i < properties.getAudiences().size(); i++) {
      String value = properties.getAudiences().get(i);
      try {
        audiences.add(IapAudience.of(value));
      } catch (IllegalArgumentException e) {
        throw new IapConfigurationException(
            "iap.audiences[" + i + "] is invalid: " + e.getMessage(),
            "Set iap.audiences to this app's audience exactly as the IAP console shows it.",
            e);
      }
    }
    if (!audiences.isEmpty()) {
      return audiences;
    }
    try {
      IapAudience detected = IapAudience.detect();
      log.info("IAP audience detected: {}", detected);
      return List.of(detected);
    } catch (IllegalStateException e) {
      throw new IapConfigurationException(
          "No IAP audience is configured (iap.audiences is empty) and none could be detected: "
              + e.getMessage(),
          "Set iap.audiences to this app's audience as the IAP console shows it:\n"
              + "\t/projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID (load balancer),\n"
              + "\t/projects/PROJECT_NUMBER/locations/REGION/services/SERVICE_NAME (Cloud Run),\n"
              + "\t/projects/PROJECT_NUMBER/apps/PROJECT_ID (App Engine).\n"
              + "Only for an app that is not behind IAP at all, set iap.enabled=false.",
          e);
    }
  }

  private static RemoteKeySource.Builder remote(IapProperties.KeyCache keys) {
    long bytes = keys.getMaxResponseSize().toBytes();
    return RemoteKeySource.builder()
        .ttlBounds(keys.getMinTtl(), keys.getMaxTtl())
        .defaultTtl(keys.getDefaultTtl())
        .refreshAhead(keys.getRefreshAhead())
        .forcedRefreshInterval(keys.getForcedRefreshInterval())
        .maxStaleness(keys.getMaxStaleness())
        .connectTimeout(keys.getConnectTimeout())
        .requestTimeout(keys.getRequestTimeout())
        .maxResponseBytes((int) Math.min(Integer.MAX_VALUE, bytes));
  }

  /** Fans events out to every listener bean; each is isolated from the others' failures. */
  private static IapEventListener composite(List<IapEventListener> listeners) {
    if (listeners.size() == 1) {
      return listeners.get(0);
    }
    List<IapEventListener> all = List.copyOf(listeners);
    return new IapEventListener() {
      @Override
      public void verified(IapIdentity identity, boolean fromCache) {
        all.forEach(l -> safely(() -> l.verified(identity, fromCache)));
      }

      @Override
      public void rejected(IapVerificationException failure) {
        all.forEach(l -> safely(() -> l.rejected(failure)));
      }

      @Override
      public void keysFetched(URI uri, Duration took, Set<String> keyIds) {
        all.forEach(l -> safely(() -> l.keysFetched(uri, took, keyIds)));
      }

      @Override
      public void keysFetchFailed(URI uri, Duration took, Throwable error) {
        all.forEach(l -> safely(() -> l.keysFetchFailed(uri, took, error)));
      }

      @Override
      public void keysRotated(Set<String> added, Set<String> removed) {
        all.forEach(l -> safely(() -> l.keysRotated(added, removed)));
      }

      @Override
      public void staleKeysServed(Duration age) {
        all.forEach(l -> safely(() -> l.staleKeysServed(age)));
      }

      @Override
      public void refreshRateLimited(String keyId) {
        all.forEach(l -> safely(() -> l.refreshRateLimited(keyId)));
      }
    };
  }

  private static void safely(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("An IapEventListener threw; ignored", e);
    }
  }
}
