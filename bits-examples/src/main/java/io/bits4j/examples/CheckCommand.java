package io.bits4j.examples;

import io.bits4j.JobSpec;
import io.bits4j.TlsIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bits check URL}: asks a URL what a BITS download asks of it — HEAD with the size, exact
 * single ranges, stable validators, If-Range, no content coding — through the same network path
 * (proxy included), and names the BITS error each missing piece causes. For the servers and
 * middleboxes a BITS job fails on (anchors P1–P9: no Content-Length, a proxy that strips Range
 * or Content-Range, HEAD refused or different from GET, compression).
 */
@Command(
    name = "check",
    sortOptions = false,
    description = {
        "Check that BITS can download URL: HEAD with Content-Length, exact ranges,",
        "stable validators, If-Range, no content coding. Reads a few bytes, never the",
        "whole file. Exit 0 when BITS can download it, 1 when it cannot (the failed",
        "checks say why), 2 on usage errors."})
final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "URL", description = "An http or https URL.",
      converter = GetCommand.UrlConverter.class)
  URI url = URI.create("http://invalid/");

  @Mixin CredentialOptions credentials = new CredentialOptions();

  @Option(names = "--proxy", paramLabel = "HOST:PORT", description = "Go through this HTTP proxy (as a BITS job with an override proxy would).")
  @Nullable String proxy;

  @Option(names = "--trust", paramLabel = "PEM",
      description = "Trust the CA certificates in this PEM file for HTTPS (instead of the system's).")
  @Nullable Path trust;

  /** How long one request may take, connection included. */
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** Bytes asked for by the ranged GET in the middle of the file. */
  private static final long PROBE = 1024;

  /** One check's outcome: a failure stops a BITS download, a warning weakens it. */
  enum Verdict {
    OK("ok"), WARN("warn"), FAIL("FAIL");

    final String label;

    Verdict(String label) {
      this.label = label;
    }
  }

  record Line(Verdict verdict, String check, String detail) {}

  private final List<Line> lines = new ArrayList<>();
  /** Where the requests go: URL, or where its redirects led. */
  private URI target = url;
  /** Basic credentials of --user, sent to URL's host only (never to another host a redirect names). */
  private @Nullable String authorization;
  /** Redirects BITS follows before it gives up (WinHTTP's default limit). */
  private static final int MAX_REDIRECTS = 10;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    JobSpec.checkRemoteUrl(url);
    String user = credentials.user;
    String password = credentials.password();
    authorization = user == null || password == null ? null
        : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    target = url;
    HttpClient http = client();
    out.println("bits check " + url);
    try {
      run(http);
    } catch (IOException e) {
      add(Verdict.FAIL, "connection", connectionFailure(e, target));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      add(Verdict.FAIL, "connection", "interrupted");
    }
    boolean failed = false;
    for (Line l : lines) {
      out.printf(Locale.ROOT, "  %-5s %-13s %s%n", l.verdict().label, l.check(), l.detail());
      failed |= l.verdict() == Verdict.FAIL;
    }
    out.println(failed ? "BITS cannot download this URL." : "BITS can download this URL.");
    return failed ? BitsCli.EXIT_REFUSED : 0;
  }

  private void add(Verdict v, String check, String detail) {
    lines.add(new Line(v, check, detail));
  }

  /** The checks, in the order a BITS download makes its requests; stops at the first that leaves nothing to check. */
  private void run(HttpClient http) throws IOException, InterruptedException {
    HttpResponse<Void> head = http.send(request().method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
    for (int redirects = 0; isRedirect(head.statusCode()); redirects++) {
      Optional<String> location = head.headers().firstValue("location");
      if (location.isEmpty() || redirects == MAX_REDIRECTS) {
        break; // reported as the status it is
      }
      URI next = target.resolve(location.get().strip());
      if (target.getScheme().equalsIgnoreCase("https") && !next.getScheme().equalsIgnoreCase("https")) {
        add(Verdict.FAIL, "redirect", "from HTTPS to " + next + ": BITS refuses it unless the job allows it"
            + " (BG_HTTP_REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP)");
        return;
      }
      add(Verdict.OK, "redirect", head.statusCode() + " to " + next + " (BITS follows it by default)");
      target = next;
      head = http.send(request().method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.discarding());
    }
    if (head.statusCode() != 200) {
      add(Verdict.FAIL, "HEAD", head.statusCode() + statusAdvice(head) + ": BITS asks for the size with HEAD first and"
          + " fails with BG_E_HTTP_ERROR_" + head.statusCode());
      return;
    }
    Optional<Long> length = longHeader(head.headers(), "content-length");
    if (length.isEmpty()) {
      add(Verdict.FAIL, "HEAD", "200 without Content-Length (chunked or generated content): BITS fails with"
          + " BG_E_MISSING_FILE_SIZE (0x80200011)");
      return;
    }
    long size = length.get();
    add(Verdict.OK, "HEAD", "200, Content-Length " + size);
    coding(head.headers(), "HEAD");
    @Nullable String etag = head.headers().firstValue("etag").orElse(null);
    @Nullable String lastModified = head.headers().firstValue("last-modified").orElse(null);
    if (size == 0) {
      add(Verdict.OK, "ranges", "not needed: the file is empty");
      return;
    }
    Ranged first = ranged(http, 0, 0, size, null);
    if (first.problem() != null) {
      add(Verdict.FAIL, "ranges", first.problem() + ": BITS fails with " + first.bitsError());
      return;
    }
    long from = size / 2;
    long to = Math.min(size - 1, from + PROBE - 1);
    Ranged middle = ranged(http, from, to, size, null);
    if (middle.problem() != null) {
      add(Verdict.FAIL, "ranges", middle.problem() + ": BITS fails with " + middle.bitsError());
      return;
    }
    add(Verdict.OK, "ranges", "206 for bytes=0-0 and bytes=" + from + "-" + to + ", Content-Range and Content-Length exact");
    coding(middle.headers(), "GET");
    validators(etag, lastModified, middle.headers());
    ifRange(http, etag, lastModified, from, to, size);
  }

  /**
   * What a ranged GET answered: its headers, and what is wrong with it for BITS (null when it is
   * exactly the 206 asked for) with the BITS error that follows.
   */
  private record Ranged(HttpHeaders headers, @Nullable String problem, String bitsError) {}

  private static final String INSUFFICIENT = "BG_E_INSUFFICIENT_RANGE_SUPPORT (0x80200013)";

  /** A GET of bytes {@code from}–{@code to} (with {@code If-Range} when given), its body read (at most the range). */
  private Ranged ranged(HttpClient http, long from, long to, long size,
      @Nullable String ifRange) throws IOException, InterruptedException {
    HttpRequest.Builder b = request().GET().header("Range", "bytes=" + from + "-" + to);
    if (ifRange != null) {
      b.header("If-Range", ifRange);
    }
    HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    String asked = "to \"Range: bytes=" + from + "-" + to + "\"";
    // closing the stream unread drops the rest of a body (a whole file) with the connection
    try (InputStream in = r.body()) {
      HttpHeaders h = r.headers();
      if (r.statusCode() == 200) {
        return new Ranged(h, "200 with the whole file " + asked + " (the range was ignored, by the server or a proxy"
            + " on the way)", INSUFFICIENT);
      }
      if (r.statusCode() != 206) {
        return new Ranged(h, r.statusCode() + statusAdvice(r) + " " + asked, "BG_E_HTTP_ERROR_" + r.statusCode());
      }
      String expected = "bytes " + from + "-" + to + "/" + size;
      Optional<String> range = h.firstValue("content-range");
      if (range.isEmpty() || !range.get().strip().equalsIgnoreCase(expected)) {
        return new Ranged(h, "206 " + asked + " with Content-Range " + range.map(v -> "\"" + v + "\"").orElse("missing")
            + ", expected \"" + expected + "\"", INSUFFICIENT);
      }
      long n = to - from + 1;
      Optional<Long> contentLength = longHeader(h, "content-length");
      if (contentLength.isEmpty() || contentLength.get() != n) {
        return new Ranged(h, "206 " + asked + " with Content-Length " + contentLength.map(String::valueOf).orElse("missing")
            + ", expected " + n, INSUFFICIENT);
      }
      int got = in.readNBytes((int) n).length;
      if (got != n) {
        return new Ranged(h, "206 " + asked + " ended after " + got + " of " + n + " bytes",
            "a transient error, retried");
      }
      return new Ranged(h, null, "");
    }
  }

  /** Validators: present, and the same on GET as on HEAD (a HEAD answered elsewhere than GET differs). */
  private void validators(@Nullable String etag, @Nullable String lastModified, HttpHeaders get) {
    @Nullable String getTag = get.firstValue("etag").orElse(null);
    @Nullable String getDate = get.firstValue("last-modified").orElse(null);
    if (etag == null && lastModified == null) {
      add(Verdict.WARN, "validators", "no ETag and no Last-Modified: a file changed on the server between two ranges"
          + " of a download goes unnoticed, the result mixes two versions");
      return;
    }
    if (!Objects.equals(etag, getTag) || !Objects.equals(lastModified, getDate)) {
      add(Verdict.FAIL, "validators", "HEAD and GET disagree (ETag " + etag + " / " + getTag + ", Last-Modified "
          + lastModified + " / " + getDate + "): HEAD is answered by another server or version than GET, and BITS"
          + " sees a file that changed");
      return;
    }
    String tag = etag == null ? "no ETag" : etag.startsWith("W/") ? "weak ETag " + etag : "ETag " + etag;
    add(Verdict.OK, "validators", tag + (lastModified == null ? ", no Last-Modified" : ", Last-Modified " + lastModified)
        + ", the same on HEAD and GET");
  }

  /** If-Range with the validator a resuming client sends: the range must still come, not the whole file. */
  private void ifRange(HttpClient http, @Nullable String etag,
      @Nullable String lastModified, long from, long to, long size) throws IOException, InterruptedException {
    String validator = etag != null && !etag.startsWith("W/") ? etag : lastModified;
    if (validator == null) {
      add(Verdict.WARN, "If-Range", "not checked: no strong ETag or Last-Modified to resume with");
      return;
    }
    Ranged r = ranged(http, from, to, size, validator);
    if (r.problem() != null) {
      add(Verdict.WARN, "If-Range", "with " + validator + ": " + r.problem() + " — a resumed download starts over");
      return;
    }
    add(Verdict.OK, "If-Range", "206 with " + validator + ": a resumed download continues");
  }

  private void coding(HttpHeaders h, String method) {
    Optional<String> coding = h.firstValue("content-encoding");
    if (coding.isPresent() && !coding.get().equalsIgnoreCase("identity")) {
      add(Verdict.FAIL, "coding", method + " answered with Content-Encoding " + coding.get() + " unasked: ranges"
          + " then address encoded bytes, and a download that decodes cannot resume");
    }
  }

  private String statusAdvice(HttpResponse<?> r) {
    return switch (r.statusCode()) {
      case 401 -> unauthorizedAdvice(r);
      case 403 -> " (access denied to this user)";
      case 404 -> " (no such URL)";
      case 405, 501 -> " (method not served)";
      case 407 -> " (the proxy wants credentials)";
      default -> "";
    };
  }

  /** Why a 401 came: no credentials given, refused ones, or a scheme this check does not send. */
  private String unauthorizedAdvice(HttpResponse<?> r) {
    if (credentials.user == null) {
      return " (credentials needed: --user, --password-env)";
    }
    List<String> schemes = r.headers().allValues("www-authenticate").stream()
        .map(c -> c.strip().split(" ", 2)[0]).distinct().toList();
    if (schemes.isEmpty() || schemes.stream().anyMatch(c -> c.equalsIgnoreCase("Basic"))) {
      return " (user or password refused)";
    }
    return " (the server asks for " + String.join(", ", schemes) + "; bits check sends Basic only, bits get speaks"
        + " Digest too)";
  }

  /** What a failed connection means to BITS, with the BITS error it gives and what to do. */
  static String connectionFailure(IOException e, URI at) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLHandshakeException) {
        boolean untrusted = String.valueOf(t.getMessage()).contains("PKIX")
            || t.getCause() instanceof java.security.cert.CertificateException;
        return (untrusted ? "the server's TLS certificate is not trusted" : "TLS handshake failed: " + t.getMessage())
            + ": BITS fails at once with ERROR_WINHTTP_SECURE_FAILURE (0x80072F8F)"
            + (untrusted ? "; if the certificate is yours, give its CA or itself with --trust PEM" : "");
      }
    }
    String where = at.getHost() + ":" + (at.getPort() > 0 ? at.getPort() : "https".equalsIgnoreCase(at.getScheme()) ? 443 : 80);
    if (e instanceof java.net.ConnectException) {
      return "cannot connect to " + where + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")")
          + ": BITS retries as transient (BG_E_CONNECT_FAILURE) until its no-progress timeout";
    }
    if (e instanceof java.net.http.HttpTimeoutException) {
      return "no answer from " + where + " within " + TIMEOUT.toSeconds() + " s: BITS retries as transient"
          + " (ERROR_WINHTTP_TIMEOUT) until its no-progress timeout";
    }
    return describe(e) + ": BITS retries such errors as transient until its no-progress timeout";
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  private static Optional<Long> longHeader(HttpHeaders h, String name) {
    try {
      return h.firstValue(name).map(v -> Long.parseLong(v.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** A request to the current target, with the credentials when it is on URL's host. */
  private HttpRequest.Builder request() {
    HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(TIMEOUT).header("User-Agent", "bits4j-check");
    if (authorization != null && target.getHost().equalsIgnoreCase(url.getHost())) {
      b.header("Authorization", authorization);
    }
    return b;
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  /** The client: HTTP/1.1, the proxy and trust anchors given, no redirects of its own. */
  private HttpClient client() throws GeneralSecurityException {
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER); // followed by hand: credentials go to the URL's host only
    if (proxy != null) {
      int colon = proxy.lastIndexOf(':');
      int port;
      try {
        port = colon > 0 ? Integer.parseInt(proxy.substring(colon + 1)) : -1;
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("--proxy wants HOST:PORT, not '" + proxy + "'");
      }
      b.proxy(ProxySelector.of(InetSocketAddress.createUnresolved(proxy.substring(0, colon), port)));
    }
    CredentialOptions.Pkcs12 p12 = credentials.pkcs12();
    if (trust != null || p12 != null) {
      TrustManager[] trusted = null; // the JDK's trust store
      if (trust != null) {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ClientOptions.trustStore(TlsIdentity.readCertificates(trust)));
        // as the portable client that 'get' uses: a trusted leaf's dates count too
        trusted = io.bits4j.internal.LeafValidity.wrap(tmf.getTrustManagers());
      }
      KeyManager[] keys = null;
      if (p12 != null) {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(p12.store(), p12.password());
        keys = kmf.getKeyManagers();
      }
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(keys, trusted, null);
      b.sslContext(ssl);
    }
    return b.build();
  }
}
