package io.github.iapverifier.servlet;

import static io.github.iapverifier.IapVerifier.HEADER;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapAudience;
import io.github.iapverifier.IapVerificationException.Reason;
import io.github.iapverifier.test.FakeIap;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code servlet-filter/README.md} true: its code form is the tagged code of {@link
 * IapSetup}, compiled and run here in Jetty; its {@code web.xml} form is deployed as written in a
 * WebAppContext. The only additions are the fake IAP's key URI, marked as test-only.
 */
class QuickstartTest {

  private static final Path README = Path.of("README.md");
  private static final IapAudience RUN =
      IapAudience.cloudRun(123456789012L, "europe-west1", "billing");
  private static final String LB =
      "/projects/123456789012/global/backendServices/4567890123456789012";

  @Test
  void rootReadmeShowsThisModulesReadme() throws IOException {
    assertThat(Files.readString(Path.of("../README.md"))).contains(Files.readString(README).strip());
  }

  @Test
  void readmeCodeFormIsTheTaggedCode() throws IOException {
    assertThat(readmeBlock("java", "class IapSetup")).isEqualTo(taggedCode());
  }

  @Test
  void codeFormThenProtectsTheApplication() throws Exception {
    try (FakeIap iap = FakeIap.builder().audience(RUN).start()) {
      IapSetup.jwksUri = iap.jwksUri();
      ServletContextHandler context = new ServletContextHandler();
      context.setContextPath("/");
      context.addEventListener(new IapSetup());
      context.addServlet(new ServletHolder(new TestServlets.WhoAmI()), "/");
      context.addServlet(new ServletHolder(new TestServlets.Health()), "/healthz");
      try (Jetty jetty = Jetty.start(context)) {
        HttpResponse<String> ok = jetty.get("/orders", HEADER, iap.token().build());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(TestServlets.parse(ok.body())).containsEntry("remoteUser", "user@example.com");
        IapFilterContainerTest.assertProblem(jetty.get("/orders"), 401, Reason.MISSING);
        assertThat(jetty.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(IapSetup.last.audiences()).containsExactly(RUN);
      }
    }
  }

  @Test
  void webXmlFormThenProtectsTheApplication(@TempDir Path dir) throws Exception {
    String snippet = readmeBlock("xml", "<filter>");
    try (FakeIap iap = FakeIap.builder().audience(LB).start()) {
      String filter =
          snippet.replace(
              "</filter>\n",
              "  <init-param><param-name>jwks-uri</param-name><param-value>"
                  + iap.jwksUri()
                  + "</param-value></init-param>\n</filter>\n"); // test only
      assertThat(filter).isNotEqualTo(snippet);
      String webXml =
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">\n"
              + filter
              + "<servlet><servlet-name>whoami</servlet-name>"
              + "<servlet-class>"
              + TestServlets.WhoAmI.class.getName()
              + "</servlet-class></servlet>\n"
              + "<servlet><servlet-name>health</servlet-name>"
              + "<servlet-class>"
              + TestServlets.Health.class.getName()
              + "</servlet-class></servlet>\n"
              + "<servlet-mapping><servlet-name>whoami</servlet-name>"
              + "<url-pattern>/</url-pattern></servlet-mapping>\n"
              + "<servlet-mapping><servlet-name>health</servlet-name>"
              + "<url-pattern>/healthz</url-pattern></servlet-mapping>\n"
              + "</web-app>\n";
      Files.createDirectories(dir.resolve("WEB-INF"));
      Files.writeString(dir.resolve("WEB-INF/web.xml"), webXml);
      WebAppContext webapp = new WebAppContext();
      webapp.setContextPath("/");
      webapp.setWar(dir.toString());
      webapp.setParentLoaderPriority(true);
      webapp.setThrowUnavailableOnStartupException(true);
      try (Jetty jetty = Jetty.start(webapp)) {
        HttpResponse<String> ok = jetty.get("/orders", HEADER, iap.token().build());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(TestServlets.parse(ok.body())).containsEntry("remoteUser", "user@example.com");
        IapFilterContainerTest.assertProblem(jetty.get("/orders"), 401, Reason.MISSING);
        assertThat(jetty.get("/healthz").statusCode()).isEqualTo(200);
      }
    }
  }

  /** The first fenced block of this language in the README that contains a marker. */
  private static String readmeBlock(String language, String marker) throws IOException {
    Matcher m =
        Pattern.compile("(?s)```" + language + "\n(.*?)```").matcher(Files.readString(README));
    while (m.find()) {
      if (m.group(1).contains(marker)) {
        return m.group(1);
      }
    }
    throw new AssertionError("no ```" + language + " block with " + marker + " in " + README);
  }

  /** The tagged lines of this source, without their common indentation. */
  private static String taggedCode() throws IOException {
    List<String> lines =
        Files.readAllLines(
            Path.of("src/test/java", IapSetup.class.getName().replace('.', '/') + ".java"));
    List<String> tagged = new ArrayList<>();
    boolean in = false;
    for (String line : lines) {
      if (line.strip().equals("// tag::servlet-quickstart[]")) {
        in = true;
      } else if (line.strip().equals("// end::servlet-quickstart[]")) {
        in = false;
      } else if (in) {
        tagged.add(line);
      }
    }
    int indent =
        tagged.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    StringBuilder out = new StringBuilder();
    for (String line : tagged) {
      out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
    }
    return out.toString();
  }
}
