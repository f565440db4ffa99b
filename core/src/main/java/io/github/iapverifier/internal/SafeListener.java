package io.github.iapverifier.internal;

import io.github.iapverifier.IapEventListener;
import io.github.iapverifier.IapIdentity;
import io.github.iapverifier.IapVerificationException;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Isolates the verifier and the key source from their listener: an exception a listener throws is
 * logged and never changes the outcome of a verification or a fetch. Thread-safe if the listener
 * is.
 */
public final class SafeListener implements IapEventListener {

  private static final Logger log = LoggerFactory.getLogger(IapEventListener.class);

  private final IapEventListener listener;

  private SafeListener(IapEventListener listener) {
    this.listener = listener;
  }

  /**
   * Wraps a listener, unless it is already wrapped.
   *
   * @param listener the listener, not null
   * @return a listener whose methods never throw
   */
  public static IapEventListener of(IapEventListener listener) {
    return listener instanceof SafeListener ? listener : new SafeListener(listener);
  }

  private void call(String event, Consumer<IapEventListener> call) {
    try {
      call.accept(listener);
    } catch (RuntimeException e) {
      log.warn("IapEventListener.{} threw; ignored", event, e);
    }
  }

  @Override
  public void verified(IapIdentity identity, boolean fromCache) {
    // Verifications are the hot path: no lambda, no capture.
    try {
      listener.verified(identity, fromCache);
    } catch (RuntimeException e) {
      log.warn("IapEventListener.verified threw; ignored", e);
    }
  }

  @Override
  public void rejected(IapVerificationException failure) {
    try {
      listener.rejected(failure);
    } catch (RuntimeException e) {
      log.warn("IapEventListener.rejected threw; ignored", e);
    }
  }

  @Override
  public void keysFetched(URI uri, Duration took, Set<String> keyIds) {
    call("keysFetched", l -> l.keysFetched(uri, took, keyIds));
  }

  @Override
  public void keysFetchFailed(URI uri, Duration took, Throwable error) {
    call("keysFetchFailed", l -> l.keysFetchFailed(uri, took, error));
  }

  @Override
  public void keysRotated(Set<String> added, Set<String> removed) {
    call("keysRotated", l -> l.keysRotated(added, removed));
  }

  @Override
  public void staleKeysServed(Duration age) {
    call("staleKeysServed", l -> l.staleKeysServed(age));
  }

  @Override
  public void refreshRateLimited(String keyId) {
    call("refreshRateLimited", l -> l.refreshRateLimited(keyId));
  }
}
