package io.github.iapverifier.benchmarks;

import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;
import com.google.api.client.testing.http.MockHttpTransport;
import com.google.api.client.testing.http.MockLowLevelHttpRequest;
import com.google.api.client.testing.http.MockLowLevelHttpResponse;
import com.google.auth.oauth2.TokenVerifier;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.github.iapverifier.IapKeySource;
import io.github.iapverifier.IapVerifier;
import java.text.ParseException;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.lang.JoseException;
import org.springframework.http.MediaType;
import org.springframework.http.RequestEntity;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.web.client.RestTemplate;
import reactor.core.publisher.Flux;

/**
 * The verifiers under comparison, each configured the way its documentation tells IAP users to,
 * except that keys come from the {@link Fixtures} JWKS instead of the network and the clock is
 * fixed at {@link Fixtures#NOW}. The benchmarks and {@code PeersAcceptAndRejectTest} both build
 * their verifiers here, so the test proves exactly the objects that are timed.
 *
 * <ul>
 *   <li>Google's {@link TokenVerifier}: Google's "Securing your app with signed headers" sample,
 *       {@code TokenVerifier.newBuilder().setAudience(aud).setIssuer(iss).build()}. It fetches
 *       {@value Fixtures#JWKS_URL} for ES256 tokens through an {@code HttpTransportFactory}; we
 *       hand it google-http-client's {@link MockHttpTransport}, which answers that URL with the
 *       fixture JWKS from memory, so its real fetch, JWKS parsing and one-hour key cache all run,
 *       with no socket. {@code setPublicKey} would also work but would skip the key lookup by
 *       {@code kid} that IAP users get.
 *   <li>Spring Security's {@link NimbusJwtDecoder}, as the spring-cloud-gcp IAP starter builds it:
 *       {@code withJwkSetUri(registry).jwsAlgorithm(ES256).build()} with a {@link
 *       DelegatingOAuth2TokenValidator} of {@link JwtTimestampValidator}, {@link
 *       JwtIssuerValidator} and an audience validator. Its {@code RestOperations} is a {@link
 *       RestTemplate} whose {@code exchange} answers from memory, so Spring's JWK source, nimbus's
 *       JWKS cache and the lock around them run as in production.
 *   <li>Plain nimbus-jose-jwt {@link DefaultJWTProcessor} with {@link ImmutableJWKSet}, an ES256
 *       {@link JWSVerificationKeySelector} and a {@link DefaultJWTClaimsVerifier} for issuer,
 *       audience and the required claims (nimbus's documented set-up).
 *   <li>jose4j's {@link JwtConsumer} from {@link JwtConsumerBuilder}, with a {@link
 *       JwksVerificationKeyResolver} over the JWKS, ES256 only, issuer, audience, {@code exp} and
 *       {@code iat} required (jose4j's documented set-up, with the fixed key set instead of {@code
 *       HttpsJwksVerificationKeyResolver}).
 *   <li>iap-verifier, from {@code IapVerifier.builder()} with {@link IapKeySource#fromJwks}.
 * </ul>
 *
 * <p>All of these are thread-safe once built, as their documentation states.
 */
public final class Peers {

  private Peers() {}

  /**
   * Builds iap-verifier.
   *
   * @param fx the fixtures
   * @param tokenCacheSize verified-token cache size, 0 for off
   * @return the verifier
   */
  public static IapVerifier iapVerifier(Fixtures fx, long tokenCacheSize) {
    return IapVerifier.builder()
        .audiences(Fixtures.AUDIENCE)
        .keySource(IapKeySource.fromJwks(fx.jwks()))
        .clock(Fixtures.CLOCK)
        .tokenCacheSize(tokenCacheSize)
        .build();
  }

  /**
   * Builds Google's {@link TokenVerifier} as Google's IAP sample does, fed by an in-memory
   * transport.
   *
   * @param fx the fixtures
   * @param fetches counts the JWKS fetches the verifier makes, not null
   * @return the verifier
   */
  public static TokenVerifier googleTokenVerifier(Fixtures fx, AtomicInteger fetches) {
    MockHttpTransport transport =
        new MockHttpTransport() {
          @Override
          public LowLevelHttpRequest buildRequest(String method, String url) {
            return new MockLowLevelHttpRequest(url) {
              @Override
              public LowLevelHttpResponse execute() {
                // Any URL but Google's key set would mean the verifier is not on its IAP path.
                if (!Fixtures.JWKS_URL.equals(url)) {
                  return new MockLowLevelHttpResponse().setStatusCode(404);
                }
                fetches.incrementAndGet();
                return new MockLowLevelHttpResponse()
                    .setContentType("application/json")
                    .setContent(fx.jwks());
              }
            };
          }
        };
    return TokenVerifier.newBuilder()
        .setAudience(Fixtures.AUDIENCE)
        .setIssuer(Fixtures.ISSUER)
        .setClock(Fixtures.NOW::toEpochMilli)
        .setHttpTransportFactory(() -> transport)
        .build();
  }

