package io.github.iapverifier.benchmarks;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.github.iapverifier.IapKeySource;
import io.github.iapverifier.IapVerifier;
import java.util.Date;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Each proxy's assertions verified by iap-verifier's verifier for that proxy, and by what a user of
 * that proxy would pick instead: a nimbus-jose-jwt {@link DefaultJWTProcessor} with the proxy's
 * keys in memory, the proxy's algorithm, and the same claim checks (plus, for AWS ALB, the signer
 * in the JOSE header, which the processor does not see). Same tokens, same keys, no network.
 *
 * <ul>
 *   <li>{@code proxy}: {@code googleIap} (ES256), {@code cloudflareAccess} (RS256, 2048-bit key),
 *       {@code awsAlb} (ES256, padded base64url, signer and expiry in the header), {@code
 *       pomerium} (ES256); tokens as {@link Fixtures} and {@link ProxyFixtures} mint them.
 *   <li>{@code assertion}: {@code repeated} (copies of one token: iap-verifier's token cache
 *       answers; nimbus has none) or {@code neverSeen} (1,024 distinct tokens, iap-verifier's cache
 *       off).
 * </ul>
 *
 * <p>The set-up fails the trial unless both accept the pool and reject a token whose signature
 * was changed; {@code ProxyBenchmarkTest} checks the same in {@code ./mvnw verify}.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ProxyBenchmark -t 1 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ProxyBenchmark {

  static final int POOL = 1024;

  /** Which proxy's assertions. */
  @Param({"googleIap", "cloudflareAccess", "awsAlb", "pomerium"})
  public String proxy;

  /** A repeated or a never-seen assertion. */
  @Param({"repeated", "neverSeen"})
  public String assertion;

  String[] pool;
  IapVerifier verifier;
  Peer nimbus;

  /** What the user would run instead: verifies or throws. */
  @FunctionalInterface
  interface Peer {
    Object verify(String token) throws Exception;
  }

  /** Builds the pool and both verifiers, and fails unless both verify as expected. */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    boolean neverSeen = "neverSeen".equals(assertion);
    long cacheSize = neverSeen ? 0 : IapVerifier.Builder.DEFAULT_TOKEN_CACHE_SIZE;
    switch (proxy) {
      case "googleIap" -> {
        Fixtures fx = Fixtures.create();
        pool = neverSeen ? fx.mintPool(0, POOL) : Fixtures.copies(fx.mint(7, 42), POOL);
        verifier = Peers.iapVerifier(fx, cacheSize);
        var processor = Peers.nimbusJwtProcessor(fx);
        nimbus = token -> processor.process(token, null);
      }
      default -> {
        ProxyFixtures px = ProxyFixtures.create();
        if (neverSeen) {
          pool = new String[POOL];
          for (int i = 0; i < POOL; i++) {
            pool[i] = px.mint(proxy, i, i % 30);
          }
        } else {
          pool = Fixtures.copies(px.mint(proxy, 7, 10), POOL);
        }
        verifier = verifier(px, cacheSize);
        nimbus = nimbus(px);
      }
    }
    check();
  }

  private IapVerifier verifier(ProxyFixtures px, long cacheSize) {
    IapKeySource keys =
        IapKeySource.fromJwks(px.jwks(proxy), "cloudflareAccess".equals(proxy) ? "RS256" : "ES256");
    return switch (proxy) {
      case "cloudflareAccess" -> IapVerifier.cloudflareAccess()
          .teamDomain(ProxyFixtures.CLOUDFLARE_TEAM)
          .audiences(ProxyFixtures.CLOUDFLARE_AUD)
          .keySource(keys)
          .clock(Fixtures.CLOCK)
          .tokenCacheSize(cacheSize)
          .build();
      case "awsAlb" -> IapVerifier.awsAlb()
          .signers(ProxyFixtures.ALB_SIGNER)
          .clientIds(ProxyFixtures.ALB_CLIENT)
          .issuers(ProxyFixtures.ALB_ISSUER)
          .keySource(keys)
          .clock(Fixtures.CLOCK)
          .tokenCacheSize(cacheSize)
          .build();
      case "pomerium" -> IapVerifier.pomerium()
          .routeHost(ProxyFixtures.POMERIUM_HOST)
          .keySource(keys)
          .clock(Fixtures.CLOCK)
          .tokenCacheSize(cacheSize)
          .build();
      default -> throw new IllegalArgumentException("unknown proxy " + proxy);
    };
  }
  /** Both accept the pool's first and middle tokens and reject the first with another signature. */
  void check() throws Exception {
    for (int i : new int[] {0, POOL / 2}) {
      verifier.verify(pool[i]);
      nimbus.verify(pool[i]);
    }
    String bad = Fixtures.withBadSignature(pool[0]);
    boolean iapRejects = false;
    try {
      verifier.verify(bad);
    } catch (RuntimeException expected) {
      iapRejects = true;
    }
    boolean nimbusRejects = false;
    try {
      nimbus.verify(bad);
    } catch (Exception expected) {
      nimbusRejects = true;
    }
    if (!iapRejects || !nimbusRejects) {
      throw new IllegalStateException(proxy + ": a bad signature was accepted");
    }
  }

  /**
   * nimbus for the proxy: its algorithm and key, its issuer, audience (none for ALB, whose payload
   * has none) and required claims, at the fixture clock; for ALB also the signer ARN, read from the
   * JOSE header as AWS's documentation tells users to.
   */
  Peer nimbus(ProxyFixtures px) throws Exception {
    boolean rsa = "cloudflareAccess".equals(proxy);
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(
            rsa ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256,
            new ImmutableJWKSet<>(JWKSet.parse(px.jwks(proxy)))));
    String issuer =
        switch (proxy) {
          case "cloudflareAccess" -> ProxyFixtures.CLOUDFLARE_TEAM;
          case "awsAlb" -> ProxyFixtures.ALB_ISSUER;
          default -> ProxyFixtures.POMERIUM_HOST;
        };
    String audience =
        switch (proxy) {
          case "cloudflareAccess" -> ProxyFixtures.CLOUDFLARE_AUD;
          case "awsAlb" -> null;
          default -> ProxyFixtures.POMERIUM_HOST;
        };
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            audience,
            new JWTClaimsSet.Builder().issuer(issuer).build(),
            "awsAlb".equals(proxy)
                ? Set.of("sub", "email", "exp")
                : Set.of("sub", "email", "iat", "exp")) {
          @Override
          protected Date currentTime() {
            return Date.from(Fixtures.NOW);
          }
        });
    if (!"awsAlb".equals(proxy)) {
      return token -> processor.process(token, null);
    }
    return token -> {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!ProxyFixtures.ALB_SIGNER.equals(jwt.getHeader().getCustomParam("signer"))) {
        throw new IllegalStateException("another load balancer signed this");
      }
      return processor.process(jwt, null);
    };
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    verifier.close();
  }

  /** Each thread's cursor into the pool. */
  @State(Scope.Thread)
  public static class Cursor {
    int next = (int) (Thread.currentThread().getId() * 389) & (POOL - 1);

    String next(String[] pool) {
      String token = pool[next];
      next = (next + 1) & (POOL - 1);
      return token;
    }
  }

  @Benchmark
  public Object iapVerifier(Cursor c) {
    return verifier.verify(c.next(pool));
  }

  @Benchmark
  public Object nimbus(Cursor c) throws Exception {
    return nimbus.verify(c.next(pool));
  }
}
