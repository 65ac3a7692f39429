/**
 * The bits4j Windows client: {@link io.bits4j.client.windows.WindowsBitsClient}, a JNA binding to
 * the Windows BITS COM API implementing {@link io.bits4j.BitsClient}.
 */
module io.bits4j.client.windows {
  requires transitive io.bits4j;
  requires static org.jspecify;
  requires com.sun.jna;
  requires com.sun.jna.platform;
  requires org.slf4j;

  exports io.bits4j.client.windows;

  // JNA reads and writes Structure fields and invokes callbacks by reflection.
  opens io.bits4j.client.windows.internal.com to com.sun.jna;
}
