package io.github.iapverifier.parity;

import io.github.iapverifier.IapProxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings every configuration of the {@link ParitySuite} is started with, as the Spring Boot
 * {@code iap.*} properties that express them; each configuration applies them in its own terms
 * (builder calls in {@link ParityVerifiers}, {@code iap.*} properties).
 *
 * @param proxy the proxy the app trusts
 * @param properties {@code iap.*} property name to value, such as {@code iap.audiences} or {@code
 *     iap.cloudflare-access.team-domain}; {@code iap.excluded-paths} is one path
 */
public record ParitySettings(IapProxy proxy, Map<String, String> properties) {

  /** Copies the properties, keeping their order. */
  public ParitySettings {
    properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  /**
   * Returns a property that must be set.
   *
   * @param name such as {@code iap.jwks-uri}
   * @return its value
   */
  public String property(String name) {
    return Objects.requireNonNull(properties.get(name), name);
  }

  /**
   * Returns the properties in {@code name=value} form after the server settings every Spring Boot
   * configuration uses (a free loopback port, no banner).
   *
   * @return the lines, as {@code SpringApplicationBuilder.properties} takes them
   */
  public String[] bootProperties() {
    List<String> lines =
        new ArrayList<>(
            List.of("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off"));
    properties.forEach((name, value) -> lines.add(name + "=" + value));
    return lines.toArray(String[]::new);
  }
}
