package io.github.iapverifier.test;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import io.github.iapverifier.AwsAlbBuilder;
import io.github.iapverifier.IapVerifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;

/**
 * A fake AWS Application Load Balancer with OIDC authentication, for tests: it holds real P-256
 * keys, serves each public key as PEM at {@code /<kid>} over real HTTP on a loopback port (as
 * {@code https://public-keys.auth.elb.<region>.amazonaws.com/<kid>} does), and mints {@code
 * x-amzn-oidc-data} tokens exactly in the load balancer's format: ES256 with {@code signer} (the
 * load balancer's ARN), {@code client}, {@code iss} and {@code exp} in the JOSE header, every
 * segment base64url <em>with</em> {@code =} padding and the signature over the padded text, and the
 * identity provider's user info as payload ({@code sub}, {@code email}, {@code username}, {@code
 * email_verified} as the string {@code "true"}; no {@code iat}).
 *
 * <pre>{@code
 * try (FakeAwsAlb alb = FakeAwsAlb.start()) {
 *   IapVerifier verifier = alb.verifierBuilder().build();
 *   String data = alb.token().email("ana@example.com").build();
 *   assertThat(verifier.verify(data).email()).isEqualTo("ana@example.com");
 * }
 * }</pre>
 *
 * <p>Key ids are random UUIDs, as the load balancer's. {@link #rotateKeys()} signs with a new key
 * id and keeps serving the old ones (a key id's key never changes); {@link #retireOldKeys()} stops
 * serving them (404). {@link #keySource()} gives the same keys without HTTP.
 *
 * <p>Thread-safe. {@link #close()} stops the key endpoint.
 */
public final class FakeAwsAlb extends FakeProxy {

  /** The region the verifier is configured with unless another is given. */
  public static final String DEFAULT_REGION = "us-east-1";

  /** The load balancer ARN put in {@code signer} unless another is given. */
  public static final String DEFAULT_SIGNER =
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/fake-alb/50dc6c495c0c9188";

  /** The OIDC client id put in {@code client} unless another is given. */
  public static final String DEFAULT_CLIENT_ID = "7fakealbclientid0123456789";

  /** The identity provider put in {@code iss} unless another is given (an Amazon Cognito pool). */
  public static final String DEFAULT_ISSUER =
      "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_FakeAlb01";

  private final String region;
  private final String signer;
  private final String clientId;
  private final String issuer;

  private FakeAwsAlb(Builder builder) {
    super(builder.clock, KeyRing::es256UuidId, "/", "fake AWS ALB");
    this.region = builder.region;
    this.signer = builder.signer;
    this.clientId = builder.clientId;
    this.issuer = builder.issuer;
  }

  /**
   * Starts a fake load balancer with the defaults ({@link #DEFAULT_SIGNER}, {@link
   * #DEFAULT_CLIENT_ID}, {@link #DEFAULT_ISSUER}) on the system clock.
   *
   * @return the running fake; close it when done
   */
  public static FakeAwsAlb start() {
    return builder().start();
  }

  /**
   * Starts configuring a fake load balancer.
   *
   * @return a new builder, not thread-safe
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the base URI of the key endpoint: the key of id {@code KID} is at {@code
   * <keyEndpoint>/KID}. Give it to the verifier in place of the region's endpoint.
   *
   * @return {@code http://127.0.0.1:PORT} (the loopback address), never null
   */
  public URI keyEndpoint() {
    return endpoint().baseUri();
  }

  /**
   * Returns the region a verifier of this fake is configured with (its keys come from {@link
   * #keyEndpoint()} all the same).
   *
   * @return the region, never null
   */
  public String region() {
    return region;
  }

  /**
   * Returns the load balancer ARN tokens carry in {@code signer} by default.
   *
   * @return the ARN, never null
   */
  public String signer() {
    return signer;
  }

  /**
   * Returns the OIDC client id tokens carry in {@code client} by default.
   *
   * @return the client id, never null
   */
  public String clientId() {
    return clientId;
  }

  /**
   * Returns the identity provider tokens carry in {@code iss} by default.
   *
   * @return the issuer URL, never null
   */
  public String issuer() {
    return issuer;
  }

