package io.bits4j.server.netty.internal;

/** Test access to {@code HttpHandler}'s package-private constants. */
public final class HttpHandlerAccess {
  private HttpHandlerAccess() {}

  /** The most bytes one sendfile call moves. */
  public static long sendfileChunk() {
    return HttpHandler.SENDFILE_CHUNK;
  }
}
