package io.github.iapverifier;

import static io.github.iapverifier.TestIap.rs;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.internal.Es256;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Differential test of the BouncyCastle verifier against the JDK's: on the same keys, messages and
 * signatures, valid or tampered, both must agree.
 */
class Es256Test {

  private static final BigInteger N = TestIap.P256_ORDER;

  @Test
  void verifyWhenComparedWithJdkThenSameAnswers() throws GeneralSecurityException {
    Random random = new Random(20260302); // fixed, so a disagreement can be replayed
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    int agreedValid = 0;
    for (int k = 0; k < 5; k++) {
      KeyPair pair = generator.generateKeyPair();
      Es256 es256 = Es256.of((ECPublicKey) pair.getPublic());
      for (int m = 0; m < 20; m++) {
        byte[] message = new byte[random.nextInt(1200)];
        random.nextBytes(message);
        byte[] signature = sign(pair, message);
        for (byte[] candidate : variants(signature, random)) {
          boolean jdk = jdkVerify(pair, message, candidate);
          assertThat(es256.verify(message, message.length, candidate)).isEqualTo(jdk);
          agreedValid += jdk ? 1 : 0;
        }
      }
    }
    // Valid (original and high-s) and invalid variants were both exercised.
    assertThat(agreedValid).isEqualTo(5 * 20 * 2);
  }

  @Test
  void verifyWhenInputLongerThanLengthThenOnlyPrefixSigned() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    byte[] input = "header.payload.signature".getBytes(StandardCharsets.US_ASCII);
    byte[] signature = sign(pair, "header.payload".getBytes(StandardCharsets.US_ASCII));

    Es256 es256 = Es256.of((ECPublicKey) pair.getPublic());
    assertThat(es256.verify(input, "header.payload".length(), signature)).isTrue();
    assertThat(es256.verify(input, input.length, signature)).isFalse();
  }

  /** The genuine signature, its high-s twin (also valid ECDSA), and tampered ones. */
  private static byte[][] variants(byte[] signature, Random random) {
    byte[] flipped = signature.clone();
    int bit = random.nextInt(512);
    flipped[bit / 8] ^= (byte) (1 << (bit % 8));
    BigInteger r = TestIap.r(signature);
    BigInteger s = TestIap.s(signature);
    return new byte[][] {
      signature,
      rs(r, N.subtract(s)),
      flipped,
      rs(s, r),
      rs(r, BigInteger.ZERO),
      rs(N, s),
      new byte[64]
    };
  }

  private static byte[] sign(KeyPair pair, byte[] message) throws GeneralSecurityException {
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    signer.initSign(pair.getPrivate());
    signer.update(message);
    return signer.sign();
  }

  private static boolean jdkVerify(KeyPair pair, byte[] message, byte[] signature)
      throws GeneralSecurityException {
    Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
    verifier.initVerify(pair.getPublic());
    verifier.update(message);
    try {
      return verifier.verify(signature);
    } catch (SignatureException e) {
      return false;
    }
  }
}
