/**
 * The bits4j portable client: {@code PortableBitsClient}, a pure-Java download engine with BITS job semantics implementing {@link io.bits4j.BitsClient}.
 */
module io.bits4j.client.portable {
  requires transitive io.bits4j;
  requires static org.jspecify;
  requires jdk.unsupported; // com.sun.nio.file.ExtendedOpenOption.DIRECT (see TempFile)

  exports io.bits4j.client.portable;
}
