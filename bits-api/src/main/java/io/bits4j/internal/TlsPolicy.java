package io.bits4j.internal;

import java.util.List;

/** TLS choices shared by bits4j's servers (the compact server, the management endpoint); not an API. */
public final class TlsPolicy {
  private TlsPolicy() {}

  /**
   * The cipher suites servers offer (RFC 9325, sections 4.1 and 4.2): TLS 1.3's, and for TLS 1.2
   * only ECDHE key exchange (forward secrecy) with AEAD ciphers — no static RSA, no CBC with SHA-1.
   * Names as the JDK spells them; a provider leaves out what it lacks.
   */
  public static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
}
