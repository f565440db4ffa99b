/** Not API: the compact JWS parser, free of any proxy's rules. */
@NullMarked
package io.github.iapverifier.internal.jws;

import org.jspecify.annotations.NullMarked;
