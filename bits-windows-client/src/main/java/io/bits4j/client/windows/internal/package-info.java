/**
 * The adapter between the raw COM mirror ({@code internal.com}) and the bits4j API: the COM
 * thread, HRESULT translation, jobs, notifications. Not exported.
 */
@NullMarked
package io.bits4j.client.windows.internal;

import org.jspecify.annotations.NullMarked;
