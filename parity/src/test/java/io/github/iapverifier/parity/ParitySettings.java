package io.github.iapverifier.parity;

import java.net.URI;

/**
 * The IAP settings every configuration of the {@link ParitySuite} is started with, to be applied in
 * its own terms (builder calls, init-params, {@code iap.*} properties).
 *
 * @param audience the audience to accept ({@code iap.audiences})
 * @param jwksUri where the keys are ({@code iap.jwks-uri})
 * @param excludedPath the one excluded path ({@code iap.excluded-paths})
 * @param allowedHostedDomain the one Workspace domain allowed ({@code iap.allowed-hosted-domains})
 */
public record ParitySettings(
    String audience, URI jwksUri, String excludedPath, String allowedHostedDomain) {}
