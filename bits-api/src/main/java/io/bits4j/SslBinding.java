package io.bits4j;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The certificate bound to an HTTPS port, as the WMI provider's {@code GetSslCertificate}
 * reports it: a store name and a SHA-1 thumbprint.
 *
 * @param port the port
 * @param storeName the certificate store, {@code MY} unless the certificate came from elsewhere
 * @param thumbprint a copy of the SHA-1 thumbprint (20 bytes)
 */
public record SslBinding(int port, String storeName, byte[] thumbprint) {
  /** Validates and copies. */
  public SslBinding {
    Objects.requireNonNull(storeName, "storeName");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535: " + port);
    }
    if (thumbprint.length != 20) {
      throw new BitsException(Hresult.E_INVALIDARG, "a SHA-1 thumbprint has 20 bytes, not " + thumbprint.length);
    }
    thumbprint = thumbprint.clone();
  }

  /** A copy of the thumbprint. */
  @Override
  public byte[] thumbprint() {
    return thumbprint.clone();
  }

  /** The thumbprint as 40 lower-case hex digits. */
  public String thumbprintHex() {
    return HexFormat.of().formatHex(thumbprint);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SslBinding b && b.port == port && b.storeName.equals(storeName)
        && Arrays.equals(b.thumbprint, thumbprint);
  }

  @Override
  public int hashCode() {
    return Objects.hash(port, storeName, Arrays.hashCode(thumbprint));
  }

  @Override
  public String toString() {
    return "SslBinding[" + port + ", " + storeName + ", " + thumbprintHex() + "]";
  }
}
