package io.github.iapverifier;

import static io.github.iapverifier.TestIap.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iapverifier.IapVerificationException.Reason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The optional policy: allowed hosted domains and required access levels, 403-class. */
class IapVerifierPolicyTest {

  private static final String CORP = "accessPolicies/229715488741/accessLevels/corp_devices";
  private static final String LONDON = "accessPolicies/229715488741/accessLevels/london_office";

  private final TestIap iap = new TestIap();

  @ParameterizedTest
  @ValueSource(strings = {"example.com", "EXAMPLE.COM", "Example.Com", " example.com "})
  void verifyWhenHostedDomainAllowedInAnyCaseThenAccepted(String allowed) {
    IapVerifier verifier = iap.verifierBuilder().allowedHostedDomains("other.org", allowed).build();
    assertThat(verifier.verify(tokenWithDomain("Example.COM")).email()).isEqualTo(TestIap.EMAIL);
    assertThat(verifier.verify(iap.token()).email()).isEqualTo(TestIap.EMAIL);
  }

  @Test
  void verifyWhenHostedDomainNotAllowedThenPolicyDenied() {
    IapVerifier verifier = iap.verifierBuilder().allowedHostedDomains("other.org").build();
    IapVerificationException e = assertRejected(verifier, iap.token(), Reason.POLICY_DENIED);
    assertThat(e.getMessage()).contains(TestIap.DOMAIN).contains("other.org");
  }

  // Regression (issue 14): toLowerCase(Locale.ROOT) folded the Kelvin sign U+212A into 'k'.
  @Test
  void verifyWhenHostedDomainHasKelvinSignThenPolicyDenied() {
    IapVerifier verifier = iap.verifierBuilder().allowedHostedDomains("kelvin.example").build();
    assertThat(verifier.verify(tokenWithDomain("KELVIN.example")).email()).isEqualTo(TestIap.EMAIL);

    IapVerificationException e =
        assertRejected(verifier, tokenWithDomain("\u212Aelvin.example"), Reason.POLICY_DENIED);
    assertThat(e.getMessage()).contains("?elvin.example");
  }

  @Test
  void allowedHostedDomainsWhenNotAsciiThenRejectedAskingForPunycode() {
    assertThatThrownBy(() -> iap.verifierBuilder().allowedHostedDomains("\u212Aelvin.example"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ASCII")
        .hasMessageContaining("punycode");
  }

  @Test
  void verifyWhenSubdomainOfAllowedDomainThenPolicyDenied() {
    // hd names the Workspace domain exactly; suffix matching would let other tenants in.
    IapVerifier verifier = iap.verifierBuilder().allowedHostedDomains("example.com").build();
    assertRejected(verifier, tokenWithDomain("evil.example.com"), Reason.POLICY_DENIED);
    assertRejected(verifier, tokenWithDomain("notexample.com"), Reason.POLICY_DENIED);
  }

  @Test
  void verifyWhenConsumerAccountAndDomainsRestrictedThenPolicyDenied() {
    IapVerifier verifier = iap.verifierBuilder().allowedHostedDomains("example.com").build();
    Map<String, Object> claims = TestIap.claims();
    claims.remove("hd");
    claims.put("email", "someone@example.com"); // the address alone proves nothing
    IapVerificationException e = assertRejected(verifier, iap.token(claims), Reason.POLICY_DENIED);
    assertThat(e.getMessage()).contains("no hosted domain");
  }

  @Test
  void verifyWhenAllRequiredAccessLevelsHeldThenAccepted() {
    IapVerifier verifier = iap.verifierBuilder().requiredAccessLevels(CORP, LONDON).build();
    IapIdentity identity =
        verifier.verify(tokenWithLevels(List.of(LONDON, "accessPolicies/1/accessLevels/x", CORP)));
    assertThat(identity.accessLevels()).contains(CORP, LONDON);
  }

  @Test
  void verifyWhenARequiredAccessLevelMissingThenPolicyDenied() {
    IapVerifier verifier = iap.verifierBuilder().requiredAccessLevels(CORP, LONDON).build();
    IapVerificationException e =
        assertRejected(verifier, tokenWithLevels(List.of(CORP)), Reason.POLICY_DENIED);
    assertThat(e.getMessage()).contains(LONDON).doesNotContain(CORP);
    assertRejected(verifier, iap.token(), Reason.POLICY_DENIED);
  }

  @Test
  void verifyWhenPolicyDeniedThenNotCachedAsVerified() {
    // A denial must hold on every repeat, not only on the first one.
    IapVerifier verifier = iap.verifierBuilder().requiredAccessLevels(CORP).build();
    String token = iap.token();
    assertRejected(verifier, token, Reason.POLICY_DENIED);
    assertRejected(verifier, token, Reason.POLICY_DENIED);
  }

  @Test
  void verifyWhenPolicyCombinedThenBothApply() {
    IapVerifier verifier =
        iap.verifierBuilder()
            .allowedHostedDomains("example.com")
            .requiredAccessLevels(CORP)
            .build();
    assertThat(verifier.verify(tokenWithLevels(List.of(CORP))).email()).isEqualTo(TestIap.EMAIL);
    assertRejected(verifier, iap.token(), Reason.POLICY_DENIED);
    Map<String, Object> claims = TestIap.claims();
    claims.put("hd", "other.org");
    claims.put("google", Map.of("access_levels", List.of(CORP)));
    assertRejected(verifier, iap.token(claims), Reason.POLICY_DENIED);
  }

  @Test
  void verifyWhenPolicyDeniedButSignatureBadThenBadSignature() {
    // The policy applies to verified identities only; a forgery is a 401, not a 403.
    IapVerifier verifier = iap.verifierBuilder().allowedHostedDomains("other.org").build();
    String forged = new TestIap(TestIap.generate(iap.keyId())).token();
    assertRejected(verifier, forged, Reason.BAD_SIGNATURE);
  }

  private String tokenWithDomain(String hd) {
    Map<String, Object> claims = TestIap.claims();
    claims.put("hd", hd);
    return iap.token(claims);
  }

  private String tokenWithLevels(List<String> levels) {
    Map<String, Object> claims = TestIap.claims();
    claims.put("google", Map.of("access_levels", levels));
    return iap.token(claims);
  }
}
