package io.github.iapverifier.internal.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Reads one PEM-encoded EC public key ({@code BEGIN PUBLIC KEY}, SubjectPublicKeyInfo). */
final class Pem {

  private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
  private static final String END = "-----END PUBLIC KEY-----";

  private Pem() {}

  /**
   * Parses the document strictly: ASCII, one block, base64 lines between its markers.
   *
   * @throws IOException if it is not one PEM public key on an elliptic curve
   */
  static ECPublicKey publicKey(byte[] body) throws IOException {
    for (byte b : body) {
      if (b < 0) {
        throw malformed("it is not ASCII");
      }
    }
    String text = new String(body, StandardCharsets.US_ASCII).strip();
    if (!text.startsWith(BEGIN)
        || !text.endsWith(END)
        || text.length() < BEGIN.length() + END.length()) {
      throw malformed("it is not one " + BEGIN + " block");
    }
    String base64 =
        text.substring(BEGIN.length(), text.length() - END.length()).replaceAll("[\r\n]", "");
    PublicKey key;
    try {
      key =
          KeyFactory.getInstance("EC")
              .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw malformed("it holds no EC public key");
    }
    return (ECPublicKey) key;
  }

  private static IOException malformed(String why) {
    return new IOException("malformed PEM public key: " + why);
  }
}
