package io.github.iapverifier.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's example for the other proxies' fakes, run as written; the README holds it. */
class OtherProxiesReadmeTest {

  @Test
  void readmeWhenOtherProxiesThenExampleIsThisTest() throws Exception {
    String source =
        Files.readString(
            Path.of("src/test/java/io/github/iapverifier/test/OtherProxiesReadmeTest.java"));
    String example =
        source.substring(
            source.indexOf("// readme:start\n") + "// readme:start\n".length(),
            source.indexOf("    // readme:end\n"));

    assertThat(Files.readString(Path.of("README.md"))).contains(example.stripTrailing().stripIndent());
  }

  @Test
  void fakesWhenTokensMintedThenTheirVerifiersAccept() {
    // readme:start
    try (FakeCloudflareAccess access = FakeCloudflareAccess.start();
        FakeAwsAlb alb = FakeAwsAlb.start();
        FakePomerium pomerium = FakePomerium.builder().algorithm("RS256").start();
        IapVerifier cf = access.verifierBuilder().build();
        IapVerifier aws = alb.verifierBuilder().build();
        IapVerifier pom = pomerium.verifierBuilder().build()) {
      IapIdentity ana = cf.verify(access.token().email("ana@example.com").build());
      IapIdentity bot = cf.verify(access.token().serviceToken("88bf3b6d.access").build());
      IapIdentity bob = aws.verify(alb.token().email("bob@example.com").username("bob").build());
      IapIdentity eve = pom.verify(pomerium.token().email("eve@example.com").groups("ops").build());

      assertThat(ana.email()).isEqualTo("ana@example.com");
      assertThat(bot.subject()).isEqualTo("service-token:88bf3b6d.access");
      assertThat(bob.claims()).containsEntry("username", "bob");
      assertThat(eve.groups()).containsExactly("ops");
    }
    // readme:end
  }
}
