package io.github.iapverifier.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.auth.oauth2.TokenVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.internal.Es256;
import java.security.Signature;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Proves that every verifier the benchmarks time really verifies, before any of them is timed: each
 * accepts a good fixture token and rejects the same token with a damaged signature (and rejects
 * wrong-audience, wrong-issuer and expired tokens, so the claim checks are wired too). It builds
 * the verifiers with the very factories the benchmarks use ({@link Peers}, {@link Fixtures}).
 */
class PeersAcceptAndRejectTest {

  static final Fixtures FX = Fixtures.create();
  static final String GOOD = FX.mint(1, 10);

  /** One verifier under test: its name and how it verifies, returning the email it read. */
  record Subject(String name, Check check) {
    @Override
    public String toString() {
      return name;
    }
  }

  @FunctionalInterface
  interface Check {
    String emailOf(String token) throws Exception;
  }

  static Stream<Subject> verifiers() {
    IapVerifier uncached = Peers.iapVerifier(FX, 0);
    IapVerifier cached = Peers.iapVerifier(FX, IapVerifier.Builder.DEFAULT_TOKEN_CACHE_SIZE);
    TokenVerifier google = Peers.googleTokenVerifier(FX, new AtomicInteger());
    NimbusJwtDecoder spring = Peers.springNimbusJwtDecoder(FX, new AtomicInteger());
    DefaultJWTProcessor<SecurityContext> nimbus = Peers.nimbusJwtProcessor(FX);
    JwtConsumer jose4j = Peers.jose4jJwtConsumer(FX);
    return Stream.of(
        new Subject("iap-verifier, cache off", t -> uncached.verify(t).email()),
        new Subject("iap-verifier, cache on", t -> cached.verify(t).email()),
        new Subject(
            "Google TokenVerifier", t -> (String) google.verify(t).getPayload().get("email")),
        new Subject("Spring NimbusJwtDecoder", t -> spring.decode(t).getClaimAsString("email")),
        new Subject("nimbus DefaultJWTProcessor", t -> nimbus.process(t, null).getStringClaim("email")),
        new Subject("jose4j JwtConsumer", t -> jose4j.processToClaims(t).getStringClaimValue("email")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("verifiers")
  void acceptsAGoodToken(Subject s) throws Exception {
    assertThat(s.check.emailOf(GOOD)).isEqualTo("user1@example.com");
    assertThat(s.check.emailOf(FX.mint(2, 299))).isEqualTo("user2@example.com");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("verifiers")
  void rejectsABadSignature(Subject s) throws Exception {
    // Accepting the good token first proves the rejection is the signature's, not set-up's.
    s.check.emailOf(GOOD);
    assertThatThrownBy(() -> s.check.emailOf(Fixtures.withBadSignature(GOOD)))
        .satisfies(e -> assertThat(messages(e)).containsIgnoringCase("signature"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("verifiers")
  void rejectsWrongAudienceWrongIssuerAndExpired(Subject s) {
    String otherAudience = "/projects/518551280924/global/backendServices/1";
    assertThatThrownBy(() -> s.check.emailOf(FX.mint(3, 10, otherAudience, Fixtures.ISSUER)))
        .isNotNull();
    assertThatThrownBy(
            () -> s.check.emailOf(FX.mint(4, 10, Fixtures.AUDIENCE, "https://example.com/iap")))
        .isNotNull();
    assertThatThrownBy(() -> s.check.emailOf(FX.mint(5, 1300))).isNotNull();
  }

  @Test
  void iapVerifierNamesTheBadSignature() {
    assertThatThrownBy(() -> Peers.iapVerifier(FX, 0).verify(Fixtures.withBadSignature(GOOD)))
        .isInstanceOf(IapVerificationException.class)
        .extracting(e -> ((IapVerificationException) e).reason())
        .isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Test
  void peersFetchTheKeySetOnceFromMemory() throws Exception {
    AtomicInteger googleFetches = new AtomicInteger();
    TokenVerifier google = Peers.googleTokenVerifier(FX, googleFetches);
    AtomicInteger springFetches = new AtomicInteger();
    NimbusJwtDecoder spring = Peers.springNimbusJwtDecoder(FX, springFetches);
    for (int i = 0; i < 3; i++) {
      google.verify(FX.mint(10 + i, 1));
      spring.decode(FX.mint(10 + i, 1));
    }
    assertThat(googleFetches).hasValue(1);
    assertThat(springFetches).hasValue(1);
  }

  @Test
  void fixtureTokensAreAsLongAsRealIapOnesAndDistinct() {
    assertThat(GOOD.length()).isBetween(700, 900);
    assertThat(FX.mintPool(0, 1024)).doesNotHaveDuplicates();
    assertThat(Fixtures.copies(GOOD, 2)).allMatch(c -> c.equals(GOOD) && c != GOOD);
  }

  @Test
  void signaturePrimitivesAcceptGoodAndRejectBadSignature() throws Exception {
    byte[] input = Fixtures.signingInput(GOOD);
    byte[] bad = Fixtures.signature(Fixtures.withBadSignature(GOOD));
    Es256 es256 = Es256.of(FX.publicKey());
    assertThat(es256.verify(input, input.length, Fixtures.signature(GOOD))).isTrue();
    assertThat(es256.verify(input, input.length, bad)).isFalse();
    Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format");
    jdk.initVerify(FX.publicKey());
    jdk.update(input);
    assertThat(jdk.verify(Fixtures.signature(GOOD))).isTrue();
    jdk.update(input);
    assertThat(jdk.verify(bad)).isFalse();
  }

  private static String messages(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t).append('\n');
    }
    return all.toString();
  }
}
