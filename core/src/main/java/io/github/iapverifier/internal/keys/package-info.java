/**
 * Not API: the key lifecycle in small parts: HTTP fetching, Cache-Control interpretation, the key-
 * set snapshot and its rotation diff, backoff, single flight, and the source that ties them
 * together.
 */
@NullMarked
package io.github.iapverifier.internal.keys;

import org.jspecify.annotations.NullMarked;
