package io.github.iapverifier.spring;

import io.github.iapverifier.IapProxy;
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
 * <p>{@code iap.proxy} chooses the identity-aware proxy in front of the app (Google IAP by
 * default); each other proxy has its own group ({@code iap.cloudflare-access.*}, {@code
 * iap.aws-alb.*}, {@code iap.pomerium.*}). A setting that does not apply to the chosen proxy (a
 * Google-only one such as {@code iap.audiences} or {@code iap.allowed-hosted-domains}, or another
 * proxy's group) stops the app at start-up, so that no policy is silently left unapplied.
 *
 * <p>Mutable JavaBean bound once at start-up by Spring Boot; not meant to be changed afterwards.
 */
@ConfigurationProperties("iap")
public class IapProperties {

  /** Whether to verify IAP's signed header; false registers nothing, so IAP is not checked. */
  private boolean enabled = true;

  /**
   * The identity-aware proxy in front of the app, whose signed header is verified: google-iap,
   * cloudflare-access, aws-alb or pomerium.
   */
  private IapProxy proxy = IapProxy.GOOGLE_IAP;

  /**
   * Google IAP only: audiences this app accepts, as shown in the IAP console; empty detects it on
   * Cloud Run and App Engine.
   */
  private List<String> audiences = new ArrayList<>();

  /** Google IAP only: where IAP's public keys are fetched from; unset means Google's key set. */
  private URI jwksUri;

  /**
   * Google IAP only: a fixed key set (JWKS file, e.g. classpath:iap-keys.json) used instead of
   * fetching keys, for deployments that cannot reach Google (VPC Service Controls); never
   * refreshed.
   */
  private Resource jwksResource;

  /** Tolerance between this server's clock and the proxy's, applied to exp, iat and nbf. */
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
   * Whether start-up fails when IAP enforcement is missing or partial (no IapFilter registered, or
   * one not mapped to every path and dispatcher type; no SecurityFilterChain applying
   * IapConfigurer); false only logs a warning.
   */
  private boolean requireEnforcement = true;

  /** Google IAP only: Workspace domains (hd claim) whose users are accepted; empty accepts any. */
  private List<String> allowedHostedDomains = new ArrayList<>();

  /** Google IAP only: access levels (accessPolicies/N/accessLevels/NAME) every request needs. */
  private List<String> requiredAccessLevels = new ArrayList<>();

  /**
   * Google IAP only: static grants, authority name to the emails and @domains (Workspace accounts)
   * that receive it.
   */
  private Map<String, List<String>> authorities = new LinkedHashMap<>();

  private final TokenCache tokenCache = new TokenCache();

  private final KeyCache keyCache = new KeyCache();

  private final CloudflareAccess cloudflareAccess = new CloudflareAccess();

  private final AwsAlb awsAlb = new AwsAlb();

  private final Pomerium pomerium = new Pomerium();

  public IapProxy getProxy() {
    return proxy;
  }

  public void setProxy(IapProxy proxy) {
    this.proxy = proxy;
  }

  public CloudflareAccess getCloudflareAccess() {
    return cloudflareAccess;
  }

  public AwsAlb getAwsAlb() {
    return awsAlb;
  }

  public Pomerium getPomerium() {
    return pomerium;
  }

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

  /** Settings of Cloudflare Access, used with iap.proxy=cloudflare-access. */
  public static class CloudflareAccess {

    /** The team domain, https://TEAM.cloudflareaccess.com: the issuer, and where keys are. */
    private String teamDomain;

    /** The Access application's AUD tags this app accepts; at least one. */
    private List<String> audiences = new ArrayList<>();

    /** Where the keys are fetched from; unset means TEAM-DOMAIN/cdn-cgi/access/certs. */
    private URI jwksUri;

    public String getTeamDomain() {
      return teamDomain;
    }

    public void setTeamDomain(String teamDomain) {
      this.teamDomain = teamDomain;
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
  }

  /** Settings of an AWS Application Load Balancer, used with iap.proxy=aws-alb. */
  public static class AwsAlb {

    /**
     * The AWS region whose keys are fetched, such as eu-central-1; unset means the region of the
     * signers.
     */
    private String region;

    /** ARNs of the load balancers whose signature is accepted (the signer header); at least one. */
    private List<String> signers = new ArrayList<>();

    /** OIDC client ids accepted (the client header); empty accepts any. */
    private List<String> clientIds = new ArrayList<>();

    /** Identity provider issuers accepted (the iss header); empty accepts any. */
    private List<String> issuers = new ArrayList<>();

    /**
     * Base URL of the public keys (a key is at BASE/KID); unset means
     * https://public-keys.auth.elb.REGION.amazonaws.com, set it for GovCloud.
     */
    private URI keyEndpoint;

    public String getRegion() {
      return region;
    }

    public void setRegion(String region) {
      this.region = region;
    }

    public List<String> getSigners() {
      return signers;
    }

    public void setSigners(List<String> signers) {
      this.signers = signers;
    }

    public List<String> getClientIds() {
      return clientIds;
    }

    public void setClientIds(List<String> clientIds) {
      this.clientIds = clientIds;
    }

    public List<String> getIssuers() {
      return issuers;
    }

    public void setIssuers(List<String> issuers) {
      this.issuers = issuers;
    }

    public URI getKeyEndpoint() {
      return keyEndpoint;
    }

    public void setKeyEndpoint(URI keyEndpoint) {
      this.keyEndpoint = keyEndpoint;
    }
  }

  /** Settings of Pomerium, used with iap.proxy=pomerium. */
  public static class Pomerium {

    /** The route's host, such as app.example.com: the issuer and audience, and where keys are. */
    private String routeHost;

    // No initial value, so that setting it with another iap.proxy is seen even when it is ES256;
    // the metadata's default comes from additional-spring-configuration-metadata.json.
    /**
     * The signing algorithm of Pomerium's key, ES256 (when unset) or RS256; never taken from the
     * token.
     */
    private String algorithm;

    /**
     * Where the keys are fetched from; unset means
     * https://ROUTE-HOST/.well-known/pomerium/jwks.json.
     */
    private URI jwksUri;

    public String getRouteHost() {
      return routeHost;
    }

    public void setRouteHost(String routeHost) {
      this.routeHost = routeHost;
    }

    public String getAlgorithm() {
      return algorithm;
    }

    public void setAlgorithm(String algorithm) {
      this.algorithm = algorithm;
    }

    public URI getJwksUri() {
      return jwksUri;
    }

    public void setJwksUri(URI jwksUri) {
      this.jwksUri = jwksUri;
    }
  }
}
