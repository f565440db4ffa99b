package io.github.iapverifier.spring;

import io.github.iapverifier.IapVerificationException.Reason;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.event.Level;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the IAP verification, under the prefix {@code iap}.
 *
 * <pre>{@code
 * iap:
 *   audiences: /projects/123456789012/locations/europe-west1/services/billing
 *   excluded-paths: /actuator/health/**
 *   authorities:
 *     ROLE_ADMIN: alice@example.com, @ops.example.com
 * }</pre>
 *
 * <p>Mutable JavaBean bound once at start-up by Spring Boot; not meant to be changed afterwards.
 */
@ConfigurationProperties("iap")
public class IapProperties {

  /** Whether to verify IAP's signed header; false registers nothing, so IAP is not checked. */
  private boolean enabled = true;

  /**
   * Audiences this app accepts, as shown in the IAP console; empty detects it on Cloud Run and App
   * Engine.
   */
  private List<String> audiences = new ArrayList<>();

  /** Where IAP's public keys are fetched from; unset means Google's published key set. */
  private URI jwksUri;

  /**
   * A fixed key set (JWKS file, e.g. classpath:iap-keys.json) used instead of fetching keys, for
   * deployments that cannot reach Google (VPC Service Controls); never refreshed.
   */
  private Resource jwksResource;

  /** Tolerance between this server's clock and IAP's, applied to exp, iat and nbf. */
  private Duration clockSkew = Duration.ofSeconds(30);

  /**
   * Paths served without an assertion, for load balancer health checks: exact paths or /prefix/**.
   */
  private List<String> excludedPaths = new ArrayList<>();

  /**
   * Whether CORS preflights (OPTIONS with Origin and Access-Control-Request-Method) pass without an
   * assertion; only when IAP is set to pass OPTIONS requests unauthenticated.
   */
  private boolean allowCorsPreflight;

  /**
   * Whether rejection responses carry the actionable message (configured audiences, domains, access
   * levels, key endpoint) instead of a short fixed text; it is always in the log line.
   */
  private boolean includeRejectionMessage;

  /** Log level of rejections per reason; default WARN for POLICY_DENIED and KEYS_UNAVAILABLE. */
  private Map<Reason, Level> rejectionLogLevel = new LinkedHashMap<>();

  /**
   * Whether start-up fails when the app would serve requests without IAP enforcement (no IapFilter
   * registered, no SecurityFilterChain applying IapConfigurer); false only logs a warning.
   */
  private boolean requireEnforcement = true;

  /** Google Workspace domains (hd claim) whose users are accepted; empty accepts any. */
  private List<String> allowedHostedDomains = new ArrayList<>();

  /** Access levels (accessPolicies/N/accessLevels/NAME) every request must satisfy. */
  private List<String> requiredAccessLevels = new ArrayList<>();

  /** Static grants: authority name to emails and @domains (Workspace accounts) that receive it. */
  private Map<String, List<String>> authorities = new LinkedHashMap<>();

  private final TokenCache tokenCache = new TokenCache();

  private final KeyCache keyCache = new KeyCache();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public List<String> getAudiences() {
    return audiences;
  }

  public void setAudiences(List<String> audiences) {
    this.audiences = audiences;
  }

  public URI getJwksUri() {
    return jwksUri;
  }

  public void setJwksUri(URI jwksUri) {
    this.jwksUri = jwksUri;
  }

  public Resource getJwksResource() {
    return jwksResource;
  }

  public void setJwksResource(Resource jwksResource) {
    this.jwksResource = jwksResource;
  }

  public Duration getClockSkew() {
    return clockSkew;
  }

  public void setClockSkew(Duration clockSkew) {
    this.clockSkew = clockSkew;
  }

  public List<String> getExcludedPaths() {
    return excludedPaths;
  }

  public void setExcludedPaths(List<String> excludedPaths) {
    this.excludedPaths = excludedPaths;
  }

  public boolean isAllowCorsPreflight() {
    return allowCorsPreflight;
  }

  public void setAllowCorsPreflight(boolean allowCorsPreflight) {
    this.allowCorsPreflight = allowCorsPreflight;
  }

  public boolean isIncludeRejectionMessage() {
    return includeRejectionMessage;
  }

  public void setIncludeRejectionMessage(boolean includeRejectionMessage) {
    this.includeRejectionMessage = includeRejectionMessage;
  }

  public Map<Reason, Level> getRejectionLogLevel() {
    return rejectionLogLevel;
  }

  public void setRejectionLogLevel(Map<Reason, Level> rejectionLogLevel) {
    this.rejectionLogLevel = rejectionLogLevel;
  }

  public boolean isRequireEnforcement() {
    return requireEnforcement;
  }

  public void setRequireEnforcement(boolean requireEnforcement) {
    this.requireEnforcement = requireEnforcement;
  }

  public List<String> getAllowedHostedDomains() {
    return allowedHostedDomains;
  }

  public void setAllowedHostedDomains(List<String> allowedHostedDomains) {
    this.allowedHostedDomains = allowedHostedDomains;
  }

  public List<String> getRequiredAccessLevels() {
    return requiredAccessLevels;
  }

  public void setRequiredAccessLevels(List<String> requiredAccessLevels) {
    this.requiredAccessLevels = requiredAccessLevels;
  }

  public Map<String, List<String>> getAuthorities() {
    return authorities;
  }

  public void setAuthorities(Map<String, List<String>> authorities) {
    this.authorities = authorities;
  }

  public TokenCache getTokenCache() {
    return tokenCache;
  }

  public KeyCache getKeyCache() {
    return keyCache;
  }

  /** Settings of the cache of verified assertions. */
  public static class TokenCache {

    /** How many verified assertions are remembered (about 2 KiB each); 0 turns the cache off. */
    private long maxSize = 10_000;

    public long getMaxSize() {
      return maxSize;
    }

    public void setMaxSize(long maxSize) {
      this.maxSize = maxSize;
    }
  }

  /** Settings of the fetched and cached key set. */
  public static class KeyCache {

    /** Shortest time keys are cached, whatever the response's Cache-Control says. */
    private Duration minTtl = Duration.ofMinutes(5);

    /** Longest time keys are cached, whatever the response's Cache-Control says. */
    private Duration maxTtl = Duration.ofHours(24);

    /** Time keys are cached when the response carries no max-age. */
    private Duration defaultTtl = Duration.ofHours(1);

    /** Share of the cache time after which keys are refreshed in the background (0.1 to 1.0). */
    private double refreshAhead = 0.8;

    /** Least time between two refreshes forced by tokens naming an unknown key. */
    private Duration forcedRefreshInterval = Duration.ofSeconds(30);

    /** How long past their expiry the last good keys keep serving while fetches fail. */
    private Duration maxStaleness = Duration.ofHours(24);

    /** Timeout for connecting to the key endpoint. */
    private Duration connectTimeout = Duration.ofSeconds(2);

    /** Timeout for a whole key fetch, from request to last byte. */
    private Duration requestTimeout = Duration.ofSeconds(2);

    /** Largest key set response accepted. */
    private DataSize maxResponseSize = DataSize.ofKilobytes(64);

    public Duration getMinTtl() {
      return minTtl;
    }

    public void setMinTtl(Duration minTtl) {
      this.minTtl = minTtl;
    }

    public Duration getMaxTtl() {
      return maxTtl;
    }

    public void setMaxTtl(Duration maxTtl) {
      this.maxTtl = maxTtl;
    }

    public Duration getDefaultTtl() {
      return defaultTtl;
    }

    public void setDefaultTtl(Duration defaultTtl) {
      this.defaultTtl = defaultTtl;
    }

    public double getRefreshAhead() {
      return refreshAhead;
    }

    public void setRefreshAhead(double refreshAhead) {
      this.refreshAhead = refreshAhead;
    }

    public Duration getForcedRefreshInterval() {
      return forcedRefreshInterval;
    }

    public void setForcedRefreshInterval(Duration forcedRefreshInterval) {
      this.forcedRefreshInterval = forcedRefreshInterval;
    }

    public Duration getMaxStaleness() {
      return maxStaleness;
    }

    public void setMaxStaleness(Duration maxStaleness) {
      this.maxStaleness = maxStaleness;
    }

    public Duration getConnectTimeout() {
      return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
    }

    public Duration getRequestTimeout() {
      return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
    }

    public DataSize getMaxResponseSize() {
      return maxResponseSize;
    }

    public void setMaxResponseSize(DataSize maxResponseSize) {
      this.maxResponseSize = maxResponseSize;
    }
  }
}
