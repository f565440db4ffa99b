package io.github.iapverifier.parity;

import io.github.iapverifier.IapProxy;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.test.FakeAwsAlb;
import io.github.iapverifier.test.FakeCloudflareAccess;
import io.github.iapverifier.test.FakePomerium;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A proxy other than Google IAP, played by the test kit's fake, for the {@link ProxyParitySuite}:
 * the settings that make an app trust it, and the tokens of each case. The fakes serve their keys
 * over real HTTP; an app verifies everything as in production.
 */
abstract class ParityProxy implements AutoCloseable {

  static final String EXCLUDED_PATH = "/healthz";

  /** Starts the fake of a proxy. */
  static ParityProxy start(IapProxy proxy) {
    return switch (proxy) {
      case CLOUDFLARE_ACCESS -> new Cloudflare();
      case AWS_ALB -> new Alb();
      case POMERIUM -> new Pomerium();
      case GOOGLE_IAP -> throw new IllegalArgumentException("Google IAP is the ParitySuite's own");
    };
  }

  abstract IapProxy proxy();

  /** The {@code iap.*} properties of the proxy, without the excluded path. */
  abstract Map<String, String> properties();

  ParitySettings settings() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("iap.proxy", proxy().configName());
    properties.putAll(properties());
    properties.put("iap.excluded-paths", EXCLUDED_PATH);
    return new ParitySettings(proxy(), properties);
  }

  abstract String valid(String email);

  abstract String expired(String email);

  /** A token for another application (for AWS ALB: from another load balancer). */
  abstract String foreign(String email);

  /** What {@link #foreign} is rejected with. */
  Reason foreignReason() {
    return Reason.WRONG_AUDIENCE;
  }

  /** Signed with a key that is not published, under a published key's id. */
  abstract String forged(String email);

  /**
   * The {@link Echo} {@code unsigned} part of a verified request that carried a forged value of
   * every proxy's unsigned headers ({@link ProxyParitySuite#FORGED_UNSIGNED}).
   */
  abstract String unsignedSeenBy(String email, String subject);

  static final class Cloudflare extends ParityProxy {
    private final FakeCloudflareAccess fake = FakeCloudflareAccess.start();

    @Override
    IapProxy proxy() {
      return IapProxy.CLOUDFLARE_ACCESS;
    }

    @Override
    Map<String, String> properties() {
      return Map.of(
          "iap.cloudflare-access.team-domain", fake.teamDomain(),
          "iap.cloudflare-access.audiences", fake.audience(),
          "iap.cloudflare-access.jwks-uri", fake.jwksUri().toString());
    }

    @Override
    String valid(String email) {
      return fake.token().email(email).build();
    }

    @Override
    String expired(String email) {
      return fake.token().email(email).issuedAt(Instant.now().minus(Duration.ofDays(2))).build();
    }

    @Override
    String foreign(String email) {
      return fake.token().email(email).audience("0".repeat(64)).build();
    }

    @Override
    String forged(String email) {
      return fake.token().email(email).signedWithUnpublishedKey().build();
    }

    @Override
    String unsignedSeenBy(String email, String subject) {
      return "cf-access-authenticated-user-email:" + email;
    }

    @Override
    public void close() {
      fake.close();
    }
  }

  static final class Alb extends ParityProxy {
    private final FakeAwsAlb fake = FakeAwsAlb.start();

    @Override
    IapProxy proxy() {
      return IapProxy.AWS_ALB;
    }

    @Override
    Map<String, String> properties() {
      return Map.of(
          "iap.aws-alb.region", fake.region(),
          "iap.aws-alb.signers", fake.signer(),
          "iap.aws-alb.client-ids", fake.clientId(),
          "iap.aws-alb.key-endpoint", fake.keyEndpoint().toString());
    }

    @Override
    String valid(String email) {
      return fake.token().email(email).build();
    }

    @Override
    String expired(String email) {
      return fake.token().email(email).issuedAt(Instant.now().minus(Duration.ofHours(1))).build();
    }

    @Override
    String foreign(String email) {
      return fake.token().email(email).signer(fake.signer().replace("fake-alb", "other")).build();
    }

    @Override
    Reason foreignReason() {
      return Reason.WRONG_SIGNER;
    }

    @Override
    String forged(String email) {
      return fake.token().email(email).signedWithUnpublishedKey().build();
    }

    @Override
    String unsignedSeenBy(String email, String subject) {
      // The IdP's access token cannot be verified; a verified ALB request passes it on as sent.
      return "x-amzn-oidc-identity:" + subject + ",x-amzn-oidc-accesstoken:forged-access-token";
    }

    @Override
    public void close() {
      fake.close();
    }
  }

  static final class Pomerium extends ParityProxy {
    private final FakePomerium fake = FakePomerium.start();

    @Override
    IapProxy proxy() {
      return IapProxy.POMERIUM;
    }

    @Override
    Map<String, String> properties() {
      return Map.of(
          "iap.pomerium.route-host", fake.routeHost(),
          "iap.pomerium.algorithm", fake.algorithm(),
          "iap.pomerium.jwks-uri", fake.jwksUri().toString());
    }

    @Override
    String valid(String email) {
      return fake.token().email(email).build();
    }

    @Override
    String expired(String email) {
      return fake.token().email(email).issuedAt(Instant.now().minus(Duration.ofHours(1))).build();
    }

    @Override
    String foreign(String email) {
      return fake.token().email(email).audience("other." + fake.routeHost()).build();
    }

    @Override
    String forged(String email) {
      return fake.token().email(email).signedWithUnpublishedKey().build();
    }

    @Override
    String unsignedSeenBy(String email, String subject) {
      // A claim header the request carried is set to the verified claim.
      return "x-pomerium-claim-email:" + email;
    }

    @Override
    public void close() {
      fake.close();
    }
  }
}
