/**
 * The bits4j API.
 *
 * <p>Server side, mirroring the WMI class {@code BitsCompactServerUrlGroup}: a {@link
 * io.bits4j.CompactServer} holds {@link io.bits4j.UrlGroup}s (one-level URL namespaces such as
 * {@code http://+:80/Carmine}), each hosting {@link io.bits4j.HostedFile}s under their own suffix
 * with an {@link io.bits4j.AccessPolicy}. Client side, mirroring {@code BitsClientJob} and COM's
 * {@code IBackgroundCopyJob}: a {@link io.bits4j.BitsClient} owns {@link io.bits4j.ClientJob}s that
 * move through the states of {@link io.bits4j.JobState}. The {@link io.bits4j.Controller} drives
 * both sides through one transfer.
 *
 * <p>Failures come in three kinds: misuse by the calling code throws {@code
 * NullPointerException}, {@code IllegalArgumentException} or {@code IllegalStateException}; a
 * refused operation or an unparseable input string throws {@link io.bits4j.BitsException} with the
 * HRESULT the Windows provider would return; a job that fails is <em>state</em> ({@link
 * io.bits4j.JobState#ERROR} with a {@link io.bits4j.JobError}), not an exception.
 *
 * <p>Everything here is non-null unless annotated {@code @Nullable}; absent values are {@code
 * Optional}.
 */
@NullMarked
package io.bits4j;

import org.jspecify.annotations.NullMarked;