  /**
   * Builds Spring Security's decoder as the spring-cloud-gcp IAP starter does.
   *
   * @param fx the fixtures
   * @param fetches counts the JWKS fetches the decoder makes, not null
   * @return the decoder
   */
  public static NimbusJwtDecoder springNimbusJwtDecoder(Fixtures fx, AtomicInteger fetches) {
    RestTemplate inMemory =
        new RestTemplate() {
          @Override
          @SuppressWarnings("unchecked")
          public <T> ResponseEntity<T> exchange(RequestEntity<?> request, Class<T> responseType) {
            if (!Fixtures.JWKS_URL.equals(request.getUrl().toString())
                || responseType != String.class) {
              throw new IllegalStateException("unexpected fetch " + request.getUrl());
            }
            fetches.incrementAndGet();
            return (ResponseEntity<T>)
                ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(fx.jwks());
          }
        };
    NimbusJwtDecoder decoder =
        NimbusJwtDecoder.withJwkSetUri(Fixtures.JWKS_URL)
            .jwsAlgorithm(SignatureAlgorithm.from("ES256"))
            .restOperations(inMemory)
            .build();
    decoder.setJwtValidator(springValidators());
    return decoder;
  }

  /**
   * Builds Spring Security's reactive decoder with the validators of {@link
   * #springNimbusJwtDecoder}, over the fixture keys held in memory: what a WebFlux app behind IAP
   * assembles with Spring Security's reactive resource server.
   *
   * @param fx the fixtures
   * @return the decoder
   */
  public static NimbusReactiveJwtDecoder springReactiveJwtDecoder(Fixtures fx) {
    JWKSet keys;
    try {
      keys = JWKSet.parse(fx.jwks());
    } catch (ParseException e) {
      throw new IllegalStateException(e);
    }
    NimbusReactiveJwtDecoder decoder =
        NimbusReactiveJwtDecoder.withJwkSource(jwt -> Flux.fromIterable(keys.getKeys()))
            .jwsAlgorithm(SignatureAlgorithm.from("ES256"))
            .build();
    decoder.setJwtValidator(springValidators());
    return decoder;
  }

  /** Timestamps (at the fixture clock), issuer and audience, as spring-cloud-gcp configures. */
  private static OAuth2TokenValidator<Jwt> springValidators() {
    JwtTimestampValidator timestamps = new JwtTimestampValidator();
    timestamps.setClock(Fixtures.CLOCK);
    List<OAuth2TokenValidator<Jwt>> validators =
        List.of(timestamps, new JwtIssuerValidator(Fixtures.ISSUER), new AudienceValidator());
    return new DelegatingOAuth2TokenValidator<>(validators);
  }

  /**
   * Builds a plain nimbus-jose-jwt processor over the fixture JWKS.
   *
   * @param fx the fixtures
   * @return the processor
   */
  public static DefaultJWTProcessor<SecurityContext> nimbusJwtProcessor(Fixtures fx) {
    JWKSet keys;
    try {
      keys = JWKSet.parse(fx.jwks());
    } catch (ParseException e) {
      throw new IllegalStateException(e);
    }
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, new ImmutableJWKSet<>(keys)));
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            Fixtures.AUDIENCE,
            new JWTClaimsSet.Builder().issuer(Fixtures.ISSUER).build(),
            Set.of("sub", "email", "iat", "exp")) {
          @Override
          protected Date currentTime() {
            return Date.from(Fixtures.NOW);
          }
        });
    return processor;
  }

  /**
   * Builds a jose4j consumer over the fixture JWKS.
   *
   * @param fx the fixtures
   * @return the consumer
   */
  public static JwtConsumer jose4jJwtConsumer(Fixtures fx) {
    JsonWebKeySet keys;
    try {
      keys = new JsonWebKeySet(fx.jwks());
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
    return new JwtConsumerBuilder()
        .setRequireExpirationTime()
        .setRequireIssuedAt()
        .setRequireSubject()
        .setAllowedClockSkewInSeconds(30)
        .setExpectedIssuer(Fixtures.ISSUER)
        .setExpectedAudience(Fixtures.AUDIENCE)
        .setVerificationKeyResolver(new JwksVerificationKeyResolver(keys.getJsonWebKeys()))
        .setJwsAlgorithmConstraints(
            AlgorithmConstraints.ConstraintType.PERMIT,
            AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
        .setEvaluationTime(NumericDate.fromSeconds(Fixtures.NOW.getEpochSecond()))
        .build();
  }

  /** The starter's audience check: the configured audience must be among the token's. */
  private static final class AudienceValidator implements OAuth2TokenValidator<Jwt> {
    private static final OAuth2Error ERROR =
        new OAuth2Error(
            "invalid_token", "This aud claim is not equal to the configured audience", null);

    @Override
    public OAuth2TokenValidatorResult validate(Jwt token) {
      List<String> audience = token.getAudience();
      return audience != null && audience.contains(Fixtures.AUDIENCE)
          ? OAuth2TokenValidatorResult.success()
          : OAuth2TokenValidatorResult.failure(ERROR);
    }
  }
}
