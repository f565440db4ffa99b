package io.github.iapverifier.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.test.FakeIap;
import io.github.iapverifier.test.FakeIap.SecureTokenTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code inspect} command on real tokens, with keys served over loopback HTTP by FakeIap. */
class InspectTest {

  private static final String OTHER_AUDIENCE = "/projects/2/apps/someone-else";

  private static FakeIap iap;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void start() {
    iap = FakeIap.start();
  }

  @AfterAll
  static void stop() {
    iap.close();
  }

  private int inspect(InputStream in, String... args) {
    return Inspect.run(
        args,
        in,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private int inspect(String... args) {
    return inspect(InputStream.nullInputStream(), args);
  }

  /** Inspects with the fake's audience and keys; asserts the signature segment never shows. */
  private int inspectToken(String token) {
    int status =
        inspect(
            "--audience", iap.audience().value(), "--jwks-uri", iap.jwksUri().toString(), token);
    assertNoSignature(token);
    return status;
  }

  private void assertNoSignature(String token) {
    String signature = token.substring(token.lastIndexOf('.') + 1);
    assertThat(out() + err()).doesNotContain(token).doesNotContain(signature);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void inspectWhenValidThenEveryCheckPassesAndExitZero() {
    String token = iap.token().email("ana@example.com").hostedDomain("example.com").build();

    assertThat(inspectToken(token)).isZero();
    assertThat(out())
        .contains("Header:", "  alg: ES256", "  kid: " + iap.currentKeyId())
        .contains("Claims:", "  email: ana@example.com", "  hd: example.com")
        .contains("  PASS     shape", "  PASS     audience", "  PASS     times")
        .contains("  PASS     key", "  PASS     signature", "  PASS     policy")
        .contains("Verdict: valid: ana@example.com")
        .doesNotContain("FAIL");
    assertThat(out().indexOf("PASS     header")).isLessThan(out().indexOf("PASS     issuer"));
    assertThat(out().indexOf("PASS     times")).isLessThan(out().indexOf("PASS     signature"));
  }

  @Test
  void inspectWhenExpiredThenTimesFailAndExitOne() {
    String token = iap.token(SecureTokenTest.PAST_EXPIRATION);

    assertThat(inspectToken(token)).isEqualTo(Inspect.REJECTED);
    assertThat(out())
        .contains("  FAIL     times: ")
        .contains("  PASS     signature")
        .contains("Verdict: rejected, reason EXPIRED: ");
  }

  @Test
  void inspectWhenAtBeforeExpiryThenValid() {
    Instant issuedAt = Instant.now().minus(Duration.ofHours(1));
    String token = iap.token().issuedAt(issuedAt).build();

    int status =
        inspect(
            "--audience=" + iap.audience().value(),
            "--jwks-uri=" + iap.jwksUri(),
            "--at=" + issuedAt.plus(Duration.ofMinutes(5)),
            token);

    assertThat(status).as(out()).isZero();
    assertThat(out()).contains("Verdict: valid");
    assertNoSignature(token);
  }

  @Test
  void inspectWhenWrongAudienceThenAudienceFailsNamingBothAndExitOne() {
    String token = iap.token().audience(OTHER_AUDIENCE).build();

    assertThat(inspectToken(token)).isEqualTo(Inspect.REJECTED);
    assertThat(out())
        .contains("  FAIL     audience: ")
        .contains(OTHER_AUDIENCE, iap.audience().value())
        .contains("  PASS     signature")
        .contains("Verdict: rejected, reason WRONG_AUDIENCE: ");
  }

  @Test
  void inspectWhenBadSignatureThenSignatureFailsAndExitOne() {
    String token = iap.token(SecureTokenTest.SIGNATURE);

    assertThat(inspectToken(token)).isEqualTo(Inspect.REJECTED);
    assertThat(out())
        .contains("  PASS     times", "  PASS     key")
        .contains("  FAIL     signature: ")
        .contains("Verdict: rejected, reason BAD_SIGNATURE: ");
  }

  @Test
  void inspectWhenGarbageThenMalformedWithoutEchoAndExitOne() {
    String token = "eyJub3QiOiJqc29u.Z2FyYmFnZS1wYXlsb2Fk.c2lnbmF0dXJlLXNlZ21lbnQ";

    assertThat(inspectToken(token)).isEqualTo(Inspect.REJECTED);
    assertThat(out())
        .contains("  FAIL     header: ")
        .contains("  NOT RUN  key", "  NOT RUN  signature")
        .contains("Verdict: rejected, reason MALFORMED: ")
        .doesNotContain("Z2FyYmFnZS1wYXlsb2Fk");
  }

  @Test
  void inspectWhenNotAJwsThenShapeFailsAndExitOne() {
    assertThat(inspectToken("not a token at all")).isEqualTo(Inspect.REJECTED);
    assertThat(out())
        .contains("  FAIL     shape: ")
        .contains("Verdict: rejected, reason MALFORMED: ")
        .doesNotContain("not a token");
  }

  @Test
  void inspectWhenDashThenTokenReadFromStandardInput() {
    String token = iap.token().build();
    InputStream in = new ByteArrayInputStream((token + "\n").getBytes(StandardCharsets.US_ASCII));

    int status =
        inspect(
            in, "--audience", iap.audience().value(), "--jwks-uri", iap.jwksUri().toString(), "-");

    assertThat(status).as(out()).isZero();
    assertThat(out()).contains("Verdict: valid");
    assertNoSignature(token);
  }

  @Test
  void inspectWhenKeysFileThenKeysReadFromIt(@TempDir Path dir) throws Exception {
    Path keys = dir.resolve("jwks.json");
    Files.writeString(keys, iap.jwksJson());
    String token = iap.token().build();

    assertThat(inspect("--audience", iap.audience().value(), "--keys", keys.toString(), token))
        .isZero();
    assertThat(out()).contains("  PASS     signature", "Verdict: valid");
    assertNoSignature(token);
  }

  @Test
  void inspectWhenNoAudienceThenAudienceSkippedAndNeverValid() {
    String token = iap.token().build();

    assertThat(inspect("--jwks-uri", iap.jwksUri().toString(), token)).isEqualTo(Inspect.REJECTED);
    assertThat(out())
        .contains("  SKIP     audience: no --audience given")
        .contains("  PASS     claims", "  PASS     signature")
        .contains("Verdict: not valid: every other check passed, but the audience was not checked")
        .doesNotContain("Verdict: valid");
    assertNoSignature(token);
  }

  @Test
  void inspectWhenNoAudienceAndExpiredThenRejectedWithReason() {
    String token = iap.token(SecureTokenTest.PAST_EXPIRATION);

    assertThat(inspect("--jwks-uri", iap.jwksUri().toString(), token)).isEqualTo(Inspect.REJECTED);
    assertThat(out()).contains("Verdict: rejected, reason EXPIRED: ");
  }

  @Test
  void inspectWhenBadCommandLineThenExitTwo(@TempDir Path dir) {
    String token = iap.token().build();
    String jwks = iap.jwksUri().toString();

    assertThat(inspect("--jwks-uri", jwks)).isEqualTo(Main.USAGE);
    assertThat(inspect("--at", "yesterday", "--jwks-uri", jwks, token)).isEqualTo(Main.USAGE);
    assertThat(inspect("--audience", "billing", "--jwks-uri", jwks, token)).isEqualTo(Main.USAGE);
    assertThat(inspect("--jwks-uri", jwks, "--keys", "jwks.json", token)).isEqualTo(Main.USAGE);
    assertThat(inspect("--keys", dir.resolve("missing.json").toString(), token))
        .isEqualTo(Main.USAGE);
    assertThat(inspect("--colour", token)).isEqualTo(Main.USAGE);
    assertThat(inspect(token, token)).isEqualTo(Main.USAGE);
    assertThat(out()).isEmpty();
    assertThat(err()).contains("iap-verifier inspect: ").contains("--at needs an ISO-8601 instant");
    assertNoSignature(token);
  }

  @Test
  void inspectWhenClaimHasControlCharactersThenEscaped() {
    String token = iap.token().claim("note", "a\u001b[2Jb").build();

    assertThat(inspectToken(token)).isZero();
    assertThat(out()).contains("  note: a\\u001b[2Jb").doesNotContain("\u001b");
  }
}
