package io.github.iapverifier.internal.checks;

import static io.github.iapverifier.internal.Text.printable;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shapes of AWS ALB settings, checked at build time: a region, a load balancer ARN, an OIDC
 * client id, and where a region's keys are published. Stateless.
 */
public final class AlbNames {

  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov)?-[a-z]+-\\d{1,2}");
  // arn:PARTITION:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID (AWS's format)
  private static final Pattern ARN =
      Pattern.compile(
          "arn:aws(-[a-z]+)*:elasticloadbalancing:([a-z0-9-]+):\\d{12}"
              + ":loadbalancer/app/[A-Za-z0-9-]{1,32}/[0-9a-f]{1,32}");
  private static final Pattern CLIENT = Pattern.compile("[\\x21-\\x7e]{1,256}");

  private AlbNames() {}

  /**
   * Checks a region name.
   *
   * @param region such as {@code eu-central-1} or {@code us-gov-west-1}, not null
   * @return the region
   * @throws IllegalArgumentException if it does not have a region's shape
   */
  public static String region(String region) {
    Objects.requireNonNull(region, "region");
    if (!REGION.matcher(region).matches()) {
      throw new IllegalArgumentException(
          "region must be an AWS region name such as eu-central-1, got '"
              + printable(region)
              + "'");
    }
    return region;
  }

  /**
   * Checks a load balancer ARN and returns its region.
   *
   * @param arn an Application Load Balancer's ARN, not null
   * @return the region named in it
   * @throws IllegalArgumentException if it is not such an ARN
   */
  public static String signerRegion(String arn) {
    Objects.requireNonNull(arn, "signers must not contain null");
    Matcher m = ARN.matcher(arn);
    if (!m.matches() || !REGION.matcher(m.group(2)).matches()) {
      throw new IllegalArgumentException(
          "signers must be Application Load Balancer ARNs such as"
              + " arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/app/NAME/ID"
              + " (the signer field of the ALB's tokens), got '"
              + printable(arn, 200)
              + "'");
    }
    return m.group(2);
  }

  /**
   * Checks an OIDC client id: printable ASCII without spaces, at most 256 characters.
   *
   * @param client the id, not null
   * @return the id
   * @throws IllegalArgumentException if it is not such a string
   */
  public static String client(String client) {
    Objects.requireNonNull(client, "clientIds must not contain null");
    if (!CLIENT.matcher(client).matches()) {
      throw new IllegalArgumentException(
          "clientIds must be OIDC client ids (printable ASCII, no spaces), got '"
              + printable(client)
              + "'");
    }
    return client;
  }

  /**
   * Where AWS publishes the keys of a region's load balancers: {@code
   * https://public-keys.auth.elb.REGION.amazonaws.com}, and for AWS GovCloud (US) its S3 buckets.
   *
   * @param region a checked region
   * @return the base URI; a key is at {@code <base>/<kid>}
   * @throws IllegalArgumentException for the China regions, whose endpoint AWS does not document
   */
  public static URI keyEndpoint(String region) {
    if (region.startsWith("cn-")) {
      throw new IllegalArgumentException(
          "AWS documents no key endpoint for the China regions; set keyEndpoint to the URL"
              + " their load balancers' keys are published under");
    }
    if (region.equals("us-gov-west-1") || region.equals("us-gov-east-1")) {
      return URI.create(
          "https://s3-" + region + ".amazonaws.com/aws-elb-public-keys-prod-" + region);
    }
    return URI.create("https://public-keys.auth.elb." + region + ".amazonaws.com");
  }
}
