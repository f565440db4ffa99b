package io.github.iapverifier;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * Observes what a verifier and its key source do, for metrics, health and logs, without core
 * depending on any metrics library. Every method has an empty default; implement what you need.
 *
 * <p>Methods are called synchronously on the thread that did the work (request threads for
 * verifications, the refresh thread for key fetches), so they must be fast, thread-safe and must
 * not block. An exception thrown by a listener is caught and logged; it never changes the
 * outcome of a verification.
 */
public interface IapEventListener {

  /** A listener that ignores every event. */
  IapEventListener NONE = new IapEventListener() {};

  /**
   * An assertion was accepted.
   *
   * @param identity the verified identity, not null
   * @param fromCache true when the result came from the verified-token cache
   */
  default void verified(IapIdentity identity, boolean fromCache) {}

  /**
   * An assertion was rejected.
   *
   * @param failure the rejection, with its reason and a message free of the token, not null
   */
  default void rejected(IapVerificationException failure) {}

  /**
   * A key set was fetched and loaded.
   *
   * @param uri where it was fetched from, not null
   * @param took how long the fetch took, not null
   * @param keyIds the ids of the usable keys, not null
   */
  default void keysFetched(URI uri, Duration took, Set<String> keyIds) {}

  /**
   * A key fetch failed; the previous keys, if any, stay in use.
   *
   * @param uri where the fetch went, not null
   * @param took how long until it failed, not null
   * @param error what went wrong, not null
   */
  default void keysFetchFailed(URI uri, Duration took, Throwable error) {}

  /**
   * The published key set changed.
   *
   * @param added ids of the new keys, not null
   * @param removed ids of withdrawn keys; tokens they signed are rejected from now on, not null
   */
  default void keysRotated(Set<String> added, Set<String> removed) {}

  /**
   * Keys past their freshness were used because a refresh failed.
   *
   * @param age how old the keys in use are, not null
   */
  default void staleKeysServed(Duration age) {}

  /**
   * A refresh for an unknown key id was refused by the rate limit.
   *
   * @param keyId the unknown key id; it is attacker-controlled, so treat it as untrusted text
   */
  default void refreshRateLimited(String keyId) {}
}
