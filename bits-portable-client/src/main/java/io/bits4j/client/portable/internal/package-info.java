/**
 * Internals of the portable client: the HTTP/1.1 client, the job engine, the state store. Not
 * exported.
 */
@NullMarked
package io.bits4j.client.portable.internal;

import org.jspecify.annotations.NullMarked;
