/**
 * The bits4j API: the stable interfaces of the BITS Compact Server with BITS Remote Management
 * ({@link io.bits4j.CompactServer}, {@link io.bits4j.UrlGroup}, {@link io.bits4j.HostedFile},
 * {@link io.bits4j.BitsClient}, {@link io.bits4j.ClientJob}, {@link io.bits4j.Controller}), their
 * immutable values, {@link io.bits4j.BitsException} with {@link io.bits4j.Hresult}, the
 * {@link io.bits4j.UserStore} and the default controller.
 */
@SuppressWarnings("module") // the qualified export's modules are built after this one
module io.bits4j {
  requires static transitive org.jspecify;

  exports io.bits4j;
  // shared by the implementation modules, not an API
  exports io.bits4j.internal to io.bits4j.client.portable, io.bits4j.server.netty, io.bits4j.wsman;
}
