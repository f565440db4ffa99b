package io.github.iapverifier.servlet;

import io.github.iapverifier.IapAudience;
import io.github.iapverifier.IapProxy;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.web.IapHttpRequest;
import io.github.iapverifier.web.IapRequestPipeline;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import org.slf4j.event.Level;

/**
 * Reads {@link IapFilter}'s init-params ({@code web.xml}, {@code FilterRegistration}) into the
 * builders of a verifier and a pipeline. Every error is an {@link IllegalArgumentException} whose
 * message names the init-param, the value and what is accepted. {@value #PROXY} chooses the proxy
 * ({@code google-iap} by default); an init-param that does not apply to it is an error too, since a
 * setting silently not applied (an allowed-domain policy, say) would fail open.
 */
record InitParams(VerifierBuilder verifier, IapRequestPipeline.Builder pipeline) {

  /** Builds the verifier the init-params describe. */
  @FunctionalInterface
  interface VerifierBuilder {
    IapVerifier build();
  }

  static final String PROXY = "proxy";
  static final String AUDIENCES = "audiences";
  static final String JWKS_URI = "jwks-uri";
  static final String TEAM_DOMAIN = "team-domain";
  static final String REGION = "region";
  static final String SIGNERS = "signers";
  static final String CLIENT_IDS = "client-ids";
  static final String ISSUERS = "issuers";
  static final String KEY_ENDPOINT = "key-endpoint";
  static final String ROUTE_HOST = "route-host";
  static final String ALGORITHM = "algorithm";
  static final String EXCLUDED_PATHS = "excluded-paths";
  static final String ALLOWED_HOSTED_DOMAINS = "allowed-hosted-domains";
  static final String REQUIRED_ACCESS_LEVELS = "required-access-levels";
  static final String CLOCK_SKEW = "clock-skew";
  static final String TOKEN_CACHE_SIZE = "token-cache-size";
  static final String ALLOW_CORS_PREFLIGHT = "allow-cors-preflight";
  static final String REJECTION_LOG_LEVEL = "rejection-log-level";
  static final String INCLUDE_REJECTION_MESSAGE = "include-rejection-message";

  /** Tells {@code audiences} to read the audience from the Cloud Run / App Engine environment. */
  static final String DETECT = "detect";

  /** The init-params every proxy takes. */
  private static final List<String> COMMON =
      List.of(
          PROXY,
          EXCLUDED_PATHS,
          CLOCK_SKEW,
          TOKEN_CACHE_SIZE,
          ALLOW_CORS_PREFLIGHT,
          INCLUDE_REJECTION_MESSAGE,
          REJECTION_LOG_LEVEL);

  /** The init-params of each proxy besides {@link #COMMON}. */
  private static final Map<IapProxy, List<String>> OWN =
      Map.of(
          IapProxy.GOOGLE_IAP,
          List.of(AUDIENCES, JWKS_URI, ALLOWED_HOSTED_DOMAINS, REQUIRED_ACCESS_LEVELS),
          IapProxy.CLOUDFLARE_ACCESS,
          List.of(TEAM_DOMAIN, AUDIENCES, JWKS_URI),
          IapProxy.AWS_ALB,
          List.of(REGION, SIGNERS, CLIENT_IDS, ISSUERS, KEY_ENDPOINT),
          IapProxy.POMERIUM,
          List.of(ROUTE_HOST, ALGORITHM, JWKS_URI));

  static final List<String> NAMES =
      List.of(
          PROXY,
          AUDIENCES,
          JWKS_URI,
          TEAM_DOMAIN,
          REGION,
          SIGNERS,
          CLIENT_IDS,
          ISSUERS,
          KEY_ENDPOINT,
          ROUTE_HOST,
          ALGORITHM,
          EXCLUDED_PATHS,
          ALLOWED_HOSTED_DOMAINS,
          REQUIRED_ACCESS_LEVELS,
          CLOCK_SKEW,
          TOKEN_CACHE_SIZE,
          ALLOW_CORS_PREFLIGHT,
          INCLUDE_REJECTION_MESSAGE,
          REJECTION_LOG_LEVEL);

  // Lists in web.xml are often spread over lines: commas and any whitespace separate items.
  private static final Pattern SEPARATORS = Pattern.compile("[,\\s]+");

