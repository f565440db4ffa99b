package io.github.iapverifier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.RemoteKeySource;
import org.junit.jupiter.api.Test;

/**
 * The properties keep their defaults as literals, because Spring Boot's metadata processor reads
 * only literals (an IDE shows them); this keeps those literals equal to the core's defaults.
 */
class IapPropertiesDefaultsTest {

  private final IapProperties properties = new IapProperties();

  @Test
  void defaultsWhenUnsetThenTheCoreBuildersDefaults() {
    assertThat(properties.getClockSkew()).isEqualTo(IapVerifier.Builder.DEFAULT_CLOCK_SKEW);
    assertThat(properties.getTokenCache().getMaxSize())
        .isEqualTo(IapVerifier.Builder.DEFAULT_TOKEN_CACHE_SIZE);
  }

  @Test
  void keyCacheDefaultsWhenUnsetThenTheRemoteKeySourceDefaults() {
    IapProperties.KeyCache keys = properties.getKeyCache();
    assertThat(keys.getConnectTimeout()).isEqualTo(RemoteKeySource.Builder.DEFAULT_CONNECT_TIMEOUT);
    assertThat(keys.getRequestTimeout()).isEqualTo(RemoteKeySource.Builder.DEFAULT_REQUEST_TIMEOUT);
    assertThat(keys.getMaxResponseSize().toBytes())
        .isEqualTo(RemoteKeySource.Builder.DEFAULT_MAX_RESPONSE_BYTES);
    assertThat(keys.getMinTtl()).isEqualTo(RemoteKeySource.Builder.DEFAULT_MIN_TTL);
    assertThat(keys.getMaxTtl()).isEqualTo(RemoteKeySource.Builder.DEFAULT_MAX_TTL);
    assertThat(keys.getDefaultTtl()).isEqualTo(RemoteKeySource.Builder.DEFAULT_TTL);
    assertThat(keys.getRefreshAhead()).isEqualTo(RemoteKeySource.Builder.DEFAULT_REFRESH_AHEAD);
    assertThat(keys.getForcedRefreshInterval())
        .isEqualTo(RemoteKeySource.Builder.DEFAULT_FORCED_REFRESH_INTERVAL);
    assertThat(keys.getMaxStaleness()).isEqualTo(RemoteKeySource.Builder.DEFAULT_MAX_STALENESS);
  }
}
