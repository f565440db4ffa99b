package io.github.iapverifier;

import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.internal.checks.AlbHeaderCheck;
import io.github.iapverifier.internal.checks.AlbNames;
import io.github.iapverifier.internal.keys.JwksUri;
import io.github.iapverifier.internal.keys.PemKeySource;
import io.github.iapverifier.internal.verify.AwsAlbRules;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Builds an {@link IapVerifier} of the assertions an AWS Application Load Balancer with OIDC
 * authentication signs onto each request (header {@code x-amzn-oidc-data}).
 *
 * <pre>{@code
 * IapVerifier verifier = IapVerifier.awsAlb()
 *     .signers("arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188")
 *     .clientIds("4fmvht22tjrgd7d3k3tghttct7")
 *     .build();
 * }</pre>
 *
 * <p>An assertion is accepted only if it is signed with ES256 by a key AWS publishes for the region
 * (one PEM document per key id at {@code https://public-keys.auth.elb.REGION.amazonaws.com/KID},
 * fetched once per key id and kept: a key id's key never changes), names one of the configured load
 * balancers as its {@code signer} (any load balancer in the region signs with the same keys, so
 * this check is what makes the assertion this app's), names a configured OIDC {@code client} and
 * {@code iss} when any are configured, and its {@code exp} (in the JOSE header) has not passed,
 * with the clock skew. Segments are base64url with {@code =} padding, as ALB writes them, and the
 * signature is checked over the text exactly as received; unpadded segments are refused, since ALB
 * never sends them. The payload is the identity provider's userinfo: {@code sub} and {@code email}
 * are required, and an address the provider reports as not verified ({@code email_verified} false
 * or "false") is refused with {@link Reason#POLICY_DENIED}.
 *
 * <p>The identity has {@link IapIdentity#proxy()} {@link IapProxy#AWS_ALB}, source {@link
 * IapIdentity.Source#OTHER}, the signer ARN as its {@linkplain IapIdentity#audience() audience},
 * the userinfo as its {@linkplain IapIdentity#claims() claims} ({@code username} among them), and
 * {@link IapIdentity#issuedAt()} {@link java.time.Instant#EPOCH}: ALB's tokens carry no {@code
 * iat}, and no time is invented for them.
 *
 * <p>Key ids that are not UUIDs are rejected without a fetch; fetches for new key ids are rate
 * limited (a burst of 10, then one per 6 s), so that tokens naming random ids cannot flood AWS from
 * this app; an id AWS answers 403 or 404 for is {@link Reason#UNKNOWN_KEY}, one whose fetch failed
 * or was refused by the rate limit is {@link Reason#KEYS_UNAVAILABLE}. {@link IapVerifier#warmUp()}
 * has nothing to load (no key id is known before a token names one).
 *
 * <p>Not thread-safe; the verifier it builds is.
 */
public final class AwsAlbBuilder extends ProxyBuilder<AwsAlbBuilder> {

  // Signer ARN -> its region, in the order given.
  private final Map<String, String> signers = new LinkedHashMap<>();
  private final Set<String> clientIds = new LinkedHashSet<>();
  private final Set<String> issuers = new LinkedHashSet<>();
  private @Nullable String region;
  private @Nullable URI keyEndpoint;

  AwsAlbBuilder() {}

  /**
   * Sets the region whose keys are fetched. Default: the region of the {@linkplain #signers
   * signers}, which must then all be in one region. When set, every signer must be in it (unless a
   * {@link #keyEndpoint} is set).
   *
   * @param region such as {@code eu-central-1} or {@code us-gov-west-1}, not null
   * @return this builder
   * @throws IllegalArgumentException if it does not have the shape of a region name
   */
  public AwsAlbBuilder region(String region) {
    this.region = AlbNames.region(region);
    return this;
  }

  /**
   * Fetches keys from {@code <keyEndpoint>/<kid>} instead of the region's endpoint: a mirror, an
   * emulator, or a partition whose endpoint is not built in (the China regions). The AWS GovCloud
   * (US) endpoints are built in.
   *
   * @param keyEndpoint an absolute http or https URI without user-info, query or fragment, not
   *     null; a trailing {@code /} is dropped
   * @return this builder
   * @throws IllegalArgumentException if the URI is not such a URI
   */
  public AwsAlbBuilder keyEndpoint(URI keyEndpoint) {
    URI uri =
        JwksUri.check(
            keyEndpoint, "keyEndpoint", "https://public-keys.auth.elb.REGION.amazonaws.com");
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "keyEndpoint must have no query or fragment: the key id is appended to its path");
    }
    String s = uri.toString();
    this.keyEndpoint = s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
    return this;
  }

  /**
   * Adds accepted load balancers: an assertion whose {@code signer} is not one of them is rejected
   * with {@link Reason#WRONG_SIGNER} before any key is fetched. At least one is required.
   *
   * @param arns Application Load Balancer ARNs, {@code
   *     arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID}, not null
   * @return this builder
   * @throws IllegalArgumentException if one is not such an ARN
   */
  public AwsAlbBuilder signers(String... arns) {
    return signers(Arrays.asList(Objects.requireNonNull(arns, "signers")));
  }

  /**
   * Collection form of {@link #signers(String...)}.
   *
   * @param arns the ARNs, not null, no null element
   * @return this builder
   */
  public AwsAlbBuilder signers(Collection<String> arns) {
    for (String arn : Objects.requireNonNull(arns, "signers")) {
      signers.put(arn, AlbNames.signerRegion(arn));
    }
    return this;
  }

  /**
   * Accepts only assertions whose {@code client} (the OIDC client id the load balancer
   * authenticated with) is one of these; others are rejected with {@link Reason#WRONG_SIGNER}.
   * Default: any client of the accepted signers.
   *
   * @param clientIds the client ids, not null
   * @return this builder
   * @throws IllegalArgumentException if one is empty or not printable ASCII without spaces
   */
  public AwsAlbBuilder clientIds(String... clientIds) {
    return clientIds(Arrays.asList(Objects.requireNonNull(clientIds, "clientIds")));
  }

  /**
   * Collection form of {@link #clientIds(String...)}.
   *
   * @param clientIds the client ids, not null, no null element
   * @return this builder
   */
  public AwsAlbBuilder clientIds(Collection<String> clientIds) {
    return addChecked(clientIds, "clientIds", AlbNames::client, this.clientIds);
  }

  /**
   * Accepts only assertions whose {@code iss} (the identity provider, such as {@code
   * https://cognito-idp.REGION.amazonaws.com/POOL}) is one of these; others are rejected with
   * {@link Reason#WRONG_ISSUER}. Default: any issuer of the accepted signers.
   *
   * @param issuers the issuers, exactly as in the tokens, not null
   * @return this builder
   */
  public AwsAlbBuilder issuers(String... issuers) {
    return issuers(Arrays.asList(Objects.requireNonNull(issuers, "issuers")));
  }

  /**
   * Collection form of {@link #issuers(String...)}.
   *
   * @param issuers the issuers, not null, no null element
   * @return this builder
   */
  public AwsAlbBuilder issuers(Collection<String> issuers) {
    return addChecked(
        issuers,
        "issuers",
        iss -> {
          if (iss.isBlank()) {
            throw new IllegalArgumentException("issuers must not be blank");
          }
          return iss;
        },
        this.issuers);
  }

  /**
   * Builds the verifier.
   *
   * @return a verifier, thread-safe; close it to release the key source it created
   * @throws IllegalStateException if no signer is configured, the signers' regions contradict the
   *     region or each other (without a key endpoint), the region has no built-in key endpoint,
   *     both a key source and a key endpoint are set, or a remote (JWKS) key source is set
   */
  public IapVerifier build() {
    if (signers.isEmpty()) {
      throw new IllegalStateException(
          "no AWS ALB signer configured: call signers(...) with the ARN of this app's load"
              + " balancer (any load balancer in the region signs with the same keys, so only the"
              + " signer tells whose assertion it is)");
    }
    if (remote != null) {
      throw new IllegalStateException(
          "remoteKeySource does not apply to AWS ALB, whose keys are PEM documents per key id;"
              + " use keyEndpoint(...) or keySource(...)");
    }
    var rules =
        AwsAlbRules.of(
            new AlbHeaderCheck(
                Set.copyOf(signers.keySet()), Set.copyOf(clientIds), Set.copyOf(issuers)),
            clock,
            clockSkew);
    List<IapAudience> audiences = new ArrayList<>();
    signers.keySet().forEach(arn -> audiences.add(IapAudience.ofOtherProxy(arn)));
    if (keySource != null) {
      if (keyEndpoint != null) {
        throw new IllegalStateException("both a keySource and a keyEndpoint are set; choose one");
      }
      return new IapVerifier(rules, audiences, this, keySource, null);
    }
    PemKeySource source =
        new PemKeySource(
            keyEndpoint != null ? keyEndpoint : regionEndpoint(),
            null,
            RemoteKeySource.Builder.DEFAULT_CONNECT_TIMEOUT,
            RemoteKeySource.Builder.DEFAULT_REQUEST_TIMEOUT,
            PemKeySource.Limits.DEFAULT,
            clock,
            listener);
    return new IapVerifier(rules, audiences, this, source, source);
  }

  /** The endpoint of the one region of the signers (and of {@link #region}, when set). */
  private URI regionEndpoint() {
    Set<String> regions = new TreeSet<>(signers.values());
    if (region != null) {
      regions.remove(region);
      if (!regions.isEmpty()) {
        throw new IllegalStateException(
            "signers of "
                + regions
                + " are outside region "
                + region
                + ", whose keys are fetched;"
                + " a load balancer signs with its own region's keys");
      }
    } else if (regions.size() > 1) {
      throw new IllegalStateException(
          "the signers are in several regions "
              + regions
              + ", but keys are published per region: build one verifier per region, or set"
              + " region(...) and keyEndpoint(...)");
    }
    String r = region != null ? region : regions.iterator().next();
    try {
      return AlbNames.keyEndpoint(r);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
