/**
 * Remote management. Not implemented yet: {@code ManagementEndpoint}, {@code WsmanSession}, {@code RemoteCompactServer} and {@code RemoteBitsClient} land with their own issue; until then this package is empty on purpose.
 */
@NullMarked
package io.bits4j.wsman;

import org.jspecify.annotations.NullMarked;
