package io.github.iapverifier.parity;

import io.github.iapverifier.IapVerifier;
import java.net.URI;

/** The verifier a plain servlet app builds in code from the {@link ParitySettings}. */
public final class ParityVerifiers {

  private ParityVerifiers() {}

  /**
   * Builds the verifier the settings describe, with the proxy's typed builder.
   *
   * @param s the settings
   * @return a new verifier; close it with the app
   */
  public static IapVerifier build(ParitySettings s) {
    return switch (s.proxy()) {
      case GOOGLE_IAP ->
          IapVerifier.builder()
              .audiences(s.property("iap.audiences"))
              .jwksUri(URI.create(s.property("iap.jwks-uri")))
              .allowedHostedDomains(s.property("iap.allowed-hosted-domains"))
              .build();
      case CLOUDFLARE_ACCESS ->
          IapVerifier.cloudflareAccess()
              .teamDomain(s.property("iap.cloudflare-access.team-domain"))
              .audiences(s.property("iap.cloudflare-access.audiences"))
              .jwksUri(URI.create(s.property("iap.cloudflare-access.jwks-uri")))
              .build();
      case AWS_ALB ->
          IapVerifier.awsAlb()
              .region(s.property("iap.aws-alb.region"))
              .signers(s.property("iap.aws-alb.signers"))
              .clientIds(s.property("iap.aws-alb.client-ids"))
              .keyEndpoint(URI.create(s.property("iap.aws-alb.key-endpoint")))
              .build();
      case POMERIUM ->
          IapVerifier.pomerium()
              .routeHost(s.property("iap.pomerium.route-host"))
              .algorithm(s.property("iap.pomerium.algorithm"))
              .jwksUri(URI.create(s.property("iap.pomerium.jwks-uri")))
              .build();
    };
  }
}
