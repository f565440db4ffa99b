package io.github.iapverifier;

import static io.github.iapverifier.TestIap.assertRejected;
import static io.github.iapverifier.TestIap.b64;
import static io.github.iapverifier.TestIap.r;
import static io.github.iapverifier.TestIap.rs;
import static io.github.iapverifier.TestIap.s;
import static io.github.iapverifier.TestIap.signatureSegment;
import static io.github.iapverifier.TestIap.signingInput;
import static io.github.iapverifier.TestIap.withSignature;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONArrayUtils;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.github.iapverifier.IapVerificationException.Reason;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hostile-input suite (RFC 8725): every malformed, confused or forged assertion is rejected
 * with the precise reason, before or by the signature check.
 */
class IapVerifierHostileInputTest {

  private static final BigInteger N = TestIap.P256_ORDER;

  private final TestIap iap = new TestIap();
  private final IapVerifier verifier = iap.verifier();
  private final String token = iap.token();

  @Test
  void verifyWhenGenuineTokenThenAccepted() {
    // The baseline every case below departs from by one change.
    assertThat(verifier.verify(token).email()).isEqualTo(TestIap.EMAIL);
  }

  @Test
  void verifyWhenSignedByNimbusThenAccepted() throws JOSEException {
    // Interoperability: a token from an independent JOSE implementation verifies too.
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(iap.keyId()).build(),
            new Payload(TestIap.claims()));
    jws.sign(new ECDSASigner(iap.key()));

