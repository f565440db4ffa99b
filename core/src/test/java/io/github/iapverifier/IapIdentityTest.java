package io.github.iapverifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a verified assertion yields, for each kind of account IAP vouches for. */
class IapIdentityTest {

  private static final String CORP = "accessPolicies/229715488741/accessLevels/corp_devices";
  private static final String LONDON = "accessPolicies/229715488741/accessLevels/london_office";
  private static final String GCIP_PREFIX = "securetoken.google.com/my-project:";

  private final TestIap iap = new TestIap();
  private final IapVerifier verifier = iap.verifier();

  @Test
  void verifyWhenWorkspaceAccountThenIdentityWithHostedDomain() {
    IapIdentity identity = verifier.verify(iap.token());

    assertThat(identity.email()).isEqualTo(TestIap.EMAIL);
    assertThat(identity.subject()).isEqualTo(TestIap.SUBJECT);
    assertThat(identity.hostedDomain()).contains(TestIap.DOMAIN);
    assertThat(identity.accessLevels()).isEmpty();
    assertThat(identity.issuedAt()).isEqualTo(TestIap.NOW);
    assertThat(identity.expiresAt()).isEqualTo(TestIap.NOW.plusSeconds(600));
    assertThat(identity.audience()).isEqualTo(TestIap.AUDIENCE);
    assertThat(identity.source()).isEqualTo(IapIdentity.Source.GOOGLE);
    assertThat(identity.identityPlatform()).isEmpty();
    assertThat(identity.claims())
        .containsEntry("iss", IapVerifier.ISSUER)
        .containsEntry("hd", TestIap.DOMAIN);
  }

  @Test
  void verifyWhenConsumerAccountThenNoHostedDomain() {
    Map<String, Object> claims = TestIap.claims();
    claims.remove("hd");
    claims.put("email", "ada.lovelace@gmail.com");

    IapIdentity identity = verifier.verify(iap.token(claims));

    assertThat(identity.email()).isEqualTo("ada.lovelace@gmail.com");
    assertThat(identity.hostedDomain()).isEmpty();
    assertThat(identity.source()).isEqualTo(IapIdentity.Source.GOOGLE);
  }

  @Test
  void verifyWhenIdentitySourceAbsentThenGoogle() {
    Map<String, Object> claims = TestIap.claims();
    claims.remove("identity_source");
    assertThat(verifier.verify(iap.token(claims)).source()).isEqualTo(IapIdentity.Source.GOOGLE);
  }

  // Regression (issue 14): anything but exactly "GCIP" used to be classified as a Google account.
  @ParameterizedTest
  @ValueSource(strings = {"WORKFORCE_IDENTITY_FEDERATION", "gcip", "google", "", "GOOGLE "})
  void verifyWhenIdentitySourceIsNeitherGoogleNorGcipThenOtherWithRawClaimKept(String claim) {
    Map<String, Object> claims = TestIap.claims();
    claims.put("identity_source", claim);

    IapIdentity identity = verifier.verify(iap.token(claims));

    assertThat(identity.source()).isEqualTo(IapIdentity.Source.OTHER);
    assertThat(identity.claims()).containsEntry("identity_source", claim);
  }

  @Test
  void verifyWhenIdentitySourceAbsentAndSubjectNotAGoogleAccountThenOther() {
    Map<String, Object> claims = TestIap.claims();
    claims.remove("identity_source");
    claims.put("sub", "principal://iam.googleapis.com/locations/global/workforcePools/p/subject/x");

    assertThat(verifier.verify(iap.token(claims)).source()).isEqualTo(IapIdentity.Source.OTHER);
  }

  @Test
  void verifyWhenGcipObjectPresentThenGcipWhateverTheClaim() {
    for (String claim : new String[] {null, "GOOGLE", "WORKFORCE_IDENTITY_FEDERATION"}) {
      Map<String, Object> claims = identityPlatformClaims();
      claims.put("identity_source", claim);

      assertThat(verifier.verify(iap.token(claims)).source())
          .as(claim)
          .isEqualTo(IapIdentity.Source.GCIP);
    }
  }

  @Test
  void verifyWhenIdentityPlatformUserThenPrefixedIdentityAndDetails() {
    IapIdentity identity = verifier.verify(iap.token(identityPlatformClaims()));

    // The prefix stays, so that an external identity never passes for the same Google account.
    assertThat(identity.email()).isEqualTo(GCIP_PREFIX + "grace@partner.example");
    assertThat(identity.subject()).isEqualTo(GCIP_PREFIX + "kT3bG7pQ9xZ2");
    assertThat(identity.source()).isEqualTo(IapIdentity.Source.GCIP);
    assertThat(identity.hostedDomain()).isEmpty();
    IapIdentity.IdentityPlatform gcip = identity.identityPlatform().orElseThrow();
    assertThat(gcip.email()).contains("grace@partner.example");
    assertThat(gcip.emailVerified()).isTrue();
    assertThat(gcip.displayName()).contains("Grace Hopper");
    assertThat(gcip.tenantId()).contains("partners-x7k2m");
    assertThat(gcip.signInProvider()).contains("saml.partner");
    assertThat(gcip.claims()).containsEntry("auth_time", 1772442000L).containsKey("firebase");
  }

  @Test
  void verifyWhenIdentityPlatformDetailsSparseThenEmptyOptionals() {
    Map<String, Object> claims = identityPlatformClaims();
    claims.put("gcip", Map.of("sub", "kT3bG7pQ9xZ2"));

    IapIdentity.IdentityPlatform gcip =
        verifier.verify(iap.token(claims)).identityPlatform().orElseThrow();

    assertThat(gcip.email()).isEmpty();
    assertThat(gcip.emailVerified()).isFalse();
    assertThat(gcip.displayName()).isEmpty();
    assertThat(gcip.tenantId()).isEmpty();
    assertThat(gcip.signInProvider()).isEmpty();
  }

