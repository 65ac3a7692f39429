package io.bits4j.wsman.internal;

import io.bits4j.BitsException;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * The controller's WS-Man transport: builds request envelopes, POSTs them with the JDK {@link
 * HttpClient}, and turns replies into elements or {@link BitsException}s: a SOAP fault becomes its
 * HRESULT (the {@code MSFT_WmiError/error_Code}, else the {@code WSManFault/@Code}, a Win32 code
 * mapped with {@code HRESULT_FROM_WIN32}); 401 becomes E_ACCESSDENIED (naming Negotiate/Kerberos
 * when the target offers only those), and so does 429 (a bits4j node throttling this address after
 * failed logins; the message gives its {@code Retry-After}); network failures become the WinHTTP HRESULTs WinRM clients
 * report (0x80072EFD cannot connect — nothing was sent; 0x80072EFE connection lost after it was
 * established — the operation may or may not have been carried out; 0x80072EE2 timeout; 0x80072F8F
 * TLS failure). The request is never re-sent: WS-Man Invoke and Put are not idempotent. The whole reply,
 * body included, must arrive within the operation timeout plus 5 s (MS-WSMV §3.2.4.1: OperationTimeout
 * + NetworkDelayms) and be no larger than the MaxEnvelopeSize asked for; a reply that stalls is
 * 0x80072EE2, one that is longer is ERROR_WSMAN_MAX_ENVELOPE_SIZE_EXCEEDED (0x80338048). Values of
 * the wrong type in a reply are E_FAIL. Thread-safe.
 */
public final class WsmanClient {
  /** HRESULT_FROM_WIN32(ERROR_WINHTTP_CANNOT_CONNECT). */
  public static final int CANNOT_CONNECT = 0x80072EFD;
  /**
   * HRESULT_FROM_WIN32(ERROR_WINHTTP_CONNECTION_ERROR): the connection was reset or closed after it
   * was established, before the whole reply arrived — the target may have carried out the operation.
   */
  public static final int CONNECTION_ERROR = 0x80072EFE;
  /** HRESULT_FROM_WIN32(ERROR_WINHTTP_TIMEOUT). */
  public static final int TIMEOUT = 0x80072EE2;
  /** HRESULT_FROM_WIN32(ERROR_WINHTTP_SECURE_FAILURE). */
  public static final int SECURE_FAILURE = 0x80072F8F;
  /** WMI's "object not found". */
  public static final int WBEM_E_NOT_FOUND = 0x80041002;
  private static final String WMI_ERROR_NS = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_WmiError";

  private volatile @Nullable HttpClient http;
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private final URI endpoint;
  private final @Nullable String authorization;
  private final Duration operationTimeout;
  private final long maxEnvelopeSize;

  public WsmanClient(HttpClient http, URI endpoint, @Nullable String authorization, Duration operationTimeout,
      long maxEnvelopeSize) {
    this.http = http;
    this.endpoint = endpoint;
    this.authorization = authorization;
    this.operationTimeout = operationTimeout;
    this.maxEnvelopeSize = maxEnvelopeSize;
  }

  public URI endpoint() {
    return endpoint;
  }

  /**
   * Ends calls in flight (each throws E_CANCELLED) and lets go of the HTTP client so that its
   * connections and selector thread go too: at once on JDK 21+ ({@code HttpClient.shutdownNow()}),
   * on JDK 17 once the unreferenced client is collected. Later calls throw IllegalStateException.
   * Idempotent.
   */
  public void close() {
    closed = true;
    HttpClient h = http;
    http = null;
    for (CompletableFuture<?> f : inFlight) {
      f.cancel(true);
    }
    if (h != null) {
      try {
        HttpClient.class.getMethod("shutdownNow").invoke(h); // JDK 21+
      } catch (NoSuchMethodException e) {
        // JDK 17-20: no way to close it; unreferenced, it closes its connections when collected
      } catch (ReflectiveOperationException | RuntimeException e) {
        // closing anyway
      }
    }
  }

