package io.github.iapverifier.spring;

import io.github.iapverifier.IapKeySource;
import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the {@code iap} health contributor reports, independent of the Actuator version: UP while
 * keys are usable (fresh, or stale within the allowed staleness), DOWN otherwise, with the proxy
 * ({@code google-iap}, {@code cloudflare-access}, ...), the key endpoint, the time and age of the
 * keys in use and the last fetch error as details. Never a token, nothing about users.
 */
final class IapHealth {

  private final IapVerifier verifier;
  private final Clock clock;

  IapHealth(IapVerifier verifier, Clock clock) {
    this.verifier = verifier;
    this.clock = clock;
  }

  /** The status (true for UP) and details. */
  record Report(boolean up, Map<String, Object> details) {}

  Report check() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("proxy", verifier.proxy().configName());
    details.put("audiences", verifier.audiences().stream().map(Object::toString).toList());
    IapKeySource keys = verifier.keySource();
    if (keys.status().uri().isEmpty()) {
      details.put("keySource", "static");
      return new Report(true, details);
    }
    if (!keys.status().usable()) {
      // Keys are otherwise fetched only when requests need them; a load balancer that stopped
      // sending requests because of this DOWN would keep it DOWN forever. The key source's own
      // back-off bounds how often this reaches the network.
      try {
        keys.warmUp();
      } catch (IapVerificationException e) {
        // Reported below through lastError.
      }
    }
    IapKeySource.Status status = keys.status();
    details.put("jwksUri", status.uri().orElseThrow().toString());
    Optional<Instant> fetched = status.fetchedAt();
    fetched.ifPresent(
        at -> {
          details.put("keysFetchedAt", at.toString());
          details.put("keysAge", Duration.between(at, clock.instant()).withNanos(0).toString());
        });
    status.lastError().ifPresent(error -> details.put("lastError", error));
    return new Report(status.usable(), details);
  }
}
