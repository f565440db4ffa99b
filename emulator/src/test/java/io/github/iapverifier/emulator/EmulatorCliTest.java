package io.github.iapverifier.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.iapverifier.IapVerifier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, in-process: flags, help, start-up errors and the printed settings. */
class EmulatorCliTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<Emulator> started = new ArrayList<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    started.forEach(Emulator::close);
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }

  private int run(String... args) {
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        started::add);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private TestUpstream upstream() {
    TestUpstream upstream = new TestUpstream();
    toClose.add(upstream);
    return upstream;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void helpWhenAskedThenListsEveryOptionAndSpecialUrlAndStartsNothing() {
    assertThat(run("--help")).isZero();

    assertThat(out())
        .contains("Usage: java -jar iap-verifier-emulator.jar --upstream URL")
        .contains("--upstream URL", "--port N", "--bind ADDRESS", "--audience AUDIENCE")
        .contains("--allowed-hosts NAME[,NAME]")
        .contains("--users FILE|LIST", "--wait-for-upstream SECONDS", "-V, --version", "-h, --help")
        .contains("/projects/1/apps/local-dev", "127.0.0.1", "8080")
        .contains("gcp-iap-mode=CLEAR_LOGIN_COOKIE", "gcp-iap-mode=IDENTITY")
        .contains("gcp-iap-mode=SECURE_TOKEN_TEST&iap-secure-token-test-type=TYPE")
        .contains("/_gcp_iap/signin", "/iap/verify/public_key-jwk");
    assertThat(started).isEmpty();
    assertThat(run("-h")).isZero();
  }

  @Test
  void versionWhenAskedThenPrintsOneLineAndStartsNothing() {
    assertThat(run("--version", "--upstream", "http://localhost:1")).isZero();

    assertThat(out()).startsWith("iap-verifier-emulator ").hasLineCount(1);
    assertThat(started).isEmpty();
    assertThat(run("-V")).isZero();
  }

  @Test
  void startWhenNoUpstreamThenUsageError() {
    assertThat(run("--port", "0")).isEqualTo(Main.USAGE);

    assertThat(err()).contains("no upstream").contains("--upstream").contains("--help");
    assertThat(started).isEmpty();
  }

  @Test
  void startWhenUnknownOptionThenUsageErrorNamingIt() {
    assertThat(run("--upstream", "http://localhost:1", "--prot", "8080")).isEqualTo(Main.USAGE);

    assertThat(err()).contains("unknown option '--prot'");
  }

  @Test
  void startWhenOptionLacksValueThenUsageError() {
    assertThat(run("--upstream")).isEqualTo(Main.USAGE);

    assertThat(err()).contains("option --upstream needs a value");
  }

  @Test
  void startWhenPortNotANumberOrOutOfRangeThenUsageError() {
    assertThat(run("--upstream", "http://localhost:1", "--port", "eighty")).isEqualTo(Main.USAGE);
    assertThat(run("--upstream", "http://localhost:1", "--port=70000")).isEqualTo(Main.USAGE);

    assertThat(err())
        .contains("option --port needs a whole number >= 0, not 'eighty'")
        .contains("port must be 0 to 65535, was 70000");
  }

  @Test
  void startWhenAudienceInvalidThenUsageErrorWithTheExpectedForms() {
    assertThat(run("--upstream", "http://localhost:1", "--audience", "/projects/0/apps/local"))
        .isEqualTo(Main.USAGE);

    assertThat(err()).contains("'/projects/0/apps/local' is not an IAP audience")
        .contains("/projects/PROJECT_NUMBER/apps/PROJECT_ID");
  }

  @Test
  void startWhenAllowedHostHasAPortThenUsageErrorSayingEveryPortIsAllowed() {
    assertThat(run("--upstream", "http://localhost:1", "--allowed-hosts", "app.test,laptop:9000"))
        .isEqualTo(Main.USAGE);

    assertThat(err())
        .contains("allowed host 'laptop:9000' is not a host name")
        .contains("every port is allowed");
    assertThat(started).isEmpty();
  }

  @Test
  void startWhenAllowedHostsGivenThenTheyAreAcceptedInHost() throws Exception {
    TestUpstream upstream = upstream();

    assertThat(run("--upstream", upstream.uri().toString(), "--port=0",
        "--allowed-hosts=app.test,laptop.local")).isZero();

    int port = started.get(0).port();
    assertThat(RawHttp.get(port, "/", "Host: laptop.local:9000").status()).isEqualTo(302);
    assertThat(RawHttp.get(port, "/", "Host: app.test").status()).isEqualTo(302);
    assertThat(RawHttp.get(port, "/", "Host: other.test:" + port).status()).isEqualTo(421);
  }

  @Test
  void startWhenUpstreamHasAPathThenUsageError() {
    assertThat(run("--upstream", "http://localhost:8081/app")).isEqualTo(Main.USAGE);

    assertThat(err()).contains("is not of the form http://HOST:PORT (no path)");
  }

  @Test
  void startWhenUsersEntryMalformedThenUsageErrorNamingIt() {
    assertThat(run("--upstream", "http://localhost:1", "--users", "ana@example.com role=admin"))
        .isEqualTo(Main.USAGE);

    assertThat(err()).contains("unknown attribute 'role=admin'");
  }

  @Test
  void startWhenUsersFileMissingThenUsageError() {
    assertThat(run("--upstream", "http://localhost:1", "--users", "no-such-users.txt"))
        .isEqualTo(Main.USAGE);

    assertThat(err()).contains("cannot read users file 'no-such-users.txt'");
  }

  @Test
  void startWhenPortTakenThenFailsWithAClearMessage() throws Exception {
    TestUpstream upstream = upstream();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int status =
          run("--upstream", upstream.uri().toString(), "--port", String.valueOf(taken.getLocalPort()));

      assertThat(status).isEqualTo(Main.START_FAILED);
      assertThat(err())
          .contains("cannot start: port " + taken.getLocalPort() + " on 127.0.0.1 is already in use")
          .contains("--port");
      assertThat(started).isEmpty();
    }
  }

  @Test
  void startWhenUpstreamUnreachableThenFailsSayingHowToWait() throws Exception {
    int closed = freePort();

    int status = run("--upstream", "http://127.0.0.1:" + closed, "--port", "0");

    assertThat(status).isEqualTo(Main.START_FAILED);
    assertThat(err())
        .contains("cannot start: upstream http://127.0.0.1:" + closed + " is not reachable")
        .contains("--wait-for-upstream SECONDS");
    assertThat(started).isEmpty();
  }

  @Test
  void startWhenUpstreamStaysDownWhileWaitingThenFailsAfterTheWait() throws Exception {
    int closed = freePort();
    long begin = System.nanoTime();

    int status =
        run("--upstream", "http://127.0.0.1:" + closed, "--port", "0", "--wait-for-upstream", "1");

    assertThat(status).isEqualTo(Main.START_FAILED);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin)).isGreaterThanOrEqualTo(1000);
    assertThat(err()).contains("is not reachable").contains("within 1 s");
  }

  @Test
  void startWhenUpstreamComesUpDuringTheWaitThenStarts() throws Exception {
    int port = freePort();
    CompletableFuture<Integer> status =
        CompletableFuture.supplyAsync(
            () -> run("--upstream", "http://127.0.0.1:" + port, "--port", "0",
                "--wait-for-upstream", "20"));
    await("still waiting for the upstream")
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(10))
        .until(() -> !status.isDone());

    try (ServerSocket app = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
      assertThat(status.get(20, TimeUnit.SECONDS)).isZero();
    }
    assertThat(started).hasSize(1);
  }

  @Test
  void startWhenProxyUnknownThenUsageErrorNamingTheProxies() {
    assertThat(run("--upstream", "http://localhost:1", "--proxy", "traefik"))
        .isEqualTo(Main.USAGE);

    assertThat(err()).contains("unknown proxy 'traefik'").contains("cloudflare-access");
    assertThat(started).isEmpty();
  }

  @Test
  void startWhenAwsAlbWithAudienceThenUsageError() {
    assertThat(run("--upstream", "http://localhost:1", "--proxy", "aws-alb", "--audience", "x"))
        .isEqualTo(Main.USAGE);

    assertThat(err()).contains("--audience does not apply to aws-alb");
  }

  @Test
  void startWhenCloudflareAccessThenPrintsItsPropertiesAndInitParamsThatWork() throws Exception {
    TestUpstream upstream = upstream();

    int status =
        run("--upstream", upstream.uri().toString(), "--port", "0",
            "--proxy", "cloudflare-access", "--audience", "b2658aud");

    assertThat(status).isZero();
    Emulator emulator = started.get(0);
    String base = "http://127.0.0.1:" + emulator.port();
    assertThat(out())
        .contains("Playing cloudflare-access: signed assertions in Cf-Access-Jwt-Assertion\n")
        .contains("iap.proxy=cloudflare-access\n")
        .contains("iap.cloudflare-access.audiences=b2658aud\n")
        .contains("iap.cloudflare-access.jwks-uri=" + base + "/cdn-cgi/access/certs\n")
        .contains("team-domain = https://fake-team.cloudflareaccess.com\n")
        .contains("proxy = cloudflare-access\n");
    try (IapVerifier verifier = EmulatorOtherProxiesTest.verifierFor(emulator)) {
      String cookie = Http.signIn(emulator.baseUri(), "ana@example.com", "", "");
      Http.get(emulator.baseUri(), "/", cookie);
      assertThat(
              verifier
                  .verify(upstream.next().header("Cf-Access-Jwt-Assertion").get(0))
                  .audience())
          .isEqualTo("b2658aud");
    }
  }

  @Test
  void startWhenFineThenPrintsTheExactSettingsAndTheyWork() throws Exception {
    TestUpstream upstream = upstream();

    int status =
        run("--upstream", upstream.uri().toString(), "--port", "0",
            "--audience", "/projects/42/global/backendServices/99");

    assertThat(status).isZero();
    Emulator emulator = started.get(0);
    String base = "http://127.0.0.1:" + emulator.port();
    assertThat(out())
        .contains("IAP emulator listening on " + base + " -> " + upstream.uri())
        .contains("iap.jwks-uri=" + base + "/iap/verify/public_key-jwk\n")
        .contains("iap.audiences=/projects/42/global/backendServices/99\n")
        .contains("jwks-uri = " + base + "/iap/verify/public_key-jwk\n")
        .contains("audiences = /projects/42/global/backendServices/99\n")
        .contains("Open " + base + "/ in a browser")
        .doesNotContain("WARNING");

    // Configure a verifier exactly as printed: it must accept what the app receives.
    Matcher jwks = Pattern.compile("iap\\.jwks-uri=(\\S+)").matcher(out());
    Matcher audience = Pattern.compile("iap\\.audiences=(\\S+)").matcher(out());
    assertThat(jwks.find() && audience.find()).isTrue();
    try (IapVerifier verifier =
        IapVerifier.builder().audiences(audience.group(1)).jwksUri(URI.create(jwks.group(1)))
            .build()) {
      String cookie = Http.signIn(emulator.baseUri(), "ana@example.com", "example.com", "");
      Http.get(emulator.baseUri(), "/", cookie);
      assertThat(verifier.verify(upstream.next().assertion()).email())
          .isEqualTo("ana@example.com");
    }
  }

  @Test
  void usersWhenFileGivenThenItsAccountsAreOfferedOnTheSignInPage(@TempDir Path dir)
      throws Exception {
    TestUpstream upstream = upstream();
    Path users = Files.writeString(dir.resolve("users.txt"),
        "# who can sign in\n"
            + "admin@example.com hd=example.com levels=accessPolicies/1/accessLevels/admin\n"
            + "\n"
            + "bob@gmail.com\n");

    assertThat(run("--upstream", upstream.uri().toString(), "--port", "0", "--users",
        users.toString())).isZero();

    assertThat(started.get(0).presets())
        .containsExactly(
            EmulatedUser.of("admin@example.com", "example.com",
                "accessPolicies/1/accessLevels/admin"),
            EmulatedUser.of("bob@gmail.com", null));
    HttpResponse<String> page = Http.get(started.get(0).baseUri(), "/_gcp_iap/signin", null);
    assertThat(page.body()).contains("data-email=\"admin@example.com\"", "data-email=\"bob@gmail.com\"");
  }

  @Test
  void usersWhenListGivenThenParsedInOrder() throws Exception {
    TestUpstream upstream = upstream();

    assertThat(run("--upstream", upstream.uri().toString(), "--port=0",
        "--users=ana@example.com hd=example.com; bob@gmail.com")).isZero();

    assertThat(started.get(0).presets())
        .containsExactly(
            EmulatedUser.of("ana@example.com", "example.com"), EmulatedUser.of("bob@gmail.com", null));
  }

  @Test
  void emulatedUserWhenTextFormThenReadsBack() {
    EmulatedUser user =
        EmulatedUser.of("ana@example.com", "example.com", "accessPolicies/1/accessLevels/a",
            "accessPolicies/1/accessLevels/b");

    assertThat(EmulatedUser.parse(user.toString())).isEqualTo(user);
    assertThat(EmulatedUser.fromCookieValue(user.toCookieValue())).contains(user);
    assertThat(EmulatedUser.fromCookieValue("%%%")).isEmpty();
  }
}
