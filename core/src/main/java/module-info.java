/**
 * Verifies the signed header of Google Cloud Identity-Aware Proxy. Only {@code
 * io.github.iapverifier} is exported; everything under {@code io.github.iapverifier.internal} is
 * not API and is not exported.
 */
module io.github.iapverifier.core {
  exports io.github.iapverifier;

  // RemoteKeySource.Builder.httpClient(HttpClient) is API.
  requires transitive java.net.http;
  requires com.nimbusds.jose.jwt;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;
  requires org.bouncycastle.provider;
  // Annotations only: needed to compile against the API's nullness, not to run it.
  requires static transitive org.jspecify;
}
