/**
 * The Windows BITS client: {@link io.bits4j.client.windows.WindowsBitsClient}, a {@link
 * io.bits4j.BitsClient} whose jobs are real jobs of the Windows Background Intelligent Transfer
 * Service, driven through its COM API.
 */
@NullMarked
package io.bits4j.client.windows;

import org.jspecify.annotations.NullMarked;
