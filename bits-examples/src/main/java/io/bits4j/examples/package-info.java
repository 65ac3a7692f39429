/**
 * The {@code bits} command line and one example class per scenario. Not a published API.
 */
@NullMarked
package io.bits4j.examples;

import org.jspecify.annotations.NullMarked;
