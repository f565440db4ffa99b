/** Not API: the verified-token cache. */
@NullMarked
package io.github.iapverifier.internal.cache;

import org.jspecify.annotations.NullMarked;
