package io.github.iapverifier;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A key source tests can swap out mid-run (key withdrawal, rotation, outage) and that counts
 * lookups, to tell whether a verification got as far as the key. Thread-safe.
 */
final class TestKeySource implements IapKeySource {

  private final AtomicInteger lookups = new AtomicInteger();
  private volatile IapKeySource current;

  TestKeySource(IapKeySource initial) {
    this.current = initial;
  }

  void replaceWith(IapKeySource next) {
    this.current = next;
  }

  int lookups() {
    return lookups.get();
  }

  @Override
  public IapSigningKey key(String keyId) {
    lookups.incrementAndGet();
    return current.key(keyId);
  }
}
