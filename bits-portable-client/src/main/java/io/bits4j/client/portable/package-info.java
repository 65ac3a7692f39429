/**
 * The portable BITS client: {@link io.bits4j.client.portable.PortableBitsClient}, a pure-Java download
 * engine with BITS job semantics for any OS.
 */
@NullMarked
package io.bits4j.client.portable;

import org.jspecify.annotations.NullMarked;
