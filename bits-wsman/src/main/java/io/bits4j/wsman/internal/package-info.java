/**
 * Implementation of bits4j's WS-Management subset: the StAX envelope codec, the node-side
 * dispatcher and Netty pipeline, and the controller-side HTTP transport. Not exported.
 */
@NullMarked
package io.bits4j.wsman.internal;

import org.jspecify.annotations.NullMarked;
