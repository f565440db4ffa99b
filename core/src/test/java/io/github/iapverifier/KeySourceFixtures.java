package io.github.iapverifier;

import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/** Real keys, real tokens, a clock the test moves, and a listener that records. */
final class KeySourceFixtures {

  static final IapAudience AUDIENCE = IapAudience.cloudRun(123456789012L, "europe-west1", "billing");
  static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");

  private KeySourceFixtures() {}

  /** A fresh P-256 signing key, as IAP publishes them ({@code use} sig, {@code alg} ES256). */
  static ECKey p256(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256)
          .keyID(kid)
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.ES256)
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static ECKey p384(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_384).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An RSA signing key; generated once per JVM because 2048-bit generation takes ~1 s. */
  static JWK rsa() {
    return RsaHolder.KEY;
  }

  private static final class RsaHolder {
    static final JWK KEY;

    static {
      try {
        KEY = new RSAKeyGenerator(2048).keyID("r1").keyUse(KeyUse.SIGNATURE).generate();
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The public JWKS document of these keys. */
  static String jwks(JWK... keys) {
    return new JWKSet(Arrays.stream(keys).map(JWK::toPublicJWK).collect(Collectors.toList()))
        .toString();
  }

  /** An IAP-shaped assertion signed with ES256 by {@code key}, issued at {@code iat}. */
  static String token(ECKey key, Instant iat) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.ES256)
                  .keyID(key.getKeyID())
                  .type(JOSEObjectType.JWT)
                  .build(),
              new JWTClaimsSet.Builder()
                  .issuer(IapVerifier.ISSUER)
                  .audience(AUDIENCE.value())
                  .subject("accounts.google.com:1234567890")
                  .claim("email", "alice@example.com")
                  .issueTime(Date.from(iat))
                  .expirationTime(Date.from(iat.plusSeconds(600)))
                  .build());
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits until the condition holds; fails after {@link #PATIENCE}, a bound a loaded machine never
   * reaches when the code is right.
   */
  static void eventually(String what, BooleanSupplier condition) {
    await(what).atMost(PATIENCE).until(condition::getAsBoolean);
  }

  /** How long a test waits for what must happen; generous, it costs nothing when all is well. */
  static final Duration PATIENCE = Duration.ofSeconds(30);

  /** The threads of key sources now alive. */
  static Set<Thread> keyThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("iap-verifier-keys") && t.isAlive())
        .collect(Collectors.toSet());
  }

  /** A clock that moves only when told. */
  static final class MutableClock extends Clock {
    private final AtomicLong millis = new AtomicLong(T0.toEpochMilli());

    void advance(Duration d) {
      millis.addAndGet(d.toMillis());
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  /** Records every event, in order, on any thread. */
  static class RecordingListener implements IapEventListener {
    final List<Set<String>> fetched = new CopyOnWriteArrayList<>();
    final List<Duration> fetchDurations = new CopyOnWriteArrayList<>();
    final List<URI> fetchUris = new CopyOnWriteArrayList<>();
    final List<Throwable> failed = new CopyOnWriteArrayList<>();
    final List<List<Set<String>>> rotated = new CopyOnWriteArrayList<>();
    final List<Duration> stale = new CopyOnWriteArrayList<>();
    final List<String> rateLimited = new CopyOnWriteArrayList<>();
    final List<Boolean> verifiedFromCache = new CopyOnWriteArrayList<>();
    final List<IapVerificationException> rejected = new CopyOnWriteArrayList<>();

    @Override
    public void keysFetched(URI uri, Duration took, Set<String> keyIds) {
      fetchUris.add(uri);
      fetchDurations.add(took);
      fetched.add(keyIds);
    }

    @Override
    public void keysFetchFailed(URI uri, Duration took, Throwable error) {
      fetchUris.add(uri);
      fetchDurations.add(took);
      failed.add(error);
    }

    @Override
    public void keysRotated(Set<String> added, Set<String> removed) {
      rotated.add(List.of(added, removed));
    }

    @Override
    public void staleKeysServed(Duration age) {
      stale.add(age);
    }

    @Override
    public void refreshRateLimited(String keyId) {
      rateLimited.add(keyId);
    }

    @Override
    public void verified(IapIdentity identity, boolean fromCache) {
      verifiedFromCache.add(fromCache);
    }

    @Override
    public void rejected(IapVerificationException failure) {
      rejected.add(failure);
    }
  }
}
