/**
 * Remote management over WS-Management in the dialect of the Windows BITS WMI provider ({@code
 * root\Microsoft\BITS}): {@link io.bits4j.wsman.ManagementEndpoint} exposes a node's compact
 * server and/or BITS client; the controller side drives it (or a Windows machine's WinRM
 * listener) through a WS-Man session.
 */
@NullMarked
package io.bits4j.wsman;

import org.jspecify.annotations.NullMarked;