    assertThat(verifier.verify(jws.serialize()).subject()).isEqualTo(TestIap.SUBJECT);
  }

  // ---- MISSING

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", " ", "\t", "\r\n"})
  void verifyWhenNullOrBlankThenMissing(String assertion) {
    assertRejected(verifier, assertion, Reason.MISSING);
  }

  // ---- MALFORMED: size and shape

  @Test
  void verifyWhenExactly8KiBThenAccepted() {
    assertThat(verifier.verify(tokenOfLength(IapVerifier.MAX_LENGTH)).email())
        .isEqualTo(TestIap.EMAIL);
  }

  @Test
  void verifyWhenOver8KiBThenMalformed() {
    // Validly signed, so only the size bound can reject it.
    assertRejected(verifier, tokenOfLength(IapVerifier.MAX_LENGTH + 1), Reason.MALFORMED);
  }

  @Test
  void verifyWhenHugeThenMalformedAndMessageStaysShort() {
    IapVerificationException e = assertRejected(verifier, "a".repeat(10_000_000), Reason.MALFORMED);
    assertThat(e.getMessage()).hasSizeLessThan(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "abc.def", "a.b.c.d", "a.b.c.d.e", ".", "..", "...", "a..b"})
  void verifyWhenNotThreeNonEmptySegmentsThenMalformed(String assertion) {
    assertRejected(verifier, assertion, Reason.MALFORMED);
  }

  @Test
  void verifyWhenExtraSegmentThenMalformed() {
    assertRejected(verifier, token + "." + signatureSegment(token), Reason.MALFORMED);
    assertRejected(verifier, token + ".", Reason.MALFORMED);
  }

  @Test
  void verifyWhenHeaderOrPayloadSegmentEmptyThenMalformed() {
    String[] parts = token.split("\\.");
    assertRejected(verifier, "." + parts[1] + "." + parts[2], Reason.MALFORMED);
    assertRejected(verifier, parts[0] + ".." + parts[2], Reason.MALFORMED);
  }

  @Test
  void verifyWhenSignatureSegmentEmptyThenBadSignature() {
    assertRejected(verifier, signingInput(token) + ".", Reason.BAD_SIGNATURE);
  }

  @ParameterizedTest
  @ValueSource(strings = {" ", "\t", "\n", "=", "+", "/", "*", "%", "\u00e9", "\u0000", "\uff0e"})
  void verifyWhenCharacterOutsideBase64UrlThenMalformed(String c) {
    int[] positions = {0, token.indexOf('.') / 2, token.indexOf('.') + 5, token.length() - 3};
    for (int at : positions) {
      assertRejected(verifier, token.substring(0, at) + c + token.substring(at), Reason.MALFORMED);
    }
    assertRejected(verifier, token + c, Reason.MALFORMED);
    assertRejected(verifier, c + token, Reason.MALFORMED);
  }

  @Test
  void verifyWhenStandardBase64AlphabetThenMalformed() {
    // The same bytes in the standard alphabet: '+' and '/' instead of '-' and '_'.
    String standard =
        iap.sign("{\"alg\":\"ES256\",\"kid\":\"" + iap.keyId() + "\",\"x\":\"~~~\"}", "{}");
    assertThat(standard).containsAnyOf("-", "_");
    assertRejected(verifier, standard.replace('-', '+').replace('_', '/'), Reason.MALFORMED);
  }

  @Test
  void verifyWhenSegmentsPaddedThenMalformed() {
    String header = b64(withLengthNotMultipleOf4(JSONObjectUtils.toJSONString(iap.header())));
    String payload = b64(withLengthNotMultipleOf4(JSONObjectUtils.toJSONString(TestIap.claims())));
    String signingInput = header + "." + payload;
    String signature = b64(iap.signature(signingInput));
    assertThat(signature).hasSize(86); // 64 bytes: standard base64 pads them with "=="

    assertRejected(verifier, signingInput + "." + signature + "==", Reason.MALFORMED);
    String paddedHeader = padded(header) + "." + payload;
    assertRejected(
        verifier, paddedHeader + "." + b64(iap.signature(paddedHeader)), Reason.MALFORMED);
    String paddedPayload = header + "." + padded(payload);
    assertRejected(
        verifier, paddedPayload + "." + b64(iap.signature(paddedPayload)), Reason.MALFORMED);
  }

  @Test
  void verifyWhenTwoHeaderValuesJoinedThenMalformed() {
    // What a proxy or container makes of a request that carries the header twice.
    assertRejected(verifier, token + "," + token, Reason.MALFORMED);
    assertRejected(verifier, token + ", " + iap.token(), Reason.MALFORMED);
  }

  @Test
  void verifyWhenSegmentLengthCannotBeBase64ThenMalformed() {
    // 4k+1 characters cannot encode whole bytes.
    String header = b64("{\"alg\":\"ES256\",\"kid\":\"" + iap.keyId() + "\"}");
    String odd =
        header.length() % 4 == 1 ? header : header + "A".repeat((5 - header.length() % 4) % 4);
    assertThat(odd.length() % 4).isEqualTo(1);
    String[] parts = token.split("\\.");
    assertRejected(verifier, odd + "." + parts[1] + "." + parts[2], Reason.MALFORMED);
  }

  @Test
  void verifyWhenUnusedBitsOfLastCharacterSetThenRejected() {
    // Decoders often ignore the unused low bits of the last character, so that several strings
    // decode to one token; only the canonical encoding may be accepted.
    assertRejected(
        verifier,
        signingInput(token) + "." + setUnusedBits(signatureSegment(token)),
        Reason.BAD_SIGNATURE);

    String header = b64(withLengthNotMultipleOf4(JSONObjectUtils.toJSONString(iap.header())));
    String payload = b64(withLengthNotMultipleOf4(JSONObjectUtils.toJSONString(TestIap.claims())));
    // Re-signed, so that only the encoding is wrong.
    for (String loose :
        List.of(setUnusedBits(header) + "." + payload, header + "." + setUnusedBits(payload))) {
      assertRejected(verifier, loose + "." + b64(iap.signature(loose)), Reason.MALFORMED);
    }
  }

  // ---- MALFORMED: JSON

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "",
        "null",
        "42",
        "\"ES256\"",
        "[]",
        "{\"alg\":\"ES256\"",
        "{'alg':'ES256'}",
        "{alg:\"ES256\"}",
        "{\"alg\":\"ES256\",}",
        "{\"alg\":\"ES256\"}x",
        "{\"alg\":\"ES256\"}{}",
        "{\"alg\":\"ES256\"}/*c*/",
        "\ufeff{\"alg\":\"ES256\",\"kid\":\"iap-key-1\"}",
        // Gson reads an array of pairs as a map; it is still not a JSON object.
        "[[\"alg\",\"ES256\"],[\"kid\",\"iap-key-1\"]]"
      })
  void verifyWhenHeaderIsNotOneJsonObjectThenMalformed(String header) {
    assertRejected(
        verifier,
        iap.sign(header, JSONObjectUtils.toJSONString(TestIap.claims())),
        Reason.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "",
        "null",
        "[]",
        "{\"iss\":\"https://cloud.google.com/iap\"",
        "{\"iss\":\"https://cloud.google.com/iap\"}x",
        "[[\"iss\",\"https://cloud.google.com/iap\"]]"
      })
  void verifyWhenPayloadIsNotOneJsonObjectThenMalformed(String payload) {
    assertRejected(
        verifier, iap.sign(JSONObjectUtils.toJSONString(iap.header()), payload), Reason.MALFORMED);
  }

  @Test
  void verifyWhenClaimsAreAnArrayOfPairsThenMalformed() {
    // Every claim right, only written as [[name, value], ...], which Gson would read as a map.
    List<Object> pairs = new ArrayList<>();
    TestIap.claims().forEach((name, value) -> pairs.add(List.of(name, value)));
    String token =
        iap.sign(JSONObjectUtils.toJSONString(iap.header()), JSONArrayUtils.toJSONString(pairs));
    assertRejected(verifier, token, Reason.MALFORMED);
  }

  @Test
  void verifyWhenHeaderOrPayloadInvalidUtf8ThenMalformed() {
    byte[] claims = JSONObjectUtils.toJSONString(TestIap.claims()).getBytes(StandardCharsets.UTF_8);
    byte[] header = JSONObjectUtils.toJSONString(iap.header()).getBytes(StandardCharsets.UTF_8);
    byte[][] invalid = {
      {(byte) 0xc3, 0x28}, // truncated two-byte sequence
      {(byte) 0xc0, (byte) 0xaf}, // overlong '/'
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // UTF-16 surrogate encoded as UTF-8
      {(byte) 0xff}
    };
    for (byte[] bad : invalid) {
      assertRejected(
          verifier,
          iap.sign(header, insertIntoStringValue(claims, "email", bad)),
          Reason.MALFORMED);
      assertRejected(
          verifier, iap.sign(insertIntoStringValue(header, "typ", bad), claims), Reason.MALFORMED);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"alg\":\"ES256\",\"alg\":\"none\",\"kid\":\"iap-key-1\"}",
        "{\"alg\":\"none\",\"alg\":\"ES256\",\"kid\":\"iap-key-1\"}",
        "{\"alg\":\"ES256\",\"kid\":\"other\",\"kid\":\"iap-key-1\"}",
        "{\"alg\":\"ES256\",\"kid\":\"iap-key-1\",\"typ\":\"JWT\",\"typ\":\"JWT\"}"
      })
  void verifyWhenHeaderMemberDuplicatedThenMalformed(String header) {
    assertRejected(
        verifier,
        iap.sign(header, JSONObjectUtils.toJSONString(TestIap.claims())),
        Reason.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"aud", "email", "sub", "exp", "iss", "hd"})
  void verifyWhenClaimDuplicatedThenMalformed(String claim) {
    // The duplicate repeats the same value, so nothing but the duplication is wrong.
    String json = JSONObjectUtils.toJSONString(TestIap.claims());
    String member = JSONObjectUtils.toJSONString(Map.of(claim, TestIap.claims().get(claim)));
    String duplicated = json.substring(0, json.length() - 1) + "," + member.substring(1);
    assertRejected(
        verifier,
        iap.sign(JSONObjectUtils.toJSONString(iap.header()), duplicated),
        Reason.MALFORMED);
  }

  // ---- UNSUPPORTED_ALGORITHM

  @ParameterizedTest
  @ValueSource(
      strings = {
        "none", "None", "NONE", "nOnE", "HS256", "HS512", "RS256", "PS256", "ES384", "ES512",
        "ES256K", "EdDSA", "es256", "Es256", "eS256", "ES256 ", " ES256", "ES 256", "ES256\u0000",
            ""
      })
  void verifyWhenAlgIsNotExactlyEs256ThenUnsupportedAlgorithm(String alg) {
    // Validly signed with the ES256 key: only the header's claim about the algorithm is wrong.
    Map<String, Object> header = iap.header();
    header.put("alg", alg);
    assertRejected(verifier, iap.token(header, TestIap.claims()), Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void verifyWhenAlgMissingOrNotAStringThenUnsupportedAlgorithm() {
    for (Object alg : Arrays.asList(null, 256, List.of("ES256"), Map.of("name", "ES256"), true)) {
      Map<String, Object> header = iap.header();
      header.put("alg", alg);
      if (alg == null) {
        header.remove("alg");
      }
      assertRejected(verifier, iap.token(header, TestIap.claims()), Reason.UNSUPPORTED_ALGORITHM);
    }
  }

  @Test
  void verifyWhenUnsecuredJwtThenUnsupportedAlgorithm() {
    String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + iap.keyId() + "\"}");
    String payload = b64(JSONObjectUtils.toJSONString(TestIap.claims()));
    assertRejected(verifier, header + "." + payload + ".", Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void verifyWhenHs256KeyedWithThePublicKeyThenUnsupportedAlgorithm() throws JOSEException {
    // The classic key confusion: an attacker signs with HMAC using the published key as secret.
    for (byte[] secret :
        List.of(
            iap.key().toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8),
            iap.key().toECPublicKey().getEncoded())) {
      String forged = sign(new JWSHeader.Builder(JWSAlgorithm.HS256), new MACSigner(secret));
      assertRejected(verifier, forged, Reason.UNSUPPORTED_ALGORITHM);
    }
  }

  @Test
  void verifyWhenRs256ThenUnsupportedAlgorithm() throws JOSEException {
    String token =
        sign(
            new JWSHeader.Builder(JWSAlgorithm.RS256),
            new RSASSASigner(new RSAKeyGenerator(2048).generate()));
    assertRejected(verifier, token, Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void verifyWhenEs384ThenUnsupportedAlgorithm() throws JOSEException {
    String token =
        sign(
            new JWSHeader.Builder(JWSAlgorithm.ES384),
            new ECDSASigner(new ECKeyGenerator(Curve.P_384).generate()));
    assertRejected(verifier, token, Reason.UNSUPPORTED_ALGORITHM);
  }

  @ParameterizedTest
  @ValueSource(strings = {"crit", "jku", "x5u", "jwk", "x5c", "cty", "zip", "b64", "enc"})
  void verifyWhenHeaderParameterNotForIapThenUnsupportedAlgorithm(String parameter) {
    Map<String, Object> header = iap.header();
    header.put(
        parameter,
        switch (parameter) {
          case "crit", "x5c" -> List.of("exp");
          case "jwk" -> iap.key().toPublicJWK().toJSONObject();
          case "b64" -> false;
          default -> "https://attacker.example/keys";
        });
    assertRejected(verifier, iap.token(header, TestIap.claims()), Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void verifyWhenJwkHeaderCarriesAttackersOwnKeyThenUnsupportedAlgorithm() {
    // An attacker's self-signed token that embeds its own key must not be taken at its word.
    TestIap attacker = new TestIap(TestIap.generate(iap.keyId()));
    Map<String, Object> header = attacker.header();
    header.put("jwk", attacker.key().toPublicJWK().toJSONObject());
    assertRejected(
        verifier, attacker.token(header, TestIap.claims()), Reason.UNSUPPORTED_ALGORITHM);
  }

  // ---- typ

  @ParameterizedTest
  @ValueSource(strings = {"JWT", "jwt", "Jwt"})
  void verifyWhenTypIsJwtInAnyCaseThenAccepted(String typ) {
    Map<String, Object> header = iap.header();
    header.put("typ", typ);
    assertThat(verifier.verify(iap.token(header, TestIap.claims())).email())
        .isEqualTo(TestIap.EMAIL);
  }

  @Test
  void verifyWhenTypAbsentThenAccepted() {
    Map<String, Object> header = iap.header();
    header.remove("typ");
    assertThat(verifier.verify(iap.token(header, TestIap.claims())).email())
        .isEqualTo(TestIap.EMAIL);
  }

  @Test
  void verifyWhenTypIsNotJwtThenMalformed() {
    for (Object typ : List.of("at+jwt", "JOSE", "", "JWT ", 1, List.of("JWT"))) {
      Map<String, Object> header = iap.header();
      header.put("typ", typ);
      assertRejected(verifier, iap.token(header, TestIap.claims()), Reason.MALFORMED);
    }
  }

  // ---- UNKNOWN_KEY

  @Test
  void verifyWhenKidMissingThenUnknownKey() {
    Map<String, Object> header = iap.header();
    header.remove("kid");
    assertRejected(verifier, iap.token(header, TestIap.claims()), Reason.UNKNOWN_KEY);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "other-key",
        "IAP-KEY-1",
        "iap-key-1 ",
        " iap-key-1",
        "iap-key-",
        "iap-key-1\u0000",
        "../../etc/passwd",
        "https://attacker.example/key",
        "\u043a\u043b\u044e\u0447",
        "*"
      })
  void verifyWhenKidUnknownThenUnknownKey(String kid) {
    Map<String, Object> header = iap.header();
    header.put("kid", kid);
    assertRejected(verifier, iap.token(header, TestIap.claims()), Reason.UNKNOWN_KEY);
  }

  @Test
  void verifyWhenKidHugeThenUnknownKeyWithBoundedMessage() {
    Map<String, Object> header = iap.header();
    header.put("kid", "k".repeat(4000));
    IapVerificationException e =
        assertRejected(verifier, iap.token(header, TestIap.claims()), Reason.UNKNOWN_KEY);
    assertThat(e.getMessage()).hasSizeLessThan(300);
  }

  @Test
  void verifyWhenKidNotANonEmptyStringThenMalformed() {
    for (Object kid : List.of("", 1, List.of("iap-key-1"), Map.of("kid", "iap-key-1"), false)) {
      Map<String, Object> header = iap.header();
      header.put("kid", kid);
      assertRejected(verifier, iap.token(header, TestIap.claims()), Reason.MALFORMED);
    }
  }

  @Test
  void verifyWhenSignedByAnotherKeyUnderItsOwnKidThenUnknownKey() {
    assertRejected(verifier, new TestIap(TestIap.generate("rogue")).token(), Reason.UNKNOWN_KEY);
  }

  // ---- BAD_SIGNATURE

  @Test
  void verifyWhenSignedByAnotherKeyUnderAPublishedKidThenBadSignature() {
    TestIap impostor = new TestIap(TestIap.generate(iap.keyId()));
    assertRejected(verifier, impostor.token(), Reason.BAD_SIGNATURE);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 31, 32, 63, 65, 66, 96, 128, 132})
  void verifyWhenSignatureNot64BytesThenBadSignature(int length) {
    byte[] genuine = Base64.getUrlDecoder().decode(signatureSegment(token));
    assertRejected(
        verifier, withSignature(token, Arrays.copyOf(genuine, length)), Reason.BAD_SIGNATURE);
  }

  @Test
  void verifyWhenSignatureDerEncodedThenBadSignature()
      throws GeneralSecurityException, JOSEException {
    Signature der = Signature.getInstance("SHA256withECDSA");
    der.initSign(iap.key().toECPrivateKey());
    der.update(signingInput(token).getBytes(StandardCharsets.US_ASCII));
    byte[] signature = der.sign();
    assertThat(signature[0]).isEqualTo((byte) 0x30); // an ASN.1 SEQUENCE, a valid signature

    assertRejected(verifier, withSignature(token, signature), Reason.BAD_SIGNATURE);
  }

  @Test
  void verifyWhenRIsZeroOrSIsZeroThenBadSignature() {
    byte[] genuine = Base64.getUrlDecoder().decode(signatureSegment(token));
    assertRejected(
        verifier, withSignature(token, rs(BigInteger.ZERO, s(genuine))), Reason.BAD_SIGNATURE);
    assertRejected(
        verifier, withSignature(token, rs(r(genuine), BigInteger.ZERO)), Reason.BAD_SIGNATURE);
    // CVE-2022-21449: r = s = 0 was accepted for any message by the JDK 15-18 provider.
    assertRejected(verifier, withSignature(token, new byte[64]), Reason.BAD_SIGNATURE);
  }

  @Test
  void verifyWhenROrSNotBelowCurveOrderThenBadSignature() {
    byte[] genuine = Base64.getUrlDecoder().decode(signatureSegment(token));
    BigInteger max = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);
    for (BigInteger big : List.of(N, N.add(BigInteger.ONE), max)) {
      assertRejected(verifier, withSignature(token, rs(big, s(genuine))), Reason.BAD_SIGNATURE);
      assertRejected(verifier, withSignature(token, rs(r(genuine), big)), Reason.BAD_SIGNATURE);
    }
    assertRejected(verifier, withSignature(token, rs(N, N)), Reason.BAD_SIGNATURE);
  }

  @Test
  void verifyWhenSignatureBitFlippedThenBadSignature() {
    byte[] genuine = Base64.getUrlDecoder().decode(signatureSegment(token));
    for (int bit : new int[] {0, 7, 255, 256, 300, 511}) {
      byte[] flipped = genuine.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertRejected(verifier, withSignature(token, flipped), Reason.BAD_SIGNATURE);
    }
  }

  @Test
  void verifyWhenValidSignatureMovedOntoModifiedPayloadThenBadSignature() {
    Map<String, Object> claims = TestIap.claims();
    claims.put("email", "mallory@example.com");
    String modified = iap.token(claims);
    assertRejected(
        verifier, signingInput(modified) + "." + signatureSegment(token), Reason.BAD_SIGNATURE);
  }

  @Test
  void verifyWhenValidSignatureMovedOntoModifiedHeaderThenBadSignature() {
    Map<String, Object> header = iap.header();
    header.remove("typ");
    String modified = iap.token(header, TestIap.claims());
    assertRejected(
        verifier, signingInput(modified) + "." + signatureSegment(token), Reason.BAD_SIGNATURE);
  }

  @Test
  void verifyWhenSameJsonReencodedThenBadSignature() {
    // Equal claims, different bytes: the signature covers the bytes, not their meaning.
    String[] parts = token.split("\\.");
    String spaced =
        b64(
            new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace(",", ", "));
    assertRejected(verifier, parts[0] + "." + spaced + "." + parts[2], Reason.BAD_SIGNATURE);
  }

  // ---- helpers

  private String sign(JWSHeader.Builder header, JWSSigner signer) throws JOSEException {
    JWSObject jws = new JWSObject(header.keyID(iap.keyId()).build(), new Payload(TestIap.claims()));
    jws.sign(signer);
    return jws.serialize();
  }

  /** A validly signed token of exactly {@code length} characters, grown with a padding claim. */
  private String tokenOfLength(int length) {
    for (int spaces = 0; spaces < 4; spaces++) {
      String header =
          "{\"alg\":\"ES256\",\"typ\":\"JWT\","
              + " ".repeat(spaces)
              + "\"kid\":\""
              + iap.keyId()
              + "\"}";
      int payloadChars = length - b64(header).length() - 2 - 86;
      if (payloadChars % 4 == 1) {
        continue; // no byte count encodes to 4k+1 characters
      }
      int payloadBytes = payloadChars / 4 * 3 + Math.max(0, payloadChars % 4 - 1);
      Map<String, Object> claims = TestIap.claims();
      claims.put("pad", "");
      int unpadded = JSONObjectUtils.toJSONString(claims).length();
      claims.put("pad", "x".repeat(payloadBytes - unpadded));
      String token = iap.sign(header, JSONObjectUtils.toJSONString(claims));
      assertThat(token).hasSize(length);
      return token;
    }
    throw new AssertionError("unreachable: one of four header lengths fits");
  }

  private static String padded(String segment) {
    return segment + "=".repeat(4 - segment.length() % 4);
  }

  /** Grows a JSON object with insignificant spaces until its base64url form needs padding. */
  private static String withLengthNotMultipleOf4(String json) {
    String spaced = json;
    while (b64(spaced).length() % 4 == 0) {
      spaced = spaced.substring(0, spaced.length() - 1) + " }";
    }
    return spaced;
  }

  /** Sets the low bits of the last character that encode no data; the segment must end partway. */
  private static String setUnusedBits(String segment) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int unused = segment.length() % 4 == 2 ? 0x0f : 0x03;
    char last = segment.charAt(segment.length() - 1);
    int value = alphabet.indexOf(last);
    assertThat(value & unused).as("a canonical encoding leaves them clear").isZero();
    return segment.substring(0, segment.length() - 1) + alphabet.charAt(value | 1);
  }

  private static byte[] insertIntoStringValue(byte[] json, String member, byte[] bytes) {
    String text = new String(json, StandardCharsets.UTF_8);
    int at = text.indexOf("\"" + member + "\":\"") + member.length() + 4;
    byte[] out = new byte[json.length + bytes.length];
    byte[] before = text.substring(0, at).getBytes(StandardCharsets.UTF_8);
    System.arraycopy(before, 0, out, 0, before.length);
    System.arraycopy(bytes, 0, out, before.length, bytes.length);
    System.arraycopy(
        json, before.length, out, before.length + bytes.length, json.length - before.length);
    return out;
  }
}
