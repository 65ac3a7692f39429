/**
 * The Windows BITS client. Not implemented yet: {@code WindowsBitsClient} lands with its own issue; until then this package is empty on purpose.
 */
@NullMarked
package io.bits4j.client.windows;

import org.jspecify.annotations.NullMarked;