  /**
   * Parses init-params.
   *
   * @param params name to value; values may be null or blank (treated as absent)
   * @throws IllegalArgumentException naming the param if one is unknown, missing, invalid or not
   *     for the chosen proxy
   */
  static InitParams parse(Map<String, String> params) {
    for (String name : params.keySet()) {
      if (!NAMES.contains(name)) {
        throw new IllegalArgumentException(
            "unknown init-param '"
                + IapHttpRequest.printable(name)
                + "'; known init-params are "
                + NAMES);
      }
    }
    IapProxy proxy = proxy(params);
    List<String> foreign = new ArrayList<>();
    for (String name : params.keySet()) {
      if (value(params, name) != null && !COMMON.contains(name) && !OWN.get(proxy).contains(name)) {
        foreign.add(name);
      }
    }
    if (!foreign.isEmpty()) {
      throw new IllegalArgumentException(
          "init-param"
              + (foreign.size() == 1 ? " '" + foreign.get(0) + "' does" : "s " + foreign + " do")
              + " not apply to proxy '"
              + proxy.configName()
              + "' and would be ignored; remove "
              + (foreign.size() == 1 ? "it" : "them")
              + ", or set init-param '"
              + PROXY
              + "' to the proxy "
              + (foreign.size() == 1 ? "it belongs" : "they belong")
              + " to. Init-params of '"
              + proxy.configName()
              + "': "
              + OWN.get(proxy));
    }
    IapRequestPipeline.Builder filter = IapRequestPipeline.builder();
    VerifierBuilder verifier;
    switch (proxy) {
      case CLOUDFLARE_ACCESS:
        verifier = cloudflareAccess(params);
        break;
      case AWS_ALB:
        verifier = awsAlb(params);
        break;
      case POMERIUM:
        verifier = pomerium(params);
        break;
      default:
        verifier = google(params);
        break;
    }

    try {
      filter.excludedPaths(list(params, EXCLUDED_PATHS));
    } catch (IllegalArgumentException e) {
      throw invalid(EXCLUDED_PATHS, e);
    }
    String cors = value(params, ALLOW_CORS_PREFLIGHT);
    if (cors != null) {
      filter.allowCorsPreflight(bool(ALLOW_CORS_PREFLIGHT, cors));
    }
    String include = value(params, INCLUDE_REJECTION_MESSAGE);
    if (include != null) {
      filter.includeRejectionMessage(bool(INCLUDE_REJECTION_MESSAGE, include));
    }
    for (String item : list(params, REJECTION_LOG_LEVEL)) {
      int eq = item.indexOf('=');
      if (eq < 0) {
        filter.rejectionLogLevel(level(item));
      } else {
        filter.rejectionLogLevel(reason(item.substring(0, eq)), level(item.substring(eq + 1)));
      }
    }
    return new InitParams(verifier, filter);
  }

  private static IapProxy proxy(Map<String, String> params) {
    String value = value(params, PROXY);
    if (value == null) {
      return IapProxy.GOOGLE_IAP;
    }
    try {
      return IapProxy.fromConfigName(value);
    } catch (IllegalArgumentException e) {
      throw invalid(PROXY, e);
    }
  }

  private static VerifierBuilder google(Map<String, String> params) {
    IapVerifier.Builder verifier = IapVerifier.builder();
    List<String> audiences = list(params, AUDIENCES);
    if (audiences.isEmpty()) {
      throw new IllegalArgumentException(
          "init-param '"
              + AUDIENCES
              + "' is required: this app's IAP audience(s), comma-separated, as the IAP console"
              + " shows them (/projects/NUMBER/apps/ID, /projects/NUMBER/global/backendServices/ID"
              + " or /projects/NUMBER/locations/REGION/services/NAME), or '"
              + DETECT
              + "' on Cloud Run and App Engine");
    }
    if (audiences.equals(List.of(DETECT))) {
      try {
        verifier.audiences(IapAudience.detect());
      } catch (IllegalStateException e) {
        throw new IllegalArgumentException(
            "init-param '" + AUDIENCES + "' is '" + DETECT + "', but " + e.getMessage(), e);
      }
    } else {
      for (String audience : audiences) {
        try {
          verifier.audiences(IapAudience.of(audience));
        } catch (IllegalArgumentException e) {
          throw invalid(AUDIENCES, e);
        }
      }
    }
    String jwksUri = value(params, JWKS_URI);
    if (jwksUri != null) {
      verifier.jwksUri(uri(JWKS_URI, jwksUri));
    }
    try {
      verifier.allowedHostedDomains(list(params, ALLOWED_HOSTED_DOMAINS));
    } catch (IllegalArgumentException e) {
      throw invalid(ALLOWED_HOSTED_DOMAINS, e);
    }
    try {
      verifier.requiredAccessLevels(list(params, REQUIRED_ACCESS_LEVELS));
    } catch (IllegalArgumentException e) {
      throw invalid(REQUIRED_ACCESS_LEVELS, e);
    }
    shared(params, verifier::clockSkew, verifier::tokenCacheSize);
    return verifier::build;
  }

