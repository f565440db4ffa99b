package io.github.iapverifier.internal.keys;

import io.github.iapverifier.IapEventListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The settings of a {@link RefreshingKeySource}, validated by the public builder. Immutable.
 *
 * @param uri where the key set is
 * @param httpClient a client to use, or null for one of the source's own
 * @param connectTimeout the own client's connect timeout
 * @param requestTimeout the bound of a whole fetch, and of a lookup's wait
 * @param maxBytes the largest accepted body
 * @param minTtl the shortest cache time
 * @param maxTtl the longest cache time
 * @param defaultTtl the cache time without {@code max-age}
 * @param refreshAhead the share of the cache time after which a refresh starts
 * @param forcedRefreshInterval the least time between refreshes forced by unknown key ids
 * @param maxStaleness how long past expiry the last good keys serve while fetches fail
 * @param clock the clock of cache times
 * @param listener the observer of fetches and keys
 * @param algorithm the algorithm whose keys are kept, {@code ES256} or {@code RS256}
 */
public record KeySourceSettings(
    URI uri,
    @Nullable HttpClient httpClient,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxBytes,
    Duration minTtl,
    Duration maxTtl,
    Duration defaultTtl,
    double refreshAhead,
    Duration forcedRefreshInterval,
    Duration maxStaleness,
    Clock clock,
    IapEventListener listener,
    String algorithm) {}