  @Test
  void verifyWhenAccessLevelsThenExposedInOrder() {
    IapIdentity identity = verifier.verify(iap.token(withAccessLevels(List.of(CORP, LONDON))));

    assertThat(identity.accessLevels()).containsExactly(CORP, LONDON);
    assertThat(identity.hasAccessLevel(CORP)).isTrue();
    assertThat(identity.hasAccessLevel("accessPolicies/229715488741/accessLevels/other")).isFalse();
  }

  @Test
  void verifyWhenGoogleClaimWithoutAccessLevelsThenNone() {
    Map<String, Object> claims = TestIap.claims();
    claims.put("google", Map.of("something_new", true));
    assertThat(verifier.verify(iap.token(claims)).accessLevels()).isEmpty();
  }

  @Test
  void verifyWhenUnknownClaimsThenToleratedAndKept() {
    Map<String, Object> claims = TestIap.claims();
    claims.put("azp", "1234567890-abc.apps.googleusercontent.com");
    claims.put("future_claim", Map.of("nested", List.of(1, "two", true)));
    claims.put("nothing", null);

    IapIdentity identity = verifier.verify(iap.token(claims));

    assertThat(identity.claims())
        .containsEntry("azp", "1234567890-abc.apps.googleusercontent.com")
        .containsKey("future_claim");
  }

  @Test
  void verifyWhenClaimsReadThenUnmodifiableAtEveryDepth() {
    Map<String, Object> claims = withAccessLevels(List.of(CORP));
    claims.put("gcip", Map.of("firebase", Map.of("identities", Map.of("email", List.of("a@b.c")))));
    IapIdentity identity = verifier.verify(iap.token(claims));

    assertThatThrownBy(() -> identity.claims().put("email", "mallory@example.com"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> identity.accessLevels().add(LONDON))
        .isInstanceOf(UnsupportedOperationException.class);
    Map<String, Object> google = nested(identity.claims(), "google");
    assertThatThrownBy(() -> google.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    List<Object> levels = (List<Object>) google.get("access_levels");
    assertThatThrownBy(() -> levels.add(LONDON)).isInstanceOf(UnsupportedOperationException.class);
    Map<String, Object> firebase =
        nested(identity.identityPlatform().orElseThrow().claims(), "firebase");
    assertThatThrownBy(() -> firebase.clear()).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    List<Object> emails = (List<Object>) nested(firebase, "identities").get("email");
    assertThatThrownBy(() -> emails.set(0, "x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void constructWhenCallerKeepsItsCollectionsThenIdentityUnaffected() {
    List<String> levels = new ArrayList<>(List.of(CORP));
    Map<String, Object> claims = new HashMap<>(Map.of("email", TestIap.EMAIL));
    IapIdentity identity =
        new IapIdentity(
            TestIap.EMAIL,
            TestIap.SUBJECT,
            Optional.empty(),
            levels,
            Instant.EPOCH,
            Instant.EPOCH,
            TestIap.AUDIENCE,
            IapIdentity.Source.GOOGLE,
            Optional.empty(),
            claims);
    levels.add(LONDON);
    claims.put("email", "mallory@example.com");

    assertThat(identity.accessLevels()).containsExactly(CORP);
    assertThat(identity.claims()).containsEntry("email", TestIap.EMAIL);
  }

  @Test
  void verifyWhenNestedMemberDuplicatedThenLastValueWins() {
    // Top-level duplicates are rejected (see the hostile-input suite). Inside nested objects
    // nimbus keeps the last value, which RFC 7519 section 4 allows; IAP signs every byte of it.
    String json = nimbusJson(TestIap.claims());
    String duplicated =
        json.substring(0, json.length() - 1)
            + ",\"google\":{\"access_levels\":[\""
            + CORP
            + "\"],\"access_levels\":[\""
            + LONDON
            + "\"]}}";

    IapIdentity identity = verifier.verify(iap.sign(nimbusJson(iap.header()), duplicated));

    assertThat(identity.accessLevels()).containsExactly(LONDON);
  }

  @Test
  void toStringWhenLoggedThenNoRawClaims() {
    Map<String, Object> claims = TestIap.claims();
    claims.put("secret_note", "do-not-log-this");
    assertThat(verifier.verify(iap.token(claims)).toString())
        .contains(TestIap.EMAIL)
        .doesNotContain("do-not-log-this");
  }

  private static Map<String, Object> identityPlatformClaims() {
    Map<String, Object> claims = TestIap.claims();
    claims.remove("hd");
    claims.put("identity_source", "GCIP");
    claims.put("sub", GCIP_PREFIX + "kT3bG7pQ9xZ2");
    claims.put("email", GCIP_PREFIX + "grace@partner.example");
    claims.put(
        "gcip",
        Map.of(
            "auth_time",
            1772442000L,
            "email",
            "grace@partner.example",
            "email_verified",
            true,
            "name",
            "Grace Hopper",
            "firebase",
            Map.of("tenant", "partners-x7k2m", "sign_in_provider", "saml.partner")));
    return claims;
  }

  private static Map<String, Object> withAccessLevels(List<String> levels) {
    Map<String, Object> claims = TestIap.claims();
    claims.put("google", Map.of("access_levels", levels));
    return claims;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> nested(Map<String, Object> map, String name) {
    return (Map<String, Object>) map.get(name);
  }

  private static String nimbusJson(Map<String, Object> map) {
    return JSONObjectUtils.toJSONString(map);
  }
}
