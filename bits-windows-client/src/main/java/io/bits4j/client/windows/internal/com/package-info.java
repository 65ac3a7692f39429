/**
 * The raw BITS COM mirror: interfaces bound by vtable slot exactly as the Windows SDK's
 * {@code bits*.h} declare them, structures with their x64 layout, CLSIDs, IIDs and enum values.
 * Methods keep the IDL names and return the raw HRESULT; nothing here translates to bits4j types
 * (the adapter in {@code io.bits4j.client.windows.internal} does).
 */
@NullMarked
package io.bits4j.client.windows.internal.com;

import org.jspecify.annotations.NullMarked;
