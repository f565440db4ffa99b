package io.github.iapverifier.spring.proxies;

import io.github.iapverifier.IapProxy;
import io.github.iapverifier.test.FakeAwsAlb;
import io.github.iapverifier.test.FakeCloudflareAccess;
import io.github.iapverifier.test.FakePomerium;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One fake of each proxy other than Google IAP, with the starter's properties for it. */
public final class TestProxies implements AutoCloseable {

  public static final List<IapProxy> OTHERS =
      List.of(IapProxy.CLOUDFLARE_ACCESS, IapProxy.AWS_ALB, IapProxy.POMERIUM);

  public final FakeCloudflareAccess cloudflare = FakeCloudflareAccess.start();
  public final FakeAwsAlb alb = FakeAwsAlb.start();
  public final FakePomerium pomerium = FakePomerium.start();

  /** The iap.* properties that point the starter at the proxy's fake. */
  public List<String> properties(IapProxy proxy) {
    List<String> p = new ArrayList<>();
    p.add("iap.proxy=" + proxy.configName());
    switch (proxy) {
      case CLOUDFLARE_ACCESS:
        p.add("iap.cloudflare-access.team-domain=" + cloudflare.teamDomain());
        p.add("iap.cloudflare-access.audiences=" + cloudflare.audience());
        p.add("iap.cloudflare-access.jwks-uri=" + cloudflare.jwksUri());
        break;
      case AWS_ALB:
        p.add("iap.aws-alb.region=" + alb.region());
        p.add("iap.aws-alb.signers=" + alb.signer());
        p.add("iap.aws-alb.client-ids=" + alb.clientId());
        p.add("iap.aws-alb.key-endpoint=" + alb.keyEndpoint());
        break;
      default:
        p.add("iap.pomerium.route-host=" + pomerium.routeHost());
        p.add("iap.pomerium.algorithm=" + pomerium.algorithm());
        p.add("iap.pomerium.jwks-uri=" + pomerium.jwksUri());
        break;
    }
    return p;
  }

  /** A valid assertion of the proxy for this user; Pomerium's carries groups admins and devs. */
  public String token(IapProxy proxy, String email) {
    switch (proxy) {
      case CLOUDFLARE_ACCESS:
        return cloudflare.token().email(email).build();
      case AWS_ALB:
        return alb.token().email(email).subject("sub-" + email).build();
      default:
        return pomerium.token().email(email).groups("admins", "devs").build();
    }
  }

  /** The identity header the proxy's verified request carries, as "name=value". */
  public static String identityHeader(IapProxy proxy, String email) {
    switch (proxy) {
      case CLOUDFLARE_ACCESS:
        return "cf-access-authenticated-user-email=" + email;
      case AWS_ALB:
        return "x-amzn-oidc-identity=sub-" + email;
      default:
        return "x-pomerium-claim-email=" + email;
    }
  }

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A GET over real HTTP with header name/value pairs. */
  static HttpResponse<String> get(URI uri, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    cloudflare.close();
    alb.close();
    pomerium.close();
  }
}
