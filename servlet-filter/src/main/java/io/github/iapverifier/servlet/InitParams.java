package io.github.iapverifier.servlet;

import io.github.iapverifier.IapAudience;
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
import java.util.regex.Pattern;
import org.slf4j.event.Level;

/**
 * Reads {@link IapFilter}'s init-params ({@code web.xml}, {@code FilterRegistration}) into the
 * builders of a verifier and a pipeline. Every error is an {@link IllegalArgumentException} whose
 * message names the init-param, the value and what is accepted.
 */
record InitParams(IapVerifier.Builder verifier, IapRequestPipeline.Builder pipeline) {

  static final String AUDIENCES = "audiences";
  static final String JWKS_URI = "jwks-uri";
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

  static final List<String> NAMES =
      List.of(
          AUDIENCES,
          JWKS_URI,
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
   * @throws IllegalArgumentException naming the param if one is unknown, missing or invalid
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
    IapVerifier.Builder verifier = IapVerifier.builder();
    IapRequestPipeline.Builder filter = IapRequestPipeline.builder();

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
      verifier.jwksUri(uri(jwksUri));
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
    String skew = value(params, CLOCK_SKEW);
    if (skew != null) {
      try {
        verifier.clockSkew(duration(skew));
      } catch (IllegalArgumentException e) {
        throw invalid(CLOCK_SKEW, e);
      }
    }
    String cacheSize = value(params, TOKEN_CACHE_SIZE);
    if (cacheSize != null) {
      verifier.tokenCacheSize(cacheSize(cacheSize));
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

  private static URI uri(String value) {
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
              + JWKS_URI
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
