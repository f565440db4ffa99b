package io.github.iapverifier.test;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.github.iapverifier.IapKeySource;
import io.github.iapverifier.IapSigningKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The private keys of a fake proxy: the one that signs, and those published (during a rotation the
 * previous keys stay published until retired). Thread-safe; reads see a consistent snapshot.
 */
final class KeyRing {

  private final Supplier<JWK> generator;
  private final Object lock = new Object();
  private volatile JWK signing;
  private volatile Map<String, JWK> published;
  private volatile Map<String, IapSigningKey> verificationKeys;

  KeyRing(Supplier<JWK> generator) {
    this.generator = generator;
    JWK first = generator.get();
    this.signing = first;
    publish(List.of(first));
  }

  /**
   * A key source over the published keys, without HTTP; the same {@link IapSigningKey} instance for
   * a key id as long as it stays published (a verifier's token cache relies on that).
   */
  IapKeySource keySource() {
    return keyId -> verificationKeys.get(keyId);
  }

  /** The key that signs new tokens. */
  JWK signingKey() {
    return signing;
  }

  /** A fresh key of the same kind that is never published: for forged tokens. */
  JWK unpublishedKey() {
    return generator.get();
  }

  /** The published private keys by key id, in publication order. */
  Map<String, JWK> published() {
    return published;
  }

  /** The published keys as public JWKS text. */
  String jwksJson() {
    List<JWK> keys = new ArrayList<>();
    published.values().forEach(key -> keys.add(key.toPublicJWK()));
    return new JWKSet(keys).toString(true);
  }

  /** Publishes a new key and signs with it from now on; returns its id. */
  String rotate() {
    synchronized (lock) {
      JWK next = generator.get();
      List<JWK> keys = new ArrayList<>(published.values());
      keys.add(next);
      publish(keys);
      signing = next;
      return next.getKeyID();
    }
  }

  /** Withdraws every key but the signing key. */
  void retireOld() {
    synchronized (lock) {
      publish(List.of(signing));
    }
  }

  private void publish(List<JWK> keys) {
    Map<String, JWK> byId = new LinkedHashMap<>();
    Map<String, IapSigningKey> verifying = new LinkedHashMap<>();
    Map<String, IapSigningKey> before = verificationKeys == null ? Map.of() : verificationKeys;
    for (JWK key : keys) {
      byId.put(key.getKeyID(), key);
      IapSigningKey kept = before.get(key.getKeyID());
      verifying.put(key.getKeyID(), kept != null ? kept : verificationKey(key));
    }
    this.verificationKeys = Collections.unmodifiableMap(verifying);
    this.published = Collections.unmodifiableMap(byId);
  }

  private static IapSigningKey verificationKey(JWK key) {
    try {
      if (key instanceof ECKey ec) {
        return IapSigningKey.of(key.getKeyID(), ec.toECPublicKey());
      }
      return IapSigningKey.of(key.getKeyID(), ((RSAKey) key).toRSAPublicKey());
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** P-256 keys whose id is the JWK thumbprint, base64url (as Google's look). */
  static JWK es256ThumbprintId() {
    try {
      return new ECKeyGenerator(Curve.P_256)
          .keyIDFromThumbprint(true)
          .algorithm(JWSAlgorithm.ES256)
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate a P-256 key", e);
    }
  }

  /** P-256 keys whose id is the JWK thumbprint in hex (64 characters, as Pomerium's look). */
  static JWK es256HexId() {
    return withHexThumbprintId(es256ThumbprintId());
  }

  /** P-256 keys whose id is a random UUID (as AWS ALB's look). */
  static JWK es256UuidId() {
    try {
      return new ECKeyGenerator(Curve.P_256)
          .keyID(UUID.randomUUID().toString())
          .algorithm(JWSAlgorithm.ES256)
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate a P-256 key", e);
    }
  }

  /**
   * RSA 2048-bit keys for RS256 whose id is the JWK thumbprint in hex (64 characters, as
   * Cloudflare's and Pomerium's look).
   */
  static JWK rs256HexId() {
    try {
      return withHexThumbprintId(
          new RSAKeyGenerator(2048).algorithm(JWSAlgorithm.RS256).generate());
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate an RSA key", e);
    }
  }

  private static JWK withHexThumbprintId(JWK key) {
    try {
      String hex = HexFormat.of().formatHex(key.computeThumbprint().decode());
      if (key instanceof ECKey ec) {
        return new ECKey.Builder(ec).keyID(hex).keyUse(KeyUse.SIGNATURE).build();
      }
      return new RSAKey.Builder((RSAKey) key).keyID(hex).keyUse(KeyUse.SIGNATURE).build();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
