package io.github.iapverifier.emulator;

import io.github.iapverifier.IapAudience;
import io.github.iapverifier.IapProxy;
import io.github.iapverifier.test.AwsAlbTokenBuilder;
import io.github.iapverifier.test.CloudflareAccessTokenBuilder;
import io.github.iapverifier.test.FakeAwsAlb;
import io.github.iapverifier.test.FakeCloudflareAccess;
import io.github.iapverifier.test.FakeIap;
import io.github.iapverifier.test.FakeIap.SecureTokenTest;
import io.github.iapverifier.test.FakePomerium;
import io.github.iapverifier.test.PomeriumTokenBuilder;
import io.github.iapverifier.test.TokenBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The proxy the emulator plays: its keys (served on the emulator's own port, at the proxy's path),
 * the headers it adds to a forwarded request (its signed assertion and its unsigned identity
 * headers), and the settings an app needs to trust it. The tokens are minted by the test kit's fake
 * of that proxy. Thread-safe.
 */
abstract class EmulatedProxy implements AutoCloseable {

  /** A key response: body, content type and {@code Cache-Control} (null for none). */
  record Keys(String body, String contentType, String cacheControl) {}

  /** Where the app finds the keys, relative to the emulator's base URI. */
  abstract String keyPath();

  /**
   * The keys served at {@code path}: null if it is not a key path, a null body if it is but names
   * no key (404).
   */
  abstract Keys keys(String path);

  /**
   * The headers of a forwarded request for this user; with {@code test} not null (and not {@code
   * NOT_SET}) the assertion is that self-test case's invalid one.
   */
  abstract Map<String, String> headers(EmulatedUser user, SecureTokenTest test);

  /** What the app is configured with: (Spring Boot property, servlet init-param, value). */
  abstract List<String[]> settings(URI base);

  /** The proxy played. */
  abstract IapProxy proxy();

  @Override
  public abstract void close();

  /** The header names a client's request may never carry through the emulator, folded. */
  static boolean isProxyHeader(String folded) {
    return folded.startsWith("x-goog-")
        || folded.startsWith("cf-access-")
        || folded.startsWith("x-amzn-oidc-")
        || folded.startsWith("x-pomerium-");
  }

  /**
   * Checks the settings before anything is started.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static void check(IapProxy proxy, String audience) {
    if (proxy == IapProxy.GOOGLE_IAP && audience != null) {
      IapAudience.of(audience);
    }
    if (proxy == IapProxy.AWS_ALB && audience != null) {
      throw new IllegalArgumentException(
          "--audience does not apply to aws-alb: its tokens are bound to the load balancer's ARN,"
              + " which the app checks (printed at start-up)");
    }
  }

  static EmulatedProxy of(IapProxy proxy, String audience) {
    return switch (proxy) {
      case GOOGLE_IAP -> new Google(audience);
      case CLOUDFLARE_ACCESS -> new Cloudflare(audience);
      case AWS_ALB -> new Alb();
      case POMERIUM -> new Pomerium(audience);
    };
  }

  /** Google IAP: the assertion and the legacy {@code x-goog-authenticated-user-*} headers. */
  static final class Google extends EmulatedProxy {
    private final FakeIap iap;

    Google(String audience) {
      this.iap =
          FakeIap.builder()
              .audience(IapAudience.of(audience != null ? audience : Emulator.DEFAULT_AUDIENCE))
              .start();
    }

    @Override
    IapProxy proxy() {
      return IapProxy.GOOGLE_IAP;
    }

    @Override
    String keyPath() {
      return FakeIap.JWKS_PATH;
    }

    @Override
    Keys keys(String path) {
      return path.equals(FakeIap.JWKS_PATH)
          ? new Keys(iap.jwksJson(), "application/json", "public, max-age=300")
          : null;
    }