  private static VerifierBuilder cloudflareAccess(Map<String, String> params) {
    var verifier = IapVerifier.cloudflareAccess();
    String teamDomain =
        required(params, TEAM_DOMAIN, "the team domain, https://TEAM.cloudflareaccess.com");
    List<String> audiences = list(params, AUDIENCES);
    if (audiences.isEmpty()) {
      throw new IllegalArgumentException(
          "init-param '"
              + AUDIENCES
              + "' is required with proxy 'cloudflare-access': the Access application's AUD"
              + " tag(s), comma-separated");
    }
    try {
      verifier.teamDomain(teamDomain);
    } catch (IllegalArgumentException e) {
      throw invalid(TEAM_DOMAIN, e);
    }
    try {
      verifier.audiences(audiences.toArray(String[]::new));
    } catch (IllegalArgumentException e) {
      throw invalid(AUDIENCES, e);
    }
    String jwksUri = value(params, JWKS_URI);
    if (jwksUri != null) {
      verifier.jwksUri(uri(JWKS_URI, jwksUri));
    }
    shared(params, verifier::clockSkew, verifier::tokenCacheSize);
    return verifier::build;
  }

  private static VerifierBuilder awsAlb(Map<String, String> params) {
    var verifier = IapVerifier.awsAlb();
    List<String> signers = list(params, SIGNERS);
    if (signers.isEmpty()) {
      throw new IllegalArgumentException(
          "init-param '"
              + SIGNERS
              + "' is required with proxy 'aws-alb': the ARN(s) of the load balancer(s) whose"
              + " signature is accepted, comma-separated");
    }
    set(SIGNERS, () -> verifier.signers(signers));
    String region = value(params, REGION);
    if (region != null) {
      set(REGION, () -> verifier.region(region));
    }
    List<String> clientIds = list(params, CLIENT_IDS);
    set(CLIENT_IDS, () -> verifier.clientIds(clientIds));
    List<String> issuers = list(params, ISSUERS);
    set(ISSUERS, () -> verifier.issuers(issuers));
    String keyEndpoint = value(params, KEY_ENDPOINT);
    if (keyEndpoint != null) {
      URI uri = uri(KEY_ENDPOINT, keyEndpoint);
      set(KEY_ENDPOINT, () -> verifier.keyEndpoint(uri));
    }
    shared(params, verifier::clockSkew, verifier::tokenCacheSize);
    return verifier::build;
  }

  private static VerifierBuilder pomerium(Map<String, String> params) {
    var verifier = IapVerifier.pomerium();
    String routeHost =
        required(params, ROUTE_HOST, "the host of the Pomerium route, such as app.example.com");
    try {
      verifier.routeHost(routeHost);
    } catch (IllegalArgumentException e) {
      throw invalid(ROUTE_HOST, e);
    }
    String algorithm = value(params, ALGORITHM);
    if (algorithm != null) {
      try {
        verifier.algorithm(algorithm);
      } catch (IllegalArgumentException e) {
        throw invalid(ALGORITHM, e);
      }
    }
    String jwksUri = value(params, JWKS_URI);
    if (jwksUri != null) {
      verifier.jwksUri(uri(JWKS_URI, jwksUri));
    }
    shared(params, verifier::clockSkew, verifier::tokenCacheSize);
    return verifier::build;
  }

  private static String required(Map<String, String> params, String name, String what) {
    String value = value(params, name);
    if (value == null) {
      throw new IllegalArgumentException(
          "init-param '" + name + "' is required with this proxy: " + what);
    }
    return value;
  }

