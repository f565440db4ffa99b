package io.github.iapverifier.spring;

import io.github.iapverifier.IapVerificationException;
import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.RemoteKeySource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the {@code iap} health contributor reports, independent of the Actuator version: UP while
 * keys are usable (fresh, or stale within the allowed staleness), DOWN otherwise, with the key
 * endpoint, the time and age of the keys in use and the last fetch error as details. Never a token,
 * nothing about users.
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
    details.put("audiences", verifier.audiences().stream().map(Object::toString).toList());
    if (!(verifier.keySource() instanceof RemoteKeySource)) {
      details.put("keySource", "static");
      return new Report(true, details);
    }
    RemoteKeySource keys = (RemoteKeySource) verifier.keySource();
    if (!keys.hasUsableKeys()) {
      // Keys are otherwise fetched only when requests need them; a load balancer that stopped
      // sending requests because of this DOWN would keep it DOWN forever. The key source's own
      // back-off bounds how often this reaches the network.
      try {
        keys.warmUp();
      } catch (IapVerificationException e) {
        // Reported below through lastError.
      }
    }
    details.put("jwksUri", keys.jwksUri().toString());
    Optional<Instant> fetched = keys.lastFetchedAt();
    fetched.ifPresent(
        at -> {
          details.put("keysFetchedAt", at.toString());
          details.put("keysAge", Duration.between(at, clock.instant()).withNanos(0).toString());
        });
    keys.lastError().ifPresent(error -> details.put("lastError", error));
    return new Report(keys.hasUsableKeys(), details);
  }
}
