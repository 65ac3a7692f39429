package io.bits4j;

/**
 * Optional features a {@link BitsClient} may support; see {@link BitsClient#capabilities()}.
 * Operations outside an implementation's capabilities throw {@link BitsException} with {@link
 * Hresult#E_NOTIMPL}. The contract suites skip what is not supported.
 */
public enum ClientCapability {
  /** {@link ClientJob#suspend()} works. */
  SUSPEND,
  /** {@link ClientJob#setCustomHeaders} works. */
  CUSTOM_HEADERS,
  /** {@link ClientCertificate.FromKeyStore} client certificates work. */
  KEYSTORE_CLIENT_CERTIFICATE,
  /** Windows-store client certificates ({@link ClientCertificate.ByThumbprint}, {@link ClientCertificate.BySubject}) work. */
  STORE_CLIENT_CERTIFICATE,
  /** {@link ClientJob#setProxy} with {@link ProxyUsage#OVERRIDE} works. */
  PROXY_OVERRIDE,
  /** Basic credentials work. */
  BASIC_CREDENTIALS,
  /** Digest credentials work. */
  DIGEST_CREDENTIALS,
  /** NTLM and Negotiate credentials work (Windows). */
  WINDOWS_CREDENTIALS,
  /** {@link JobListener}s are pushed by the client rather than found by polling. */
  PUSH_NOTIFICATIONS,
  /** Jobs survive a restart of the client process. */
  PERSISTENT_JOBS
}
