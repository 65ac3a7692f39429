package io.bits4j.server.netty.internal;

import io.bits4j.UserStore;
import io.bits4j.server.netty.ServerLimits;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Everything the builder collected.
 *
 * @param limits protocol limits
 * @param users the user store for Basic/Digest (and client-certificate group mapping), or null
 * @param allowBasicOverHttp whether Basic may be used on plain HTTP
 * @param tls which TLS implementation: "auto", "openssl" or "jdk"
 * @param nativeTransport use epoll when it loads
 * @param certificateStore the folder for store/thumbprint bindings, or null
 * @param certificateStorePassword the password of PKCS#12 files in the store
 * @param clientCertificateAuthorities trust anchors for client certificates
 * @param digestRealm the Digest realm
 * @param digestNonceLifetime how long a Digest nonce is accepted
 * @param digestAlgorithms the Digest challenges offered, most preferred first
 * @param nanoClock monotonic clock (bandwidth limits, nonce expiry, Basic cache)
 * @param workerThreads event-loop threads, 0 for Netty's default
 */
public record ServerConfig(ServerLimits limits, @Nullable UserStore users, boolean allowBasicOverHttp, String tls,
    boolean nativeTransport, @Nullable Path certificateStore, char[] certificateStorePassword,
    List<X509Certificate> clientCertificateAuthorities, String digestRealm, Duration digestNonceLifetime,
    List<UserStore.DigestAlgorithm> digestAlgorithms,
    LongSupplier nanoClock, int workerThreads) {}
