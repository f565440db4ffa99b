package io.github.iapverifier.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Runs a test class that uses {@link FakeIapExtension} through the real Jupiter engine and checks,
 * after the class, that the fake's port is closed and its HTTP thread gone.
 */
class FakeIapExtensionLifecycleTest {

  /** Where the class run by the engine leaves what it saw; read after the run. */
  static final List<URI> seen = new CopyOnWriteArrayList<>();

  @Test
  void extensionWhenClassFinishedThenPortClosedAndThreadGone() throws Exception {
    seen.clear();
    Set<Thread> before = httpThreads();

    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(UsesFakeIap.class))
        .execute()
        .testEvents()
        .assertStatistics(stats -> stats.started(2).succeeded(2).failed(0));

    assertThat(seen).hasSize(2).containsOnly(seen.get(0));
    URI jwks = seen.get(0);
    assertThatThrownBy(() -> connect(jwks)).isInstanceOf(ConnectException.class);
    Set<Thread> leftOver = httpThreads();
    leftOver.removeAll(before);
    await("the fake's HTTP threads end")
        .atMost(Duration.ofSeconds(30))
        .until(() -> leftOver.stream().noneMatch(Thread::isAlive));
  }

  private static void connect(URI uri) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2_000);
    }
  }

  /** The JDK HTTP server's dispatcher threads. */
  private static Set<Thread> httpThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("HTTP-Dispatcher"))
        .collect(Collectors.toSet());
  }

  /**
   * Run only through the engine above: a nested class without {@code @Nested}, which neither
   * Surefire (it skips inner classes) nor Jupiter's own discovery of the outer class runs.
   */
  @ExtendWith(FakeIapExtension.class)
  static class UsesFakeIap {

    @Test
    void first(FakeIap iap) throws IOException {
      connect(iap.jwksUri()); // listening while the class runs
      seen.add(iap.jwksUri());
    }

    @Test
    void second(FakeIap iap) {
      seen.add(iap.jwksUri());
    }
  }
}
