/**
 * bits4j remote management over WS-Management, in the BITS WMI provider's dialect.
 */
module io.bits4j.wsman {
  requires transitive io.bits4j;
  requires static org.jspecify;

  // exports io.bits4j.wsman; -- added when the implementation lands (javac refuses to export an empty package)
}
