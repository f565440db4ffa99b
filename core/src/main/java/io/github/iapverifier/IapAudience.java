package io.github.iapverifier;

import static io.github.iapverifier.internal.Text.printable;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code aud} value IAP puts in assertions for one protected resource. An app accepts only
 * assertions minted for its own audience; without this check, a token minted for any other
 * IAP-protected app (in any project) would be accepted.
 *
 * <p>Three formats exist, one per way of putting IAP in front of an app:
 *
 * <ul>
 *   <li>App Engine: {@code /projects/PROJECT_NUMBER/apps/PROJECT_ID}, see {@link #appEngine};
 *   <li>a load balancer's backend service: {@code
 *       /projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID}, see {@link #backendService};
 *   <li>IAP enabled directly on a Cloud Run service: {@code
 *       /projects/PROJECT_NUMBER/locations/REGION/services/SERVICE_NAME}, see {@link #cloudRun}.
 * </ul>
 *
 * <p>Instances are immutable values, safe to share between threads; equality is by {@link
 * #value()}.
 */
public final class IapAudience {

  /** The resource an audience designates. */
  public enum Kind {
    /** An App Engine application. */
    APP_ENGINE,
    /** A global backend service of a load balancer (Compute Engine, GKE, ...). */
    BACKEND_SERVICE,
    /** A Cloud Run service with IAP enabled on the service itself. */
    CLOUD_RUN,
    /**
     * The audience of another proxy than Google IAP, as configured: a Cloudflare Access AUD tag, a
     * Pomerium route host, an AWS ALB signer ARN.
     */
    OTHER_PROXY
  }

  private static final String NUMBER = "[1-9][0-9]{0,18}";
  // Project ids: 6-30 lowercase letters, digits and hyphens, starting with a letter, not ending
  // with a hyphen; legacy domain-scoped ids carry a "domain:" prefix.
  private static final String PROJECT_ID = "(?:[a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]";
  private static final String REGION = "[a-z]+(?:-[a-z]+)*[0-9]+";
  // Cloud Run service names: lowercase letters, digits and hyphens, starting with a letter, not
  // ending with a hyphen, at most 49 characters.
  private static final String SERVICE_NAME = "[a-z](?:[a-z0-9-]{0,47}[a-z0-9])?";

  private static final Pattern NUMBER_PATTERN = Pattern.compile(NUMBER);
  private static final Pattern PROJECT_ID_PATTERN = Pattern.compile(PROJECT_ID);
  private static final Pattern REGION_PATTERN = Pattern.compile(REGION);
  private static final Pattern SERVICE_NAME_PATTERN = Pattern.compile(SERVICE_NAME);
  private static final Pattern APP_ENGINE =
      Pattern.compile("/projects/" + NUMBER + "/apps/" + PROJECT_ID);
  private static final Pattern BACKEND_SERVICE =
      Pattern.compile("/projects/" + NUMBER + "/global/backendServices/" + NUMBER);
  private static final Pattern CLOUD_RUN =
      Pattern.compile(
          "/projects/" + NUMBER + "/locations/" + REGION + "/services/" + SERVICE_NAME);

  private final String value;
  private final Kind kind;

  private IapAudience(String value, Kind kind) {
    this.value = value;
    this.kind = kind;
  }

  /** An audience of another proxy, already validated by that proxy's builder. */
  static IapAudience ofOtherProxy(String value) {
    return new IapAudience(value, Kind.OTHER_PROXY);
  }

  /**
   * The audience of an App Engine app.
   *
   * @param projectNumber the numeric project number (not the project id), positive
   * @param projectId the project id, for example {@code my-project}, not null
   * @return the audience {@code /projects/PROJECT_NUMBER/apps/PROJECT_ID}
   * @throws IllegalArgumentException if a part is malformed, naming the part
   */
  public static IapAudience appEngine(long projectNumber, String projectId) {
    checkProjectNumber(projectNumber);
    check(projectId, "projectId", PROJECT_ID_PATTERN, "a project id such as 'my-project'");
    return new IapAudience("/projects/" + projectNumber + "/apps/" + projectId, Kind.APP_ENGINE);
  }

  /**
   * The audience of a load balancer's global backend service.
   *
   * @param projectNumber the numeric project number, positive
   * @param backendServiceId the numeric id of the backend service, positive; find it with {@code
   *     gcloud compute backend-services describe NAME --global --format='value(id)'}
   * @return the audience {@code /projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID}
   * @throws IllegalArgumentException if a part is not positive, naming the part
   */
  public static IapAudience backendService(long projectNumber, long backendServiceId) {
    checkProjectNumber(projectNumber);
    if (backendServiceId <= 0) {
      throw new IllegalArgumentException(
          "backendServiceId must be the positive numeric id of the backend service (not its name),"
              + " got "
              + backendServiceId
              + "; find it with: gcloud compute backend-services describe NAME --global"
              + " --format='value(id)'");
    }
    return new IapAudience(
        "/projects/" + projectNumber + "/global/backendServices/" + backendServiceId,
        Kind.BACKEND_SERVICE);
  }

  /**
   * The audience of a Cloud Run service with IAP enabled on the service.
   *
   * @param projectNumber the numeric project number, positive
   * @param region the service's region, for example {@code europe-west1}, not null
   * @param serviceName the service name, for example {@code billing}, not null
   * @return the audience {@code /projects/PROJECT_NUMBER/locations/REGION/services/SERVICE_NAME}
   * @throws IllegalArgumentException if a part is malformed, naming the part
   */
  public static IapAudience cloudRun(long projectNumber, String region, String serviceName) {
    checkProjectNumber(projectNumber);
    check(region, "region", REGION_PATTERN, "a region such as 'europe-west1'");
    check(
        serviceName,
        "serviceName",
        SERVICE_NAME_PATTERN,
        "a Cloud Run service name (lowercase letters, digits and hyphens, starting with a letter,"
            + " at most 49 characters)");
    return new IapAudience(
        "/projects/" + projectNumber + "/locations/" + region + "/services/" + serviceName,
        Kind.CLOUD_RUN);
  }

  /**
   * Parses an audience string in any of the three formats IAP uses.
   *
   * @param audience the audience, as shown in the IAP console or in a token's {@code aud}, not
   *     null
   * @return the audience
   * @throws IllegalArgumentException if the string matches none of the formats
   */
  public static IapAudience of(String audience) {
    Objects.requireNonNull(audience, "audience");
    String trimmed = audience.strip();
    if (APP_ENGINE.matcher(trimmed).matches()) {
      return new IapAudience(trimmed, Kind.APP_ENGINE);
    }
    if (BACKEND_SERVICE.matcher(trimmed).matches()) {
      return new IapAudience(trimmed, Kind.BACKEND_SERVICE);
    }
    if (CLOUD_RUN.matcher(trimmed).matches()) {
      return new IapAudience(trimmed, Kind.CLOUD_RUN);
    }
    throw new IllegalArgumentException(
        "audience '"
            + printable(trimmed)
            + "' is not an IAP audience; expected /projects/PROJECT_NUMBER/apps/PROJECT_ID (App"
            + " Engine), /projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID (load"
            + " balancer) or /projects/PROJECT_NUMBER/locations/REGION/services/SERVICE_NAME"
            + " (Cloud Run)");
  }

  /**
   * Finds this app's own audience from its runtime environment: on Cloud Run and App Engine from
   * the environment variables they set and the metadata server. Elsewhere (GKE or Compute Engine
   * behind a load balancer) the backend service id cannot be discovered and this method fails
   * with a message that says which setting to provide and how to find its value.
   *
   * <p>Calls the metadata server with short timeouts (at most a few seconds in all); call it
   * once at start-up, not per request.
   *
   * @return the detected audience
   * @throws IllegalStateException if the audience cannot be determined; the message says what to
   *     configure instead
   */
  public static IapAudience detect() {
    return io.github.iapverifier.internal.AudienceDetector.fromEnvironment().detect();
  }

  /**
   * Returns the audience string exactly as IAP writes it in {@code aud}.
   *
   * @return the value, never null
   */
  public String value() {
    return value;
  }

  /**
   * Returns the kind of resource this audience designates.
   *
   * @return the kind, never null
   */
  public Kind kind() {
    return kind;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof IapAudience && ((IapAudience) other).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }

  private static void checkProjectNumber(long projectNumber) {
    if (projectNumber <= 0) {
      throw new IllegalArgumentException(
          "projectNumber must be the positive numeric project number (not the project id), got "
              + projectNumber
              + "; find it with: gcloud projects describe PROJECT_ID --format='value(projectNumber)'");
    }
  }

  private static void check(String part, String name, Pattern pattern, String expected) {
    Objects.requireNonNull(part, name);
    if (!pattern.matcher(part).matches()) {
      throw new IllegalArgumentException(
          name + " '" + printable(part) + "' is not valid; expected " + expected);
    }
  }
}
