/**
 * The bits4j Windows client: {@code WindowsBitsClient}, a JNA binding to the Windows BITS COM API implementing {@link io.bits4j.BitsClient}.
 */
module io.bits4j.client.windows {
  requires transitive io.bits4j;
  requires static org.jspecify;

  // exports io.bits4j.client.windows; -- added when the implementation lands (javac refuses to export an empty package)
}