  /**
   * Applies the verifier settings every proxy's builder has, {@code clock-skew} and {@code
   * token-cache-size}.
   */
  private static void shared(
      Map<String, String> params, Consumer<Duration> clockSkew, LongConsumer tokenCacheSize) {
    String skew = value(params, CLOCK_SKEW);
    if (skew != null) {
      Duration duration;
      try {
        duration = duration(skew);
      } catch (IllegalArgumentException e) {
        throw invalid(CLOCK_SKEW, e);
      }
      set(CLOCK_SKEW, () -> clockSkew.accept(duration));
    }
    String cacheSize = value(params, TOKEN_CACHE_SIZE);
    if (cacheSize != null) {
      tokenCacheSize.accept(cacheSize(cacheSize));
    }
  }

  /** Applies a setting, naming the init-param in the builder's complaint. */
  private static void set(String name, Runnable setting) {
    try {
      setting.run();
    } catch (IllegalArgumentException e) {
      throw invalid(name, e);
    }
  }

  private static String value(Map<String, String> params, String name) {
    String value = params.get(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static List<String> list(Map<String, String> params, String name) {
    String value = value(params, name);
    if (value == null) {
      return List.of();
    }
    List<String> items = new ArrayList<>(Arrays.asList(SEPARATORS.split(value)));
    items.removeIf(String::isEmpty);
    return items;
  }

  private static IllegalArgumentException invalid(String name, IllegalArgumentException e) {
    return new IllegalArgumentException("init-param '" + name + "': " + e.getMessage(), e);
  }

  private static URI uri(String name, String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (java.net.URISyntaxException e) {
      uri = null;
    }
    String scheme = uri == null ? null : uri.getScheme();
    if (uri == null
        || uri.getHost() == null
        || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
      throw new IllegalArgumentException(
          "init-param '"
              + name
              + "': '"
              + IapHttpRequest.printable(value)
              + "' is not an absolute http(s) URI such as"
              + " https://www.gstatic.com/iap/verify/public_key-jwk");
    }
    return uri;
  }

  /** ISO-8601 ({@code PT30S}) or a plain number of seconds ({@code 30}). */
  static Duration duration(String value) {
    if (value.chars().allMatch(c -> c >= '0' && c <= '9') && value.length() <= 9) {
      return Duration.ofSeconds(Long.parseLong(value));
    }
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'"
              + IapHttpRequest.printable(value)
              + "' is neither an ISO-8601 duration such as PT30S nor a whole number of seconds"
              + " such as 30");
    }
  }

  private static long cacheSize(String value) {
    if (value.chars().allMatch(c -> c >= '0' && c <= '9') && value.length() <= 12) {
      return Long.parseLong(value);
    }
    throw new IllegalArgumentException(
        "init-param '"
            + TOKEN_CACHE_SIZE
            + "': '"
            + IapHttpRequest.printable(value)
            + "' is not a whole number of entries (0 turns the cache off)");
  }

  private static boolean bool(String name, String value) {
    if ("true".equalsIgnoreCase(value)) {
      return true;
    }
    if ("false".equalsIgnoreCase(value)) {
      return false;
    }
    // Boolean.parseBoolean would read a typo such as "ture" as false, silently.
    throw new IllegalArgumentException(
        "init-param '"
            + name
            + "': '"
            + IapHttpRequest.printable(value)
            + "' is neither true nor false");
  }

  private static final Set<String> LEVELS = Set.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");

  private static Level level(String value) {
    String upper = value.strip().toUpperCase(Locale.ROOT);
    if (!LEVELS.contains(upper)) {
      throw new IllegalArgumentException(
          "init-param '"
              + REJECTION_LOG_LEVEL
              + "': '"
              + IapHttpRequest.printable(value)
              + "' is not a log level; use ERROR, WARN, INFO, DEBUG or TRACE, for all reasons"
              + " or as REASON=LEVEL, for example MISSING=DEBUG");
    }
    return Level.valueOf(upper);
  }

  private static Reason reason(String value) {
    String upper = value.strip().toUpperCase(Locale.ROOT);
    for (Reason reason : Reason.values()) {
      if (reason.name().equals(upper)) {
        return reason;
      }
    }
    throw new IllegalArgumentException(
        "init-param '"
            + REJECTION_LOG_LEVEL
            + "': '"
            + IapHttpRequest.printable(value)
            + "' is not a rejection reason; use one of "
            + Arrays.toString(Reason.values()));
  }
}
