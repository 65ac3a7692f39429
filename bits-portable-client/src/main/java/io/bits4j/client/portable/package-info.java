/**
 * The portable BITS client. Not implemented yet: {@code PortableBitsClient} lands with its own issue; until then this package is empty on purpose.
 */
@NullMarked
package io.bits4j.client.portable;

import org.jspecify.annotations.NullMarked;
