package io.github.iapverifier.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iapverifier.emulator.HostRule.Authority;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Host rule's decisions that the HTTP tests cannot reach: port 80 (not bindable in tests),
 * bind names and addresses other than loopback.
 */
class HostRuleTest {

  private static boolean allows(HostRule rule, String host) {
    return HostRule.parse(host).map(rule::allows).orElse(false);
  }

  @Test
  void allowsWhenEmulatorOnPort80ThenHostWithoutPortOrWithPort80Accepted() {
    HostRule rule = new HostRule(InetAddress.getLoopbackAddress(), "127.0.0.1", 80, List.of());

    assertThat(allows(rule, "localhost")).isTrue();
    assertThat(allows(rule, "localhost:80")).isTrue();
    assertThat(allows(rule, "127.0.0.1")).isTrue();
    assertThat(allows(rule, "[::1]")).isTrue();
    assertThat(allows(rule, "localhost:8080")).isFalse();
    assertThat(allows(rule, "attacker.example")).isFalse();
  }

  @Test
  void allowsWhenEmulatorOnOtherPortThenHostWithoutPortRefused() {
    HostRule rule = new HostRule(InetAddress.getLoopbackAddress(), "127.0.0.1", 8080, List.of());

    assertThat(allows(rule, "localhost")).isFalse();
    assertThat(allows(rule, "localhost:80")).isFalse();
    assertThat(allows(rule, "localhost:8080")).isTrue();
  }

  @Test
  void allowsWhenBoundToANameThenThatNameWithThePortAccepted() {
    HostRule rule = new HostRule(InetAddress.getLoopbackAddress(), "DevBox.lan", 8080, List.of());

    assertThat(allows(rule, "devbox.lan:8080")).isTrue();
    assertThat(allows(rule, "devbox.lan:9000")).isFalse();
    assertThat(allows(rule, "other.lan:8080")).isFalse();
  }

  @Test
  void allowsWhenBoundToAnAddressThenThatAddressAcceptedAndOtherAddressesNot() throws Exception {
    InetAddress lan = InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 10});
    HostRule rule = new HostRule(lan, "192.0.2.10", 8080, List.of());

    assertThat(allows(rule, "192.0.2.10:8080")).isTrue();
    assertThat(allows(rule, "192.0.2.11:8080")).isFalse();
    // A leading zero is octal to some parsers: not the same literal.
    assertThat(allows(rule, "192.0.2.010:8080")).isFalse();
  }

  @Test
  void sameOriginWhenOriginNamesTheRequestsHostThenTrue() {
    Authority host = HostRule.parse("LocalHost:8080").orElseThrow();

    assertThat(HostRule.sameOrigin("http://localhost:8080", host)).isTrue();
    assertThat(HostRule.sameOrigin("http://localhost", host)).isFalse();
    assertThat(HostRule.sameOrigin("http://localhost", HostRule.parse("localhost:80").orElseThrow()))
        .isTrue();
    assertThat(HostRule.sameOrigin("null", host)).isFalse();
    assertThat(HostRule.sameOrigin("", host)).isFalse();
  }

  @Test
  void checkAllowedHostWhenNotABareHostThenRefusedSayingWhatIsExpected() {
    assertThat(HostRule.checkAllowedHost(" App.Test ")).isEqualTo("app.test");
    assertThat(HostRule.checkAllowedHost("[fd00::2]")).isEqualTo("[fd00::2]");
    for (String bad : List.of("app.test:9000", "http://app.test", "*.test", "", "app test")) {
      assertThatThrownBy(() -> HostRule.checkAllowedHost(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a host name like laptop.local");
    }
  }
}
