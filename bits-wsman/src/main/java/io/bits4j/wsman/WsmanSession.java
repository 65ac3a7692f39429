package io.bits4j.wsman;

import io.bits4j.BitsException;
import io.bits4j.Hresult;
import io.bits4j.Scheduler;
import io.bits4j.TlsIdentity;
import io.bits4j.wsman.internal.Ns;
import io.bits4j.wsman.internal.WsmanClient;
import io.bits4j.wsman.internal.XmlElement;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * A controller's connection to one WS-Management endpoint — a bits4j node's {@link
 * ManagementEndpoint} or a Windows machine's WinRM listener — giving a {@link RemoteCompactServer}
 * and a {@link RemoteBitsClient} that implement the bits4j API over the BITS WMI provider's
 * classes, so a {@link io.bits4j.Controller} drives remote nodes unchanged.
 *
 * <pre>{@code
 * try (WsmanSession s = WsmanSession.builder(URI.create("https://node1:5986/wsman"))
 *     .basic("admin", password)
 *     .trustPem(Path.of("node1.crt"))
 *     .build()) {
 *   RemoteCompactServer server = s.compactServer();
 *   UrlGroup g = server.createUrlGroup(UrlPrefix.parse("https://+:8443/Carmine"));
 *   ...
 * }
 * }</pre>
 *
 * <p><b>Transport.</b> The JDK {@link HttpClient}, one POST per operation. The server's
 * certificate is checked against the system trust store (default), the certificates of a PEM file
 * ({@link Builder#trustPem}; host name checked too), or a pinned SHA-256 fingerprint of the
 * server's leaf certificate ({@link Builder#pinSha256}; host name not checked — the pin names the
 * server). Basic credentials are never sent over plain HTTP except to a loopback address.
 *
 * <p><b>Windows targets.</b> The same session drives a Windows machine with the BITS Compact
 * Server / BITS WMI provider through its WinRM HTTPS listener with Basic authentication, which
 * Windows disables by default. On the target (elevated): {@code winrm quickconfig -transport:https}
 * (needs a certificate whose CN is the host name), {@code winrm set winrm/config/service/auth
 * @{Basic="true"}}, and use a local Administrators account (Basic works with local accounts
 * only; for non-built-in admins set {@code LocalAccountTokenFilterPolicy=1}). NTLM, Negotiate and
 * Kerberos are not supported: a target offering only those is refused with a {@link
 * BitsException} (E_ACCESSDENIED) that says so. The bits4j extensions of the dialect ({@code
 * bits4j_…} methods and properties, authentication scheme codes 16–18) are never sent to a
 * target that does not identify as bits4j; operations that need them throw E_NOTIMPL there.
 *
 * <p><b>Errors.</b> Every operation throws {@link BitsException}: a method's failing {@code
 * ReturnValue} as its HRESULT; a SOAP fault as its provider HRESULT or WinRM error code
 * ({@code 0x8033xxxx}); 401 as E_ACCESSDENIED; network failures as WinHTTP codes ({@code
 * 0x80072EFD} cannot connect, {@code 0x80072EFE} connection reset or closed before the whole reply,
 * {@code 0x80072EE2} timeout — no complete reply within the operation timeout plus 5 s, {@code
 * 0x80072F8F} TLS failure).
 *
 * <p><b>Lost replies.</b> A request is sent once and never retried. After {@code 0x80072EFE},
 * {@code 0x80072EE2} or E_CANCELLED (the session closed mid-call) the target may or may not have
 * carried the operation out: creating a URL group, deleting one or removing a URL are safe to
 * repeat, but {@code createJob} is not — repeating it may leave two jobs, so look for the first
 * one by its description (as the {@link io.bits4j.Controller} marks its jobs) before creating
 * another. {@code 0x80072EFD} means nothing was sent.
 *
 * <p>Thread-safety: safe for use from any thread. {@link #close()} stops polling threads;
 * idempotent. Remote objects must not be used after the session is closed.
 */
public final class WsmanSession implements AutoCloseable {
  /**
   * What an endpoint says about itself ({@code IdentifyResponse}).
   *
   * @param protocolVersion the WS-Management protocol URI
   * @param productVendor {@code bits4j} or {@code Microsoft Corporation}
   * @param productVersion e.g. {@code OS: 10.0.20348 SP: 0.0 Stack: 3.0}
   */
  public record Identity(String protocolVersion, String productVendor, String productVersion) {
    /** True for a bits4j node, which understands the bits4j extensions. */
    public boolean isBits4j() {
      return productVendor.equalsIgnoreCase("bits4j");
    }
  }

  private final WsmanClient client;
  private final URI endpoint;
  private final Scheduler scheduler;
  private final Duration pollInterval;
  private final ExecutorService notifier;
  private final ExecutorService httpExecutor;
  private volatile @Nullable Identity identity;
  private volatile @Nullable RemoteCompactServer server;
  private volatile @Nullable RemoteBitsClient bitsClient;
  private volatile boolean closed;

  private WsmanSession(Builder b) {
    this.endpoint = b.endpoint;
    this.scheduler = b.scheduler;
    this.pollInterval = b.pollInterval;
    String auth = null;
    if (b.user != null) {
      String pw = new String(Objects.requireNonNull(b.password));
      auth = "Basic " + Base64.getEncoder().encodeToString((b.user + ":" + pw).getBytes(StandardCharsets.UTF_8));
    } else if (b.clientIdentity != null) {
      auth = "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual";
    }
    AtomicInteger n = new AtomicInteger();
    this.httpExecutor = Executors.newCachedThreadPool(r -> daemon(r, "bits4j-wsman-http-" + n.incrementAndGet()));
    this.notifier = Executors.newSingleThreadExecutor(r -> daemon(r, "bits4j-wsman-notify"));
    HttpClient.Builder hb = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(httpExecutor);
    if (endpoint.getScheme().equalsIgnoreCase("https")) {
      hb.sslContext(b.sslContext());
    }
    this.client = new WsmanClient(hb.build(), endpoint, auth, b.operationTimeout, 512_000);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** A builder for a session with this endpoint ({@code https://host:5986/wsman}). */
  public static Builder builder(URI endpoint) {
    return new Builder(endpoint);
  }

  /** The endpoint URL. */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * Asks the endpoint who it is, authenticated (the answer is cached for the session).
   *
   * @throws BitsException E_ACCESSDENIED for bad credentials; a transport HRESULT when unreachable
   */
  public Identity identify() {
    Identity id = identity;
    if (id == null) {
      id = parseIdentity(client.identify(false));
      identity = id;
    }
    return id;
  }

  /** Identify without credentials ({@code WSMANIDENTIFY: unauthenticated}): version details are blanked. */
  public Identity identifyUnauthenticated() {
    return parseIdentity(client.identify(true));
  }

  private static Identity parseIdentity(XmlElement r) {
    return new Identity(
        r.first(Ns.WSMID, "ProtocolVersion").map(XmlElement::text).orElse(""),
        r.first(Ns.WSMID, "ProductVendor").map(XmlElement::text).orElse(""),
        r.first(Ns.WSMID, "ProductVersion").map(XmlElement::text).orElse(""));
  }

  /**
   * The endpoint's compact server ({@code BitsCompactServerUrlGroup}): the same proxy on every call
   * until it is closed, then a new one.
   */
  public RemoteCompactServer compactServer() {
    checkOpen();
    RemoteCompactServer s = server;
    if (s == null || s.isClosed()) {
      synchronized (this) {
        if (server == null || server.isClosed()) {
          server = new RemoteCompactServer(this);
        }
        s = server;
      }
    }
    return s;
  }

  /**
   * The endpoint's BITS client ({@code BitsClientJob}): the same proxy on every call until it is
   * closed, then a new one.
   */
  public RemoteBitsClient bitsClient() {
    checkOpen();
    RemoteBitsClient c = bitsClient;
    if (c == null || c.isClosed()) {
      synchronized (this) {
        if (bitsClient == null || bitsClient.isClosed()) {
          bitsClient = new RemoteBitsClient(this);
        }
        c = bitsClient;
      }
    }
    return c;
  }

  WsmanClient client() {
    checkOpen();
    return client;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  Duration pollInterval() {
    return pollInterval;
  }

  ExecutorService notifier() {
    return notifier;
  }

  boolean isClosed() {
    return closed;
  }

  /** True if the target identifies as bits4j (the extensions may be used). */
  boolean isBits4j() {
    return identify().isBits4j();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("session closed");
    }
  }

  /**
   * Stops the session's polling and HTTP threads and ends its calls in flight (they throw {@link
   * BitsException} E_CANCELLED: the operation may or may not have been carried out); idempotent.
   * Nothing on the target is changed. The session's connections close at once on JDK 21+; on JDK
   * 17–20, whose {@link HttpClient} cannot be closed, once the released client is garbage-collected
   * (or when the target drops them as idle).
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    client.close();
    notifier.shutdownNow();
    httpExecutor.shutdownNow();
  }

  /** Configures a {@link WsmanSession}. Not thread-safe. */
  public static final class Builder {
    private final URI endpoint;
    private @Nullable String user;
    private char @Nullable [] password;
    private @Nullable TlsIdentity clientIdentity;
    private final List<X509Certificate> trusted = new ArrayList<>();
    private @Nullable String pin;
    private Scheduler scheduler = Scheduler.system();
    private Duration operationTimeout = Duration.ofSeconds(60);
    private Duration pollInterval = Duration.ofSeconds(1);

    private Builder(URI endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      String scheme = String.valueOf(endpoint.getScheme()).toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http")) || endpoint.getHost() == null) {
        throw new IllegalArgumentException("endpoint must be an http(s) URL such as https://host:5986/wsman: " + endpoint);
      }
      this.endpoint = endpoint;
    }

    /** HTTP Basic credentials (a local administrator of a Windows target, or an administrator of the node's user store). */
    public Builder basic(String user, char[] password) {
      this.user = Objects.requireNonNull(user, "user");
      this.password = Objects.requireNonNull(password, "password").clone();
      return this;
    }

    /** Authenticates with a TLS client certificate (mapped to a user on the target) instead of a password. */
    public Builder clientCertificate(TlsIdentity identity) {
      this.clientIdentity = Objects.requireNonNull(identity, "identity");
      return this;
    }

    /** Trusts the system's certificate authorities (the default). */
    public Builder trustSystem() {
      trusted.clear();
      pin = null;
      return this;
    }

    /**
     * Trusts the certificates in a PEM file (a CA or the server's own certificate); the server's
     * host name is still checked against its certificate.
     *
     * @throws BitsException E_FILE_NOT_FOUND or E_INVALIDARG if the file is missing or holds no certificate
     */
    public Builder trustPem(Path pem) {
      String text;
      try {
        text = Files.readString(pem, StandardCharsets.US_ASCII);
      } catch (java.nio.file.NoSuchFileException e) {
        throw new BitsException(Hresult.E_FILE_NOT_FOUND, "no such file: " + pem);
      } catch (IOException e) {
        throw new BitsException(Hresult.E_INVALIDARG, "cannot read " + pem + ": " + e.getMessage());
      }
      return trustCertificates(parsePem(text));
    }

    /** Trusts these certificates (CAs or the server's own); the host name is still checked. */
    public Builder trustCertificates(List<X509Certificate> certificates) {
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("no certificates to trust");
      }
      trusted.clear();
      trusted.addAll(certificates);
      pin = null;
      return this;
    }

    /**
     * Trusts exactly the server whose leaf certificate has this SHA-256 fingerprint (64 hex digits,
     * colons allowed, as {@code openssl x509 -fingerprint -sha256} prints it). The host name is not
     * checked: the pin names the server.
     */
    public Builder pinSha256(String fingerprint) {
      String hex = fingerprint.replace(":", "").strip().toLowerCase(Locale.ROOT);
      if (!hex.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("a SHA-256 fingerprint has 64 hex digits: " + fingerprint);
      }
      this.pin = hex;
      trusted.clear();
      return this;
    }

    /** The clock and task runner for job polling (default {@link Scheduler#system()}). */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The operation timeout sent to the target (default and maximum 60 s). */
    public Builder operationTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.compareTo(Duration.ofMillis(500)) < 0 || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
        throw new IllegalArgumentException("operation timeout must be 0.5-60 s: " + timeout);
      }
      this.operationTimeout = timeout;
      return this;
    }

    /** How often jobs with listeners or pending {@code outcome()}s are polled (default 1 s). */
    public Builder pollInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("poll interval must be positive: " + interval);
      }
      this.pollInterval = interval;
      return this;
    }

    /**
     * Creates the session (no network traffic yet).
     *
     * @throws IllegalArgumentException if Basic credentials would travel over plain HTTP to a
     *     host that is not a loopback address, or a client certificate is set for plain HTTP
     */
    public WsmanSession build() {
      boolean plain = endpoint.getScheme().equalsIgnoreCase("http");
      if (plain && user != null && !isLoopback(endpoint.getHost())) {
        throw new IllegalArgumentException("refusing to send Basic credentials over plain HTTP to " + endpoint.getHost()
            + ": use https (plain HTTP is allowed only to loopback)");
      }
      if (plain && clientIdentity != null) {
        throw new IllegalArgumentException("a client certificate needs https");
      }
      return new WsmanSession(this);
    }

    static boolean isLoopback(String host) {
      String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      if (h.equalsIgnoreCase("localhost")) {
        return true;
      }
      if (!h.matches("[0-9.]+") && !h.contains(":")) {
        return false; // a name: no DNS lookup, not trusted to be loopback
      }
      try {
        return InetAddress.getByName(h).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }

    SSLContext sslContext() {
      try {
        TrustManager[] tms;
        if (pin != null) {
          tms = new TrustManager[] {new PinningTrustManager(pin)};
        } else if (!trusted.isEmpty()) {
          KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
          ks.load(null, null);
          int i = 0;
          for (X509Certificate c : trusted) {
            ks.setCertificateEntry("trusted-" + i++, c);
          }
          TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
          tmf.init(ks);
          tms = io.bits4j.internal.LeafValidity.wrap(tmf.getTrustManagers()); // a trusted leaf's dates count too
        } else {
          TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
          tmf.init((KeyStore) null);
          tms = tmf.getTrustManagers();
        }
        javax.net.ssl.KeyManager[] kms = null;
        if (clientIdentity != null) {
          KeyStore ks = KeyStore.getInstance("PKCS12");
          ks.load(null, null);
          char[] pw = new char[0];
          ks.setKeyEntry("client", clientIdentity.privateKey(), pw,
              clientIdentity.chain().toArray(new Certificate[0]));
          KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
          kmf.init(ks, pw);
          kms = kmf.getKeyManagers();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kms, tms, new SecureRandom());
        return ctx;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
      }
    }

    private static List<X509Certificate> parsePem(String text) {
      List<X509Certificate> out = new ArrayList<>();
      java.util.regex.Matcher m = java.util.regex.Pattern
          .compile("-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----").matcher(text);
      try {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        while (m.find()) {
          byte[] der = Base64.getMimeDecoder().decode(m.group(1));
          out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
        }
      } catch (CertificateException | IllegalArgumentException e) {
        throw new BitsException(Hresult.E_INVALIDARG, "bad PEM certificate: " + e.getMessage());
      }
      if (out.isEmpty()) {
        throw new BitsException(Hresult.E_INVALIDARG, "no PEM certificate found");
      }
      return out;
    }
  }

  /** Accepts exactly the server leaf certificate with the pinned SHA-256 fingerprint. */
  private static final class PinningTrustManager extends X509ExtendedTrustManager {
    private final String pin;

    PinningTrustManager(String pin) {
      this.pin = pin;
    }

    private void check(X509Certificate[] chain) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("no server certificate");
      }
      try {
        String got = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
        if (!MessageDigest.isEqual(got.getBytes(StandardCharsets.US_ASCII), pin.getBytes(StandardCharsets.US_ASCII))) {
          throw new CertificateException("server certificate SHA-256 " + got + " does not match the pinned " + pin);
        }
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new CertificateException(e);
      }
      chain[0].checkValidity();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