  /** A fault the target answered, with its parts (for callers that branch on the subcode). */
  public static final class FaultException extends BitsException {
    private static final long serialVersionUID = 1L;
    private final String subcode;
    private final long wsmanCode;

    FaultException(int hresult, String subcode, long wsmanCode, String reason) {
      super(hresult, ErrorContext.NONE, "WS-Management fault " + subcode + ": " + reason, null);
      this.subcode = subcode;
      this.wsmanCode = wsmanCode;
    }

    /**
     * True if the fault says the addressed instance does not exist: {@code DestinationUnreachable},
     * or a provider's BG_E_NOT_FOUND, E_NOT_FOUND or WMI's {@code WBEM_E_NOT_FOUND} (0x80041002).
     */
    public boolean isNotFound() {
      int h = hresult();
      return subcode.equals("DestinationUnreachable") || h == Hresult.BG_E_NOT_FOUND || h == Hresult.E_NOT_FOUND
          || h == WBEM_E_NOT_FOUND;
    }

    /** The fault subcode's local name, e.g. {@code DestinationUnreachable}. */
    public String subcode() {
      return subcode;
    }

    public long wsmanCode() {
      return wsmanCode;
    }
  }

  /** Sends an operation; returns the reply's Body element. */
  public XmlElement call(@Nullable String resourceUri, String action, Map<String, String> selectors,
      @Nullable XmlElement payload) {
    return call(resourceUri, action, selectors, Map.of(), payload);
  }

  /** Sends an operation with options; returns the reply's Body element. */
  public XmlElement call(@Nullable String resourceUri, String action, Map<String, String> selectors,
      Map<String, String> options, @Nullable XmlElement payload) {
    XmlElement env = Messages.request(endpoint.toString(), resourceUri, action, selectors, options, maxEnvelopeSize,
        operationTimeout.toMillis(), payload);
    return send(XmlCodec.write(env), false);
  }

  /** Identify; {@code unauthenticated} sends {@code WSMANIDENTIFY: unauthenticated} and no credentials. */
  public XmlElement identify(boolean unauthenticated) {
    XmlElement body = send(XmlCodec.write(Messages.identifyRequest()), unauthenticated);
    return body.first(Ns.WSMID, "IdentifyResponse")
        .orElseThrow(() -> new BitsException(Hresult.E_FAIL, "the target's Identify reply has no IdentifyResponse"));
  }

