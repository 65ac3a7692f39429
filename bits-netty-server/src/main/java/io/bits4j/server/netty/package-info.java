/**
 * The compact server on Netty: {@link io.bits4j.server.netty.NettyCompactServer}, an HTTP/HTTPS
 * range server implementing {@link io.bits4j.CompactServer}, and its {@link
 * io.bits4j.server.netty.ServerLimits}.
 */
@NullMarked
package io.bits4j.server.netty;

import org.jspecify.annotations.NullMarked;
