/**
 * Internals of the Netty compact server: the range engine, routing, handlers, authentication.
 * Not exported.
 */
@NullMarked
package io.bits4j.server.netty.internal;

import org.jspecify.annotations.NullMarked;