  /**
   * Returns the public key of a key id as the key endpoint serves it: PEM ({@code BEGIN PUBLIC
   * KEY}, X.509 SubjectPublicKeyInfo).
   *
   * @param keyId a key id, not null
   * @return the PEM text, or null if no such key is served
   */
  public String publicKeyPem(String keyId) {
    JWK key = keys().published().get(Objects.requireNonNull(keyId, "keyId"));
    return key == null ? null : pem((ECKey) key);
  }

  /**
   * Returns a verifier builder configured against this fake: its region, signer, client id and
   * issuer, with {@link #keyEndpoint()} in place of the region's key endpoint. Add settings and
   * build.
   *
   * @return a new builder
   */
  public AwsAlbBuilder verifierBuilder() {
    return IapVerifier.awsAlb()
        .region(region)
        .keyEndpoint(keyEndpoint())
        .signers(signer)
        .clientIds(clientId)
        .issuers(issuer);
  }

  /**
   * Starts minting an {@code x-amzn-oidc-data} token: this fake's signer, client and issuer, the
   * user {@code user@example.com} (username {@code user}, a UUID subject derived from the email),
   * expiring 2 minutes from now, signed by the current key.
   *
   * @return a token builder
   */
  public AwsAlbTokenBuilder token() {
    return new AwsAlbTokenBuilder(this);
  }

  /**
   * Returns how many times the key endpoint was requested, for any key id.
   *
   * @return the request count
   */
  public int keyRequests() {
    return endpoint().requests();
  }

  @Override
  KeyEndpoint.Answer answer(String path) {
    String pem = path.length() > 1 ? publicKeyPem(path.substring(1)) : null;
    return pem == null ? null : new KeyEndpoint.Answer(pem, "text/plain", null);
  }

  private static String pem(ECKey key) {
    try {
      String body =
          Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(key.toECPublicKey().getEncoded());
      return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Configures a {@link FakeAwsAlb}. Not thread-safe. */
  public static final class Builder {
    private String region = DEFAULT_REGION;
    private String signer = DEFAULT_SIGNER;
    private String clientId = DEFAULT_CLIENT_ID;
    private String issuer = DEFAULT_ISSUER;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Sets the region the verifier is configured with. Default {@value #DEFAULT_REGION}.
     *
     * @param region such as {@code eu-central-1}, not null
     * @return this builder
     */
    public Builder region(String region) {
      this.region = Objects.requireNonNull(region, "region");
      return this;
    }

    /**
     * Sets the load balancer ARN tokens carry in {@code signer}. Default {@link #DEFAULT_SIGNER}.
     *
     * @param signer the ARN, not null
     * @return this builder
     */
    public Builder signer(String signer) {
      this.signer = Objects.requireNonNull(signer, "signer");
      return this;
    }

    /**
     * Sets the OIDC client id tokens carry in {@code client}. Default {@link #DEFAULT_CLIENT_ID}.
     *
     * @param clientId the client id, not null
     * @return this builder
     */
    public Builder clientId(String clientId) {
      this.clientId = Objects.requireNonNull(clientId, "clientId");
      return this;
    }

    /**
     * Sets the identity provider tokens carry in {@code iss}. Default {@link #DEFAULT_ISSUER}.
     *
     * @param issuer the issuer URL, not null
     * @return this builder
     */
    public Builder issuer(String issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      return this;
    }

    /**
     * Sets the clock that dates minted tokens. Default: the system UTC clock.
     *
     * @param clock the clock, not null
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Starts the fake.
     *
     * @return the running fake; close it when done
     */
    public FakeAwsAlb start() {
      FakeAwsAlb fake = new FakeAwsAlb(this);
      fake.warmUpOnce(
          URI.create(fake.keyEndpoint() + "/" + fake.currentKeyId()),
          () -> {
            try (IapVerifier verifier =
                fake.verifierBuilder().keySource(fake.keySource()).build()) {
              verifier.verify(fake.token().build());
            }
          });
      return fake;
    }
  }
}