  private XmlElement send(byte[] body, boolean unauthenticated) {
    HttpRequest.Builder rb = HttpRequest.newBuilder(endpoint)
        .timeout(operationTimeout.plusSeconds(5))
        .header("Content-Type", "application/soap+xml;charset=UTF-8")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (unauthenticated) {
      rb.header("WSMANIDENTIFY", "unauthenticated");
    } else if (authorization != null) {
      rb.header("Authorization", authorization);
    }
    Duration deadline = operationTimeout.plusSeconds(5);
    HttpClient h = http;
    if (h == null || closed) {
      throw new IllegalStateException("session closed");
    }
    CompletableFuture<HttpResponse<byte[]>> pending;
    try {
      pending = h.sendAsync(rb.build(), info -> new BoundedBody(maxEnvelopeSize));
    } catch (RejectedExecutionException e) {
      // the session's HTTP threads are stopped: a proxy used after WsmanSession.close()
      throw new IllegalStateException("session closed", e);
    }
    HttpResponse<byte[]> resp;
    inFlight.add(pending);
    try {
      if (closed) {
        pending.cancel(true); // closed while this call was starting
      }
      resp = pending.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (CancellationException e) {
      throw closedInFlight(e);
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw new BitsException(TIMEOUT, ErrorContext.NONE, "no complete reply from " + endpoint + " in time", e);
    } catch (ExecutionException e) {
      if (closed) {
        throw closedInFlight(e); // the cancelled exchange may fail with an I/O error instead
      }
      throw failure(e.getCause() == null ? e : e.getCause());
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw new BitsException(Hresult.E_CANCELLED, ErrorContext.NONE, "interrupted", e);
    } finally {
      inFlight.remove(pending);
    }
    int status = resp.statusCode();
    if (status == 401) {
      throw new BitsException(Hresult.E_ACCESSDENIED, unauthorizedMessage(resp));
    }
    if (status == 429) {
      throw new BitsException(Hresult.E_ACCESSDENIED, "the target refuses logins from this address for now after "
          + "repeated failures (HTTP 429" + resp.headers().firstValue("Retry-After").map(s -> ", retry after " + s + " s")
          .orElse("") + ")");
    }
    if (status == 413) {
      throw new BitsException(Hresult.E_INVALIDARG, "the request is larger than the target accepts (413)");
    }
    byte[] bytes = resp.body();
    XmlElement root = null;
    if (bytes.length > 0) {
      try {
        root = XmlCodec.parse(bytes);
      } catch (XmlCodec.BadXmlException e) {
        root = null;
      }
    }
    XmlElement bodyElement = root == null || !root.is(Ns.SOAP, "Envelope") ? null
        : root.first(Ns.SOAP, "Body").orElse(null);
    if (bodyElement != null) {
      Optional<XmlElement> fault = bodyElement.first(Ns.SOAP, "Fault");
      if (fault.isPresent()) {
        throw toException(fault.get());
      }
    }
    if (status != 200 || bodyElement == null) {
      throw new BitsException(Hresult.E_FAIL,
          "unexpected reply from " + endpoint + ": HTTP " + status + (bodyElement == null ? " without SOAP body" : ""));
    }
    return bodyElement;
  }

  private BitsException closedInFlight(Exception e) {
    return new BitsException(Hresult.E_CANCELLED, ErrorContext.NONE,
        "the session was closed while waiting for " + endpoint + " (the operation may or may not have been carried out)", e);
  }

  /** Maps a failed exchange to the HRESULT a WinRM client reports. */
  private BitsException failure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BitsException) {
        return (BitsException) c;
      }
    }
    if (t instanceof HttpConnectTimeoutException || t instanceof ConnectException) {
      return new BitsException(CANNOT_CONNECT, ErrorContext.NONE, "cannot connect to " + endpoint + ": " + t, t);
    }
    if (t instanceof HttpTimeoutException) {
      return new BitsException(TIMEOUT, ErrorContext.NONE, "no reply from " + endpoint + " in time", t);
    }
    if (t instanceof SSLException || t.getCause() instanceof SSLException) {
      return new BitsException(SECURE_FAILURE, ErrorContext.NONE, "TLS with " + endpoint + " failed: " + t.getMessage(), t);
    }
    if (t instanceof IOException) {
      // connected, then reset or closed before the whole reply: the request may have been carried
      // out, so this must not read as "cannot connect" (which promises it was not)
      return new BitsException(CONNECTION_ERROR, ErrorContext.NONE, "the connection to " + endpoint
          + " was lost before the whole reply arrived (the operation may or may not have been carried out): " + t, t);
    }
    return new BitsException(CANNOT_CONNECT, ErrorContext.NONE, "request to " + endpoint + " failed: " + t, t);
  }

  /**
   * Collects a reply body of at most {@code max} octets; a longer one is abandoned (the connection
   * is dropped) with ERROR_WSMAN_MAX_ENVELOPE_SIZE_EXCEEDED.
   */
  private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long max;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.@Nullable Subscription subscription;

    BoundedBody(long max) {
      this.max = max;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer b : buffers) {
        if (bytes.size() + (long) b.remaining() > max) {
          if (subscription != null) {
            subscription.cancel();
          }
          result.completeExceptionally(new BitsException((int) WsmanFault.MAX_ENVELOPE_SIZE_EXCEEDED,
              "the reply is larger than MaxEnvelopeSize (" + max + " octets)"));
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }
  }

  /**
   * A signed or unsigned 64-bit decimal the target answered.
   *
   * @throws BitsException E_FAIL if the text is not one (a malformed reply)
   */
  public static long replyNumber(String what, @Nullable String text) {
    String t = String.valueOf(text).strip();
    try {
      return t.startsWith("-") ? Long.parseLong(t) : Long.parseUnsignedLong(t);
    } catch (NumberFormatException e) {
      throw new BitsException(Hresult.E_FAIL, "the target answered a malformed " + what + ": " + abbreviate(t));
    }
  }

  /**
   * A URL the target answered.
   *
   * @throws BitsException E_FAIL if the text is not a URI (a malformed reply)
   */
  public static URI replyUri(String what, String text) {
    try {
      return new URI(text.strip());
    } catch (URISyntaxException e) {
      throw new BitsException(Hresult.E_FAIL, "the target answered a malformed " + what + ": " + abbreviate(text));
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "…" : s;
  }

  private static String unauthorizedMessage(HttpResponse<?> resp) {
    List<String> offers = resp.headers().allValues("WWW-Authenticate");
    boolean basic = offers.stream().anyMatch(o -> o.regionMatches(true, 0, "Basic", 0, 5));
    if (!offers.isEmpty() && !basic) {
      List<String> schemes = new ArrayList<>();
      for (String o : offers) {
        schemes.add(o.split(" ", 2)[0]);
      }
      return "the target offers only " + String.join(", ", schemes) + " authentication; bits4j speaks Basic over "
          + "HTTPS (and client certificates) — NTLM and Kerberos are not supported. On Windows enable Basic for "
          + "the HTTPS listener: winrm set winrm/config/service/auth @{Basic=\"true\"}";
    }
    return "authentication failed (HTTP 401): wrong user or password, or the account is not allowed";
  }

  /** Maps a SOAP fault to a BitsException carrying the best HRESULT it has. */
  public static FaultException toException(XmlElement fault) {
    String subcode = fault.first(Ns.SOAP, "Code")
        .flatMap(c -> c.first(Ns.SOAP, "Subcode"))
        .flatMap(s -> s.first(Ns.SOAP, "Value"))
        .map(v -> v.text().strip())
        .orElseGet(() -> fault.first(Ns.SOAP, "Code").flatMap(c -> c.first(Ns.SOAP, "Value"))
            .map(v -> v.text().strip()).orElse("Fault"));
    int colon = subcode.indexOf(':');
    String local = colon >= 0 ? subcode.substring(colon + 1) : subcode;
    String reason = fault.first(Ns.SOAP, "Reason").flatMap(r -> r.first(Ns.SOAP, "Text"))
        .map(t -> t.text().strip()).orElse("");
    Optional<XmlElement> detail = fault.first(Ns.SOAP, "Detail");
    long wsmanCode = -1;
    Long wmiCode = null;
    if (detail.isPresent()) {
      Optional<XmlElement> wf = detail.get().first(Ns.WSMANFAULT, "WSManFault");
      if (wf.isPresent()) {
        try {
          wsmanCode = Long.parseLong(String.valueOf(wf.get().attribute("Code")).strip());
        } catch (NumberFormatException ignored) {
          wsmanCode = -1;
        }
        String message = text(wf.get()).strip();
        if (reason.isEmpty()) {
          reason = message;
        }
      }
      Optional<XmlElement> wmi = detail.get().first(WMI_ERROR_NS, "MSFT_WmiError");
      if (wmi.isPresent()) {
        Optional<XmlElement> ec = wmi.get().first(WMI_ERROR_NS, "error_Code");
        if (ec.isPresent()) {
          try {
            wmiCode = Long.parseLong(ec.get().text().strip());
          } catch (NumberFormatException ignored) {
            wmiCode = null;
          }
        }
        String m = wmi.get().first(WMI_ERROR_NS, "Message").map(XmlElement::text).orElse("");
        if (reason.isEmpty()) {
          reason = m;
        }
      }
    }
    int hresult;
    if (wmiCode != null && wmiCode >= 0x8000_0000L && wmiCode <= 0xFFFF_FFFFL) {
      hresult = (int) (long) wmiCode;
    } else if (local.equals("AccessDenied")) {
      hresult = Hresult.E_ACCESSDENIED;
    } else if (local.equals("TimedOut")) {
      hresult = Hresult.E_TIMEOUT;
    } else if (wsmanCode >= 0x8000_0000L && wsmanCode <= 0xFFFF_FFFFL) {
      hresult = (int) wsmanCode;
    } else if (wsmanCode > 0 && wsmanCode < 0x10000) {
      hresult = 0x8007_0000 | (int) wsmanCode; // HRESULT_FROM_WIN32
    } else {
      hresult = Hresult.E_FAIL;
    }
    return new FaultException(hresult, local, wsmanCode, reason);
  }

  private static String text(XmlElement e) {
    StringBuilder sb = new StringBuilder(e.text());
    for (XmlElement c : e.children()) {
      sb.append(text(c));
    }
    return sb.toString();
  }

  // ------------------------------------------------------------ operations

  /** A method's reply: ReturnValue and the {@code _OUTPUT} element. */
  public record Output(int returnValue, XmlElement element) {
    public Optional<String> string(String name) {
      return element.firstNamed(name).filter(e -> !e.isNil()).map(XmlElement::text);
    }

    public List<String> strings(String name) {
      List<String> out = new ArrayList<>();
      for (XmlElement e : element.allNamed(name)) {
        if (!e.isNil()) {
          out.add(e.text());
        }
      }
      return out;
    }

    public byte[] bytes(String name) {
      List<String> s = strings(name);
      byte[] b = new byte[s.size()];
      for (int i = 0; i < b.length; i++) {
        long v = replyNumber(name, s.get(i));
        if (v < 0 || v > 255) {
          throw new BitsException(Hresult.E_FAIL, "the target answered a malformed " + name + ": " + v);
        }
        b[i] = (byte) v;
      }
      return b;
    }

    /** Throws the ReturnValue as a BitsException unless it is a success code. */
    public Output check(String what) {
      if (!Hresult.isSuccess(returnValue)) {
        throw new BitsException(returnValue, what + " failed: " + Hresult.describe(returnValue));
      }
      return this;
    }
  }

  /**
   * Invokes a WMI method. Parameter values: String, Number, Boolean, byte[] (uint8 array), List
   * (repeated), or null (xsi:nil).
   */
  public Output invoke(String classUri, String method, Map<String, String> selectors, Map<String, ?> params) {
    return invoke(classUri, method, selectors, Map.of(), params);
  }

  /** Invokes a WMI method with WS-Man options. */
  public Output invoke(String classUri, String method, Map<String, String> selectors, Map<String, String> options,
      Map<String, ?> params) {
    XmlElement in = XmlElement.of(classUri, method + "_INPUT");
    for (Map.Entry<String, ?> p : params.entrySet()) {
      Object v = p.getValue();
      if (v == null) {
        in.add(XmlElement.of(classUri, p.getKey()).declare(Ns.XSI).attr(Ns.XSI, "nil", "true"));
      } else if (v instanceof byte[]) {
        for (byte b : (byte[]) v) {
          in.leaf(classUri, p.getKey(), Integer.toString(b & 0xFF));
        }
      } else if (v instanceof List) {
        for (Object o : (List<?>) v) {
          in.leaf(classUri, p.getKey(), String.valueOf(o));
        }
      } else {
        in.leaf(classUri, p.getKey(), String.valueOf(v));
      }
    }
    XmlElement body = call(classUri, classUri + "/" + method, selectors, options, in);
    XmlElement out = body.children().stream()
        .filter(e -> e.localName().equalsIgnoreCase(method + "_OUTPUT")).findFirst()
        .orElseThrow(() -> new BitsException(Hresult.E_FAIL, "no " + method + "_OUTPUT in the reply"));
    String rv = out.firstNamed("ReturnValue").map(XmlElement::text)
        .orElseThrow(() -> new BitsException(Hresult.E_FAIL, "no ReturnValue in " + method + "_OUTPUT"));
    try {
      return new Output((int) Long.parseLong(rv.strip()), out);
    } catch (NumberFormatException e) {
      throw new BitsException(Hresult.E_FAIL, "ReturnValue is not a number: " + rv);
    }
  }

  /** WS-Transfer Get: the instance element. */
  public XmlElement get(String classUri, Map<String, String> selectors) {
    XmlElement body = call(classUri, Ns.ACTION_GET, selectors, null);
    if (body.children().isEmpty()) {
      throw new BitsException(Hresult.E_FAIL, "empty Get reply");
    }
    return body.children().get(0);
  }

  /** WS-Transfer Put of the given properties; returns the instance the target answers. */
  public XmlElement put(String classUri, String className, Map<String, String> selectors, Map<String, String> props) {
    XmlElement inst = XmlElement.of(classUri, className);
    props.forEach((k, v) -> inst.leaf(classUri, k, v));
    XmlElement body = call(classUri, Ns.ACTION_PUT, selectors, inst);
    return body.children().isEmpty() ? inst : body.children().get(0);
  }

  /** Enumerates every instance of a class (Enumerate with OptimizeEnumeration, then Pulls). */
  public List<XmlElement> enumerate(String classUri) {
    List<XmlElement> out = new ArrayList<>();
    XmlElement en = XmlElement.of(Ns.WSEN, "Enumerate");
    en.child(Ns.WSMAN, "OptimizeEnumeration");
    en.leaf(Ns.WSMAN, "MaxElements", "100");
    XmlElement body = call(classUri, Ns.ACTION_ENUMERATE, Map.of(), en);
    XmlElement resp = body.first(Ns.WSEN, "EnumerateResponse")
        .orElseThrow(() -> new BitsException(Hresult.E_FAIL, "no EnumerateResponse"));
    resp.first(Ns.WSMAN, "Items").ifPresent(i -> out.addAll(i.children()));
    boolean end = resp.first(Ns.WSMAN, "EndOfSequence").isPresent() || resp.first(Ns.WSEN, "EndOfSequence").isPresent();
    String ctx = resp.first(Ns.WSEN, "EnumerationContext").map(XmlElement::text).orElse(null);
    int rounds = 0;
    while (!end && ctx != null) {
      if (++rounds > 100_000) {
        throw new BitsException(Hresult.E_FAIL, "enumeration does not end");
      }
      XmlElement pull = XmlElement.of(Ns.WSEN, "Pull");
      pull.leaf(Ns.WSEN, "EnumerationContext", ctx);
      pull.leaf(Ns.WSEN, "MaxElements", "100");
      XmlElement pr = call(classUri, Ns.ACTION_PULL, Map.of(), pull).first(Ns.WSEN, "PullResponse")
          .orElseThrow(() -> new BitsException(Hresult.E_FAIL, "no PullResponse"));
      pr.first(Ns.WSEN, "Items").ifPresent(i -> out.addAll(i.children()));
      end = pr.first(Ns.WSEN, "EndOfSequence").isPresent();
      ctx = pr.first(Ns.WSEN, "EnumerationContext").map(XmlElement::text).orElse(null);
    }
    return out;
  }

  /** Properties of an instance element by lower-case name → text (first occurrence). */
  public static Map<String, String> properties(XmlElement instance) {
    Map<String, String> m = new LinkedHashMap<>();
    for (XmlElement c : instance.children()) {
      m.putIfAbsent(c.localName().toLowerCase(Locale.ROOT), c.isNil() ? "" : c.text());
    }
    return m;
  }
}
