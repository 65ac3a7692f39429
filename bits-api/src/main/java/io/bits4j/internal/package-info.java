/**
 * Implementation details of {@code bits-api} (the default controller, the file user store). Not
 * exported; may change without notice.
 */
@NullMarked
package io.bits4j.internal;

import org.jspecify.annotations.NullMarked;