    @Override
    Map<String, String> headers(EmulatedUser user, SecureTokenTest test) {
      TokenBuilder token =
          iap.token()
              .email(user.email())
              .subject(user.subject())
              .hostedDomain(user.hostedDomain().orElse(null))
              .accessLevels(user.accessLevels().toArray(String[]::new));
      if (test != null) {
        token.secureTokenTest(test);
      }
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put(IapProxy.GOOGLE_IAP.header(), token.build());
      headers.put("x-goog-authenticated-user-email", "accounts.google.com:" + user.email());
      headers.put("x-goog-authenticated-user-id", user.subject());
      return headers;
    }

    @Override
    List<String[]> settings(URI base) {
      String jwks = base + FakeIap.JWKS_PATH;
      return List.of(
          new String[] {"iap.jwks-uri", "jwks-uri", jwks},
          new String[] {"iap.audiences", "audiences", iap.audience().value()});
    }

    @Override
    public void close() {
      iap.close();
    }
  }

  /** Cloudflare Access: the assertion and {@code Cf-Access-Authenticated-User-Email}. */
  static final class Cloudflare extends EmulatedProxy {
    private final FakeCloudflareAccess access;

    Cloudflare(String audience) {
      FakeCloudflareAccess.Builder builder = FakeCloudflareAccess.builder();
      if (audience != null) {
        builder.audience(audience);
      }
      this.access = builder.start();
    }

    @Override
    IapProxy proxy() {
      return IapProxy.CLOUDFLARE_ACCESS;
    }

    @Override
    String keyPath() {
      return FakeCloudflareAccess.CERTS_PATH;
    }

    @Override
    Keys keys(String path) {
      return path.equals(FakeCloudflareAccess.CERTS_PATH)
          ? new Keys(access.jwksJson(), "application/json", null)
          : null;
    }

    @Override
    Map<String, String> headers(EmulatedUser user, SecureTokenTest test) {
      CloudflareAccessTokenBuilder token = access.token().email(user.email());
      Instant now = Instant.now();
      switch (test == null ? SecureTokenTest.NOT_SET : test) {
        case SIGNATURE -> token.signedWithUnpublishedKey();
        case FUTURE_ISSUE -> token.issuedAt(now.plus(Duration.ofMinutes(5)));
        case PAST_EXPIRATION -> token.issuedAt(now.minus(Duration.ofHours(25)));
        case ISSUER -> token.issuer("https://not-" + access.teamDomain().substring(8));
        case AUDIENCE -> token.audience("0".repeat(64));
        default -> {}
      }
      return Map.of(
          IapProxy.CLOUDFLARE_ACCESS.header(),
          token.build(),
          "Cf-Access-Authenticated-User-Email",
          user.email());
    }

    @Override
    List<String[]> settings(URI base) {
      return List.of(
          new String[] {"iap.proxy", "proxy", "cloudflare-access"},
          new String[] {"iap.cloudflare-access.team-domain", "team-domain", access.teamDomain()},
          new String[] {"iap.cloudflare-access.audiences", "audiences", access.audience()},
          new String[] {
            "iap.cloudflare-access.jwks-uri", "jwks-uri", base + FakeCloudflareAccess.CERTS_PATH
          });
    }

    @Override
    public void close() {
      access.close();
    }
  }

  /** AWS ALB: {@code x-amzn-oidc-data} and {@code x-amzn-oidc-identity}; PEM keys per kid. */
  static final class Alb extends EmulatedProxy {
    /** Under the emulator's own prefix: a key id at the root would shadow the app's paths. */
    static final String KEYS_PATH = "/_gcp_iap/aws-alb-keys";

    private final FakeAwsAlb alb;

    Alb() {
      this.alb = FakeAwsAlb.start();
    }

    @Override
    IapProxy proxy() {
      return IapProxy.AWS_ALB;
    }

    @Override
    String keyPath() {
      return KEYS_PATH;
    }

    @Override
    Keys keys(String path) {
      if (!path.startsWith(KEYS_PATH + "/")) {
        return null;
      }
      String pem = alb.publicKeyPem(path.substring(KEYS_PATH.length() + 1));
      return pem == null ? new Keys(null, null, null) : new Keys(pem, "text/plain", null);
    }

