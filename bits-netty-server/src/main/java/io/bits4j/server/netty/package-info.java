/**
 * The compact server on Netty. Not implemented yet: {@code NettyCompactServer} lands with its own issue; until then this package is empty on purpose.
 */
@NullMarked
package io.bits4j.server.netty;

import org.jspecify.annotations.NullMarked;
