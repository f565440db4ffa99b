package io.github.iapverifier.parity;

import java.net.URI;

/**
 * One way a user can wire iap-verifier into an app, for the {@link ParitySuite}: it starts a real
 * app on a real server on a free loopback port with the given settings, serving the {@linkplain
 * ParitySuite endpoints the suite calls}. Add a configuration by adding a subclass of {@link
 * ParitySuite} that returns one.
 */
public interface AdapterConfiguration {

  /** A started app; closing it stops its server. */
  interface RunningApp extends AutoCloseable {

    /**
     * Returns where the app is served.
     *
     * @return {@code http://127.0.0.1:PORT} (no trailing slash)
     */
    URI baseUri();

    /**
     * A running app served at {@code baseUri} that {@code stop} stops.
     *
     * @param baseUri where it is served
     * @param stop what closing it does
     * @return the app
     */
    static RunningApp of(URI baseUri, AutoCloseable stop) {
      return new RunningApp() {
        @Override
        public URI baseUri() {
          return baseUri;
        }

        @Override
        public void close() throws Exception {
          stop.close();
        }
      };
    }
  }

  /**
   * Starts an app.
   *
   * @param settings how IAP is to be configured, not null
   * @return the running app
   * @throws Exception if it does not start
   */
  RunningApp start(ParitySettings settings) throws Exception;
}