    @Override
    Map<String, String> headers(EmulatedUser user, SecureTokenTest test) {
      // As the load balancer passes it on: the IdP's subject, here a UUID stable for the email.
      String subject =
          UUID.nameUUIDFromBytes(user.email().getBytes(StandardCharsets.UTF_8)).toString();
      AwsAlbTokenBuilder token = alb.token().email(user.email()).subject(subject);
      Instant now = Instant.now();
      switch (test == null ? SecureTokenTest.NOT_SET : test) {
        case SIGNATURE -> token.signedWithUnpublishedKey();
        // ALB's tokens have no iat, and their times are in the JOSE header: not valid yet.
        case FUTURE_ISSUE -> token.header("nbf", now.plus(Duration.ofMinutes(5)).getEpochSecond());
        case PAST_EXPIRATION -> token.issuedAt(now.minus(Duration.ofMinutes(20)));
        // An app checks the issuer only if it lists issuers; it always checks the client id.
        case ISSUER -> token.client("another-oidc-client");
        // No audience: the load balancer's ARN is what binds the token to this app.
        case AUDIENCE -> token.signer(FakeAwsAlb.DEFAULT_SIGNER.replace("fake-alb", "other-alb"));
        default -> {}
      }
      return Map.of(IapProxy.AWS_ALB.header(), token.build(), "x-amzn-oidc-identity", subject);
    }

    @Override
    List<String[]> settings(URI base) {
      return List.of(
          new String[] {"iap.proxy", "proxy", "aws-alb"},
          new String[] {"iap.aws-alb.region", "region", alb.region()},
          new String[] {"iap.aws-alb.signers", "signers", alb.signer()},
          new String[] {"iap.aws-alb.client-ids", "client-ids", alb.clientId()},
          new String[] {"iap.aws-alb.key-endpoint", "key-endpoint", base + KEYS_PATH});
    }

    @Override
    public void close() {
      alb.close();
    }
  }

  /** Pomerium: {@code X-Pomerium-Jwt-Assertion}. */
  static final class Pomerium extends EmulatedProxy {
    private final FakePomerium pomerium;

    Pomerium(String audience) {
      FakePomerium.Builder builder = FakePomerium.builder();
      if (audience != null) {
        builder.routeHost(audience);
      }
      this.pomerium = builder.start();
    }

    @Override
    IapProxy proxy() {
      return IapProxy.POMERIUM;
    }

    @Override
    String keyPath() {
      return FakePomerium.JWKS_PATH;
    }

    @Override
    Keys keys(String path) {
      return path.equals(FakePomerium.JWKS_PATH)
          ? new Keys(pomerium.jwksJson(), "application/json", "max-age=60")
          : null;
    }

    @Override
    Map<String, String> headers(EmulatedUser user, SecureTokenTest test) {
      PomeriumTokenBuilder token = pomerium.token().email(user.email());
      Instant now = Instant.now();
      switch (test == null ? SecureTokenTest.NOT_SET : test) {
        case SIGNATURE -> token.signedWithUnpublishedKey();
        case FUTURE_ISSUE -> token.issuedAt(now.plus(Duration.ofMinutes(5)));
        case PAST_EXPIRATION -> token.issuedAt(now.minus(Duration.ofMinutes(20)));
        case ISSUER -> token.issuer("not-" + pomerium.routeHost());
        case AUDIENCE -> token.audience("other-" + pomerium.routeHost());
        default -> {}
      }
      return Map.of(IapProxy.POMERIUM.header(), token.build());
    }

    @Override
    List<String[]> settings(URI base) {
      return List.of(
          new String[] {"iap.proxy", "proxy", "pomerium"},
          new String[] {"iap.pomerium.route-host", "route-host", pomerium.routeHost()},
          new String[] {"iap.pomerium.algorithm", "algorithm", pomerium.algorithm()},
          new String[] {"iap.pomerium.jwks-uri", "jwks-uri", base + FakePomerium.JWKS_PATH});
    }

    @Override
    public void close() {
      pomerium.close();
    }
  }
}
