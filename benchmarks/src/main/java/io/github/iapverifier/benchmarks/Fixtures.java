package io.github.iapverifier.benchmarks;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Random;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * The keys, key set and tokens every benchmark and the peer test share: one P-256 signing key
 * among four decoys in a JWKS shaped like {@code https://www.gstatic.com/iap/verify/public_key-jwk},
 * and IAP-like assertions (load-balancer audience, Workspace account, two access levels, about 800
 * characters, as real ones) signed with it.
 *
 * <p>Time is frozen at {@link #NOW}: every token is issued within the 5 minutes before it and lives
 * IAP's 10 minutes, and every verifier is given a clock fixed at {@code NOW}, so tokens stay valid
 * however long a trial runs and no verifier's cost depends on the wall clock.
 *
 * <p>Tokens are signed with BouncyCastle's lightweight ECDSA (deterministic k, RFC 6979) only
 * because it mints tens of thousands per second where the JDK's provider mints hundreds on JDK 17;
 * the signatures are ordinary ES256 signatures, and {@code PeersAcceptAndRejectTest} proves that
 * the JDK-based peers verify them. Immutable after construction, thread-safe.
 */
public final class Fixtures {

  /** The instant every verifier's clock is fixed at. */
  public static final Instant NOW = Instant.parse("2026-01-15T12:00:00Z");

  /** The clock every verifier is given. */
  public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  /** IAP's issuer. */
  public static final String ISSUER = "https://cloud.google.com/iap";

  /** A load-balancer backend-service audience, the commonest IAP set-up. */
  public static final String AUDIENCE =
      "/projects/518551280924/global/backendServices/4925634011223355112";

  /** Where Google publishes IAP's keys; peers are pointed here and answered from memory. */
  public static final String JWKS_URL = "https://www.gstatic.com/iap/verify/public_key-jwk";

  private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
  private static final ECDomainParameters DOMAIN =
      new ECDomainParameters(P256.getCurve(), P256.getG(), P256.getN(), P256.getH());
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final String keyId;
  private final BigInteger privateKey;
  private final ECPublicKey publicKey;
  private final String jwks;
  private final String encodedHeader;

  private Fixtures(long seed) {
    Random random = new Random(seed);
    this.keyId = randomKid(random);
    this.privateKey = scalar(random);
    this.publicKey = jdkPublicKey(privateKey);
    StringBuilder keys = new StringBuilder("{\"keys\":[");
    for (int i = 0; i < 4; i++) {
      // Decoys, as gstatic serves several keys; lookups by kid must pick the right one.
      keys.append(jwk(randomKid(random), jdkPublicKey(scalar(random)))).append(',');
    }
    keys.append(jwk(keyId, publicKey)).append("]}");
    this.jwks = keys.toString();
    this.encodedHeader =
        b64("{\"alg\":\"ES256\",\"kid\":\"" + keyId + "\",\"typ\":\"JWT\"}");
  }

  /**
   * Creates the shared fixtures. The key pair is derived from a fixed seed, so every run signs
   * with the same key; the token contents are fixed too.
   *
   * @return fixtures, thread-safe
   */
  public static Fixtures create() {
    return new Fixtures(20260115L);
  }

  /**
   * Creates fixtures with another signing key (and other decoys), for key rotation.
   *
   * @param seed selects the key; {@link #create()} uses 20260115
   * @return fixtures, thread-safe
   */
  public static Fixtures create(long seed) {
    return new Fixtures(seed);
  }

  /**
   * Returns the signing key as one JWK (JSON object text), to compose key sets.
   *
   * @return JSON text
   */
  public String jwk() {
    return jwk(keyId, publicKey);
  }

  /**
   * Returns the JWKS document holding the signing key and four decoys.
   *
   * @return JSON text
   */
  public String jwks() {
    return jwks;
  }

  /**
   * Returns the signing key's id.
   *
   * @return the {@code kid}
   */
  public String keyId() {
    return keyId;
  }

  /**
   * Returns the public key that verifies every token minted here.
   *
   * @return a P-256 key
   */
  public ECPublicKey publicKey() {
    return publicKey;
  }

  /**
   * Mints one IAP-like assertion.
   *
   * @param user which user it is for; distinct users give distinct tokens
   * @param issuedSecondsAgo how long before {@link #NOW} it was issued, 0 to 300
   * @return the compact JWS, about 800 characters
   */
  public String mint(int user, int issuedSecondsAgo) {
    return mint(user, issuedSecondsAgo, AUDIENCE, ISSUER);
  }

  /**
   * Mints an assertion with the given audience and issuer, for negative tests.
   *
   * @param user which user it is for
   * @param issuedSecondsAgo how long before {@link #NOW} it was issued; over 630 gives an
   *     expired token
   * @param audience the {@code aud} claim
   * @param issuer the {@code iss} claim
   * @return the compact JWS
   */
  public String mint(int user, int issuedSecondsAgo, String audience, String issuer) {
    long iat = NOW.getEpochSecond() - issuedSecondsAgo;
    String payload =
        "{\"aud\":\""
            + audience
            + "\",\"azp\":\""
            + audience
            + "\",\"email\":\"user"
            + user
            + "@example.com\",\"exp\":"
            + (iat + 600)
            + ",\"google\":{\"access_levels\":[\"accessPolicies/518551280924/accessLevels/corp_devices\","
            + "\"accessPolicies/518551280924/accessLevels/recent_login\"]},"
            + "\"hd\":\"example.com\",\"iat\":"
            + iat
            + ",\"identity_source\":\"GOOGLE\",\"iss\":\""
            + issuer
            + "\",\"sub\":\"accounts.google.com:"
            + (107691503500061507L + user)
            + "\"}";
    String signingInput = encodedHeader + "." + b64(payload);
    return signingInput + "." + B64.encodeToString(sign(ascii(signingInput)));
  }

  /**
   * Mints {@code count} distinct tokens for users {@code firstUser, firstUser + 1, ...}, issued at
   * varying times within the last 5 minutes.
   *
   * @param firstUser the first user number
   * @param count how many
   * @return the tokens, in order
   */
  public String[] mintPool(int firstUser, int count) {
    String[] pool = new String[count];
    for (int i = 0; i < count; i++) {
      pool[i] = mint(firstUser + i, (firstUser + i) % 301);
    }
    return pool;
  }

  /**
   * Returns the token with one character of its signature's r half changed: still 64 bytes of
   * well-formed base64url, so only the signature check can reject it.
   *
   * @param token a token minted here
   * @return the tampered token
   */
  public static String withBadSignature(String token) {
    int at = token.lastIndexOf('.') + 10;
    char[] chars = token.toCharArray();
    chars[at] = chars[at] == 'A' ? 'B' : 'A';
    return new String(chars);
  }

  /**
   * Returns the ASCII bytes a token's signature covers (header and payload segments and the dot).
   *
   * @param token a compact JWS
   * @return the signing input
   */
  public static byte[] signingInput(String token) {
    return ascii(token.substring(0, token.lastIndexOf('.')));
  }

  /**
   * Returns a token's raw 64-byte signature (r then s).
   *
   * @param token a compact JWS
   * @return the signature
   */
  public static byte[] signature(String token) {
    return Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
  }

  /**
   * Returns distinct {@code String} instances with the same characters as {@code token}, so that
   * no lookup can succeed on reference equality and none has its hash computed yet.
   *
   * @param token the token
   * @param count how many copies
   * @return the copies
   */
  public static String[] copies(String token, int count) {
    char[] chars = token.toCharArray();
    String[] copies = new String[count];
    for (int i = 0; i < count; i++) {
      copies[i] = new String(chars);
    }
    return copies;
  }

  private byte[] sign(byte[] input) {
    byte[] digest = sha256(input);
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(privateKey, DOMAIN));
    BigInteger[] rs = signer.generateSignature(digest);
    byte[] out = new byte[64];
    unsigned(rs[0], out, 0);
    unsigned(rs[1], out, 32);
    return out;
  }

  private static void unsigned(BigInteger v, byte[] out, int offset) {
    byte[] b = v.toByteArray();
    int len = Math.min(b.length, 32);
    System.arraycopy(b, b.length - len, out, offset + 32 - len, len);
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BigInteger scalar(Random random) {
    BigInteger d;
    do {
      d = new BigInteger(256, random);
    } while (d.signum() == 0 || d.compareTo(P256.getN()) >= 0);
    return d;
  }

  private static ECPublicKey jdkPublicKey(BigInteger d) {
    org.bouncycastle.math.ec.ECPoint q =
        new FixedPointCombMultiplier().multiply(P256.getG(), d).normalize();
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec("secp256r1"));
      ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
      ECPoint w =
          new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
      return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String jwk(String kid, ECPublicKey key) {
    return "{\"alg\":\"ES256\",\"crv\":\"P-256\",\"kid\":\""
        + kid
        + "\",\"kty\":\"EC\",\"use\":\"sig\",\"x\":\""
        + B64.encodeToString(fixed32(key.getW().getAffineX()))
        + "\",\"y\":\""
        + B64.encodeToString(fixed32(key.getW().getAffineY()))
        + "\"}";
  }

  private static byte[] fixed32(BigInteger v) {
    byte[] out = new byte[32];
    unsigned(v, out, 0);
    return out;
  }

  private static String randomKid(Random random) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char[] kid = new char[6];
    for (int i = 0; i < kid.length; i++) {
      kid[i] = alphabet.charAt(random.nextInt(alphabet.length()));
    }
    return new String(kid);
  }

  private static String b64(String json) {
    return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
