package io.github.iapverifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's core quick start true: it compiles and runs here.
 *
 * <p>The snippet is the lines between the {@code tag::quickstart[]} and {@code end::quickstart[]}
 * comments, all regions in order (AsciiDoc include semantics). The one line outside them swaps
 * Google's published keys for this test's key, so no network is needed.
 */
class QuickStartTest {

  /** Stands in for a servlet request. */
  private record Request(Map<String, String> headers) {
    String getHeader(String name) {
      return headers.get(name);
    }
  }

  @Test
  void quickStartWhenRunThenReadsTheIdentity() {
    TestIap iap = new TestIap();
    Map<String, Object> claims = TestIap.claims(Instant.now());
    claims.put("google", Map.of("access_levels", List.of("accessPolicies/1/accessLevels/corp")));
    Request request = new Request(Map.of("x-goog-iap-jwt-assertion", iap.token(claims)));

    // tag::quickstart[]
    IapVerifier verifier =
        IapVerifier.builder()
            .audiences(IapAudience.cloudRun(123456789012L, "europe-west1", "billing"))
            .allowedHostedDomains("example.com") // optional: others get 403
            .requiredAccessLevels("accessPolicies/1/accessLevels/corp") // optional
            // end::quickstart[]
            .keySource(iap.keySource())
            // tag::quickstart[]
            .build(); // Google's keys, 30 s clock skew, verified-token cache: all by default

    // Per request; throws IapVerificationException (with a reason()) unless IAP vouches for it.
    IapIdentity who = verifier.verify(request.getHeader("x-goog-iap-jwt-assertion"));
    String email = who.email(); // ada@example.com
    String subject = who.subject(); // accounts.google.com:1137...
    Optional<String> domain = who.hostedDomain(); // example.com (Workspace accounts)
    List<String> levels = who.accessLevels();
    // end::quickstart[]

    assertThat(email).isEqualTo(TestIap.EMAIL);
    assertThat(subject).isEqualTo(TestIap.SUBJECT);
    assertThat(domain).contains(TestIap.DOMAIN);
    assertThat(levels).containsExactly("accessPolicies/1/accessLevels/corp");
    assertThat(verifier.audiences()).containsExactly(IapAudience.of(TestIap.AUDIENCE));
  }
  @Test
  void readmeWhenCoreQuickStartThenShowsExactlyTheCodeRunHere() throws IOException {
    String source = Files.readString(Path.of("src/test/java/io/github/iapverifier/QuickStartTest.java"));
    String readme = Files.readString(Path.of("../README.md"));

    assertThat(readme).contains("```java\n" + taggedRegions(source, "quickstart") + "```");
  }

  /** Every region between "// tag::NAME[]" and "// end::NAME[]" lines, in order, de-indented. */
  static String taggedRegions(String source, String name) {
    List<String> lines = new java.util.ArrayList<>();
    boolean inside = false;
    for (String line : source.split("\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.equals("// tag::" + name + "[]")) {
        inside = true;
      } else if (trimmed.equals("// end::" + name + "[]")) {
        inside = false;
      } else if (inside) {
        lines.add(line);
      }
    }
    int indent =
        lines.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    StringBuilder out = new StringBuilder();
    lines.forEach(l -> out.append(l.isBlank() ? "" : l.substring(indent)).append('\n'));
    return out.toString();
  }
}
