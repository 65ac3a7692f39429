package io.bits4j.wsman.internal;

import io.bits4j.AccessPolicy;
import io.bits4j.AuthScheme;
import io.bits4j.AuthTarget;
import io.bits4j.BitsClient;
import io.bits4j.BitsException;
import io.bits4j.CertStoreLocation;
import io.bits4j.ClientCertificate;
import io.bits4j.ClientJob;
import io.bits4j.CompactServer;
import io.bits4j.CompleteStatus;
import io.bits4j.CredentialScheme;
import io.bits4j.Credentials;
import io.bits4j.GroupStats;
import io.bits4j.HostedFile;
import io.bits4j.Hresult;
import io.bits4j.JobError;
import io.bits4j.JobFile;
import io.bits4j.JobId;
import io.bits4j.JobPriority;
import io.bits4j.JobProgress;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.JobTimes;
import io.bits4j.ProxySettings;
import io.bits4j.ProxyUsage;
import io.bits4j.Scheduler;
import io.bits4j.SslBinding;
import io.bits4j.TlsIdentity;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node side of the dialect, independent of HTTP: turns an authorised request {@link Envelope}
 * into a response envelope by calling the node's {@link CompactServer} and/or {@link BitsClient}.
 *
 * <p>Mapping (bits-spec §3.2/§3.3): Invoke of every {@code BitsCompactServerUrlGroup} and {@code
 * BitsClientJob} method with the WMI encodings; Get of a group (selector {@code UrlGroup}) or job
 * (selector {@code JobId}); Put of a job's writable properties; Delete of a group;
 * Enumerate/Pull/Release of groups and jobs. A method that fails answers its HRESULT as {@code
 * ReturnValue}; a missing instance is a {@code DestinationUnreachable} fault whose WSManFault code
 * is the HRESULT ({@code E_NOT_FOUND} for groups, {@code BG_E_NOT_FOUND} for jobs). Thread-safe.
 */
public final class NodeService {
  private static final Logger LOG = LoggerFactory.getLogger(NodeService.class);

  /** Largest response this endpoint writes (MaxEnvelopeSizekb 500). */
  public static final int MAX_ENVELOPE = 500 * 1024;
  /** Items per Pull when the client names no MaxElements (WS-Enumeration default). */
  private static final int DEFAULT_PULL = 1;
  private static final int MAX_PULL = 32_000;
  /**
   * WS-Man option (bits4j extension): {@code CreateUrl} fails with E_NOT_FOUND instead of
   * creating a missing group.
   */
  public static final String OPTION_EXISTING_GROUP = "bits4j_ExistingGroupOnly";
  /** {@code S_FALSE}: success, nothing to do (group, URL or binding was not there). */
  public static final int S_FALSE = 1;

  private final @Nullable CompactServer server;
  private final @Nullable BitsClient client;
  private final FileRoots roots;
  private final @Nullable CertStore certStore;
  private final Enumerations enumerations;
  private final Map<JobId, ClientJob> jobs = new ConcurrentHashMap<>();
  private final Map<Integer, String> storeNames = new ConcurrentHashMap<>();
  private final String productVersion;

  public NodeService(@Nullable CompactServer server, @Nullable BitsClient client, FileRoots roots,
      @Nullable CertStore certStore, Scheduler scheduler, Duration enumerationIdle, String productVersion) {
    this.server = server;
    this.client = client;
    this.roots = roots;
    this.certStore = certStore;
    this.enumerations = new Enumerations(scheduler, enumerationIdle);
    this.productVersion = productVersion;
  }

  /** A serialised response: the bytes, and whether it is a fault. */
  public record Reply(byte[] body, boolean fault) {}

  /** The Identify response. */
  public Reply identify(boolean authenticated) {
    return new Reply(XmlCodec.write(Messages.identifyResponse(productVersion, authenticated)), false);
  }

  /** A fault reply for a request (or for no parsed request). */
  public static Reply fault(WsmanFault f, @Nullable Envelope request) {
    return new Reply(XmlCodec.write(Messages.fault(f, request == null ? null : request.messageId())), true);
  }

  /** Open enumeration contexts (for tests). */
  public int openEnumerations() {
    return enumerations.size();
  }

  public void close() {
    enumerations.clear();
  }

  /**
   * Handles a request of an authorised administrator.
   *
   * @param user the caller, for enumeration ownership
   */
  public Reply handle(Envelope req, String user) {
    long limit = Math.min(req.maxEnvelopeSize().orElse(MAX_ENVELOPE), MAX_ENVELOPE);
    try {
      XmlElement response = dispatch(req, user, limit);
      byte[] bytes = XmlCodec.write(response);
      if (bytes.length > limit) {
        throw WsmanFault.encodingLimit("The response exceeds MaxEnvelopeSize (" + limit + " octets)",
            WsmanFault.MAX_ENVELOPE_SIZE_EXCEEDED, "MaxEnvelopeSize");
      }
      return new Reply(bytes, false);
    } catch (WsmanFault f) {
      return fault(f, req);
    }
  }

  private XmlElement dispatch(Envelope req, String user, long limit) throws WsmanFault {
    String uri = req.resourceUri();
    if (uri == null || uri.isEmpty()) {
      throw WsmanFault.destinationUnreachable("The wsman:ResourceURI header is required", WsmanFault.RESOURCE_NOT_FOUND);
    }
    Ns.BitsClass cls = Ns.bitsClass(uri).orElseThrow(() -> WsmanFault.destinationUnreachable(
        "The resource URI is not served here: " + uri, WsmanFault.RESOURCE_NOT_FOUND));
    if (cls == Ns.BitsClass.URL_GROUP && server == null) {
      throw WsmanFault.destinationUnreachable("This node has no compact server", WsmanFault.RESOURCE_NOT_FOUND);
    }
    if (cls == Ns.BitsClass.JOB && client == null) {
      throw WsmanFault.destinationUnreachable("This node has no BITS client", WsmanFault.RESOURCE_NOT_FOUND);
    }
    String action = req.action();
    String rel = req.messageId();
    if (action == null) {
      throw WsmanFault.actionNotSupported("(none)");
    }
    switch (action) {
      case Ns.ACTION_GET:
        return Messages.response(Ns.ACTION_GET_RESPONSE, rel,
            cls == Ns.BitsClass.JOB ? renderJob(job(req)) : renderGroup(group(req)));
      case Ns.ACTION_PUT:
        if (cls != Ns.BitsClass.JOB) {
          throw WsmanFault.actionNotSupported(action + " (BitsCompactServerUrlGroup has no writable properties)");
        }
        return Messages.response(Ns.ACTION_PUT_RESPONSE, rel, put(job(req), req));
      case Ns.ACTION_DELETE:
        if (cls != Ns.BitsClass.URL_GROUP) {
          throw WsmanFault.actionNotSupported(action + " (use SetJobState to cancel a job)");
        }
        UrlGroup g = group(req);
        server().deleteUrlGroup(g.prefix());
        return Messages.response(Ns.ACTION_DELETE_RESPONSE, rel, null);
      case Ns.ACTION_ENUMERATE:
        return Messages.response(Ns.ACTION_ENUMERATE_RESPONSE, rel, enumerate(req, cls, user, limit));
      case Ns.ACTION_PULL:
        return Messages.response(Ns.ACTION_PULL_RESPONSE, rel, pull(req, user, limit));
      case Ns.ACTION_RELEASE:
        XmlElement body = req.payload().filter(p -> p.is(Ns.WSEN, "Release"))
            .orElseThrow(() -> WsmanFault.schemaValidation("Release needs a wsen:Release body"));
        String ctx = body.first(Ns.WSEN, "EnumerationContext").map(XmlElement::text)
            .orElseThrow(Enumerations::invalid);
        enumerations.take(user, ctx);
        return Messages.response(Ns.ACTION_RELEASE_RESPONSE, rel, null);
      default:
        String method = methodOf(action, cls);
        return Messages.response(cls.uri() + "/" + method + "Response", rel, invoke(req, cls, method));
    }
  }

  private static String methodOf(String action, Ns.BitsClass cls) throws WsmanFault {
    String prefix = cls.uri() + "/";
    if (action.length() > prefix.length() && action.regionMatches(true, 0, prefix, 0, prefix.length())) {
      String m = action.substring(prefix.length());
      if (m.indexOf('/') < 0) {
        return m;
      }
    }
    throw WsmanFault.actionNotSupported(action);
  }

  private CompactServer server() {
    return java.util.Objects.requireNonNull(server);
  }

  private BitsClient client() {
    return java.util.Objects.requireNonNull(client);
  }

  // ---------------------------------------------------------------- instances

  private UrlPrefix prefixSelector(Envelope req) throws WsmanFault {
    Map<String, String> sel = req.selectors();
    String v = sel.get("UrlGroup");
    if (v == null || sel.size() != 1) {
      throw WsmanFault.invalidSelectors("A BitsCompactServerUrlGroup instance is addressed by exactly one selector, UrlGroup");
    }
    try {
      return UrlPrefix.parse(v);
    } catch (BitsException e) {
      throw WsmanFault.invalidSelectors("The UrlGroup selector is not a URL prefix: " + v);
    }
  }

  private UrlGroup group(Envelope req) throws WsmanFault {
    UrlPrefix p = prefixSelector(req);
    return server().findUrlGroup(p).orElseThrow(() -> WsmanFault.destinationUnreachable(
        "No URL group " + p, Hresult.E_NOT_FOUND & 0xFFFF_FFFFL));
  }

  private ClientJob job(Envelope req) throws WsmanFault {
    Map<String, String> sel = req.selectors();
    String v = sel.get("JobId");
    if (v == null || sel.size() != 1) {
      throw WsmanFault.invalidSelectors("A BitsClientJob instance is addressed by exactly one selector, JobId");
    }
    JobId id;
    try {
      id = JobId.parse(v);
    } catch (BitsException e) {
      throw WsmanFault.invalidSelectors("The JobId selector is not a GUID: " + v);
    }
    ClientJob j = jobs.get(id);
    if (j == null) {
      j = client().findJob(id).orElse(null);
      if (j != null) {
        remember(j);
      }
    }
    if (j == null) {
      throw WsmanFault.destinationUnreachable("No job " + id, Hresult.BG_E_NOT_FOUND & 0xFFFF_FFFFL);
    }
    return j;
  }

  /** Keeps job handles so a completed or cancelled job can still be read (State 7/8) while the node runs. */
  private void remember(ClientJob j) {
    jobs.put(j.id(), j);
    if (jobs.size() > 10_000) {
      jobs.values().removeIf(x -> x.state().isFinal());
    }
  }

  // ---------------------------------------------------------------- rendering

  private static XmlElement renderGroup(UrlGroup g) {
    String ns = Ns.URL_GROUP_URI;
    XmlElement e = XmlElement.of(ns, Ns.URL_GROUP_CLASS).declare(Ns.XSI);
    e.leaf(ns, "UrlGroup", g.prefix().toString());
    // bits4j extensions: what the Windows class cannot report
    e.leaf(ns, "bits4j_ConnectionLimit", Integer.toString(g.connectionLimit()));
    e.leaf(ns, "bits4j_BandwidthLimit", Long.toString(g.bandwidthLimit()));
    for (AuthScheme s : g.authentication()) {
      e.leaf(ns, "bits4j_AuthScheme", Integer.toString(s.wmiCode()));
    }
    for (HostedFile f : g.files()) {
      XmlElement u = e.child(ns, "bits4j_Url");
      u.leaf(ns, "UrlSuffix", f.suffix());
      u.leaf(ns, "SourceFilePath", f.source().toString());
      u.leaf(ns, "SDDLAuth", f.access().sddl());
    }
    GroupStats st = g.stats();
    e.leaf(ns, "bits4j_ActiveConnections", Integer.toString(st.activeConnections()));
    e.leaf(ns, "bits4j_Requests", Long.toString(st.requests()));
    e.leaf(ns, "bits4j_BytesSent", Long.toString(st.bytesSent()));
    st.statuses().forEach((code, n) -> e.leaf(ns, "bits4j_Status", code + "=" + n));
    return e;
  }

  private static XmlElement renderJob(ClientJob j) {
    String ns = Ns.JOB_URI;
    XmlElement e = XmlElement.of(ns, Ns.JOB_CLASS).declare(Ns.XSI);
    JobState state = j.state(); // first: a TRANSFERRED snapshot then shows all bytes
    JobProgress p = j.progress();
    JobTimes t = j.times();
    e.leaf(ns, "BytesTotal", Wmi.u64(p.bytesTotal()));
    e.leaf(ns, "BytesTransferred", Wmi.u64(p.bytesTransferred()));
    e.leaf(ns, "Description", j.description());
    e.leaf(ns, "DisplayName", j.displayName());
    for (JobFile f : j.files()) {
      XmlElement fe = e.child(ns, "Files").attr(Ns.XSI, "type", "q:" + Ns.FILE_CLASS + "_Type").declare(Ns.FILE_URI);
      fe.leaf(Ns.FILE_URI, "BytesTotal", Wmi.u64(f.bytesTotal()));
      fe.leaf(Ns.FILE_URI, "BytesTransferred", Wmi.u64(f.bytesTransferred()));
      fe.leaf(Ns.FILE_URI, "Completed", Boolean.toString(f.completed()));
      fe.leaf(Ns.FILE_URI, "LocalFile", f.localFile().toString());
      fe.leaf(Ns.FILE_URI, "RemoteUrl", f.remoteUrl().toString());
    }
    e.leaf(ns, "FilesTotal", Integer.toString(p.filesTotal()));
    e.leaf(ns, "FilesTransferred", Integer.toString(p.filesTransferred()));
    e.leaf(ns, "JobCompletionTime", Wmi.u64(t.transferCompletion().map(Wmi::toFiletime).orElse(0L)));
    e.leaf(ns, "JobCreationTime", Wmi.u64(Wmi.toFiletime(t.creation())));
    e.leaf(ns, "JobId", j.id().toString());
    e.leaf(ns, "JobLastModificationTime", Wmi.u64(Wmi.toFiletime(t.modification())));
    e.leaf(ns, "MinimumRetryDelay", Long.toString(j.minimumRetryDelay().getSeconds()));
    e.leaf(ns, "NoProgressTimeout", Long.toString(Math.min(j.noProgressTimeout().getSeconds(), 0xFFFF_FFFFL)));
    e.leaf(ns, "Owner", j.owner());
    e.leaf(ns, "Priority", Integer.toString(j.priority().code()));
    e.leaf(ns, "State", Integer.toString(state.code()));
    e.leaf(ns, "TransientErrorCount", Integer.toString(j.transientErrorCount()));
    // bits4j extension
    j.customHeaders().forEach((k, v) -> e.leaf(ns, "bits4j_CustomHeader", k + ": " + v));
    return e;
  }

  // ---------------------------------------------------------------- Put

  private XmlElement put(ClientJob j, Envelope req) throws WsmanFault {
    XmlElement body = req.payload().filter(p -> p.localName().equalsIgnoreCase(Ns.JOB_CLASS))
        .orElseThrow(() -> WsmanFault.schemaValidation("Put needs a BitsClientJob instance in the body"));
    Wmi.Params p = new Wmi.Params(body);
    try {
      Optional<String> name = p.string("DisplayName");
      Optional<String> description = p.string("Description");
      Optional<Long> priority = p.unsigned("Priority", 0xFFFF_FFFFL);
      Optional<Long> retry = p.unsigned("MinimumRetryDelay", 0xFFFF_FFFFL);
      Optional<Long> noProgress = p.unsigned("NoProgressTimeout", 0xFFFF_FFFFL);
      // validate everything before changing anything: a refused Put leaves the job as it was
      if (priority.isPresent()) {
        JobPriority.ofCode((int) Math.min(priority.get(), Integer.MAX_VALUE));
      }
      if (name.isPresent() || description.isPresent()) {
        JobSpec.builder(name.orElse("x")).description(description.orElse(""));
      }
      if (name.isPresent()) {
        j.setDisplayName(name.get());
      }
      if (description.isPresent()) {
        j.setDescription(description.get());
      }
      if (priority.isPresent()) {
        j.setPriority(JobPriority.ofCode(priority.get().intValue()));
      }
      if (retry.isPresent()) {
        j.setMinimumRetryDelay(Duration.ofSeconds(retry.get()));
      }
      if (noProgress.isPresent()) {
        j.setNoProgressTimeout(Duration.ofSeconds(noProgress.get()));
      }
    } catch (BitsException e) {
      throw WsmanFault.provider(e.hresult(), "Put refused: " + e.getMessage());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw WsmanFault.provider(Hresult.E_INVALIDARG, "Put refused: " + e.getMessage());
    }
    return renderJob(j);
  }

  // ---------------------------------------------------------------- enumeration

  private XmlElement enumerate(Envelope req, Ns.BitsClass cls, String user, long limit) throws WsmanFault {
    XmlElement body = req.payload().filter(p -> p.is(Ns.WSEN, "Enumerate"))
        .orElseThrow(() -> WsmanFault.schemaValidation("Enumerate needs a wsen:Enumerate body"));
    if (body.first(Ns.WSMAN, "Filter").isPresent() || body.first(Ns.WSEN, "Filter").isPresent()) {
      throw WsmanFault.wsman(true, "CannotProcessFilter", "Filters are not supported; enumerate all instances",
          WsmanFault.FILTERING_NOT_SUPPORTED, null).withSubcodeNs(Ns.WSEN);
    }
    String mode = body.first(Ns.WSMAN, "EnumerationMode").map(m -> m.text().strip()).orElse("");
    if (!mode.isEmpty() && !mode.equals("EnumerateEPR") && !mode.equals("EnumerateObjectAndEPR")) {
      throw WsmanFault.unsupportedFeature("Unknown EnumerationMode " + mode, WsmanFault.OPTIONS_NOT_SUPPORTED,
          "EnumerationMode");
    }
    List<String> keys = new ArrayList<>();
    if (cls == Ns.BitsClass.JOB) {
      for (ClientJob j : client().jobs()) {
        remember(j);
        keys.add(j.id().toString());
      }
    } else {
      for (UrlGroup g : server().urlGroups()) {
        keys.add(g.prefix().toString());
      }
    }
    boolean optimize = body.first(Ns.WSMAN, "OptimizeEnumeration").isPresent();
    int max = optimize ? maxElements(body.first(Ns.WSMAN, "MaxElements")) : 0;
    Enumerations.Context ctx = enumerations.open(user, cls.uri(), keys, mode);
    XmlElement resp = XmlElement.of(Ns.WSEN, "EnumerateResponse");
    XmlElement ctxElement = resp.child(Ns.WSEN, "EnumerationContext").text(Enumerations.id(ctx));
    if (optimize) {
      boolean end;
      try {
        end = fill(resp.child(Ns.WSMAN, "Items"), ctx, cls, max, limit);
      } catch (WsmanFault f) {
        enumerations.take(user, Enumerations.id(ctx)); // the fault carries no context: drop it
        throw f;
      }
      if (end) {
        enumerations.take(user, Enumerations.id(ctx));
        resp.children().remove(ctxElement);
        resp.child(Ns.WSMAN, "EndOfSequence");
      }
    }
    return resp;
  }

  private XmlElement pull(Envelope req, String user, long limit) throws WsmanFault {
    XmlElement body = req.payload().filter(p -> p.is(Ns.WSEN, "Pull"))
        .orElseThrow(() -> WsmanFault.schemaValidation("Pull needs a wsen:Pull body"));
    String id = body.first(Ns.WSEN, "EnumerationContext").map(XmlElement::text).orElseThrow(Enumerations::invalid);
    Enumerations.Context ctx = enumerations.take(user, id);
    Ns.BitsClass cls = Ns.bitsClass(ctx.resourceUri()).orElseThrow();
    if (req.resourceUri() == null || Ns.bitsClass(req.resourceUri()).orElse(null) != cls) {
      enumerations.putBack(ctx);
      throw Enumerations.invalid();
    }
    XmlElement resp = XmlElement.of(Ns.WSEN, "PullResponse");
    XmlElement ctxElement = resp.child(Ns.WSEN, "EnumerationContext").text(id);
    boolean end;
    try {
      end = fill(resp.child(Ns.WSEN, "Items"), ctx, cls, maxElements(body.first(Ns.WSEN, "MaxElements")), limit);
    } catch (WsmanFault f) {
      enumerations.putBack(ctx);
      throw f;
    }
    if (end) {
      resp.children().remove(ctxElement);
      resp.child(Ns.WSEN, "EndOfSequence");
    } else {
      enumerations.putBack(ctx);
    }
    return resp;
  }

  private static int maxElements(Optional<XmlElement> e) throws WsmanFault {
    if (e.isEmpty()) {
      return DEFAULT_PULL;
    }
    try {
      // xs:positiveInteger, of any size; the effective value is capped at MaxBatchItems (MS-WSMV §3.1.4.1.14)
      BigInteger n = new BigInteger(e.get().text().strip());
      if (n.signum() < 1) {
        throw new NumberFormatException();
      }
      return n.min(BigInteger.valueOf(MAX_PULL)).intValueExact();
    } catch (NumberFormatException x) {
      throw WsmanFault.schemaValidation("MaxElements must be a positive integer");
    }
  }

  /** Adds up to {@code max} items that fit the envelope; true when the sequence is exhausted. */
  private boolean fill(XmlElement items, Enumerations.Context ctx, Ns.BitsClass cls, int max, long limit)
      throws WsmanFault {
    long budget = limit - 2048; // headers and wrapper
    int added = 0;
    while (added < max) {
      Optional<String> key = ctx.next();
      if (key.isEmpty()) {
        break;
      }
      XmlElement object = renderKey(cls, key.get());
      if (object == null) {
        continue; // gone since the Enumerate
      }
      XmlElement item = object;
      if (ctx.mode().equals("EnumerateEPR")) {
        item = epr(cls, key.get());
      } else if (ctx.mode().equals("EnumerateObjectAndEPR")) {
        item = XmlElement.of(Ns.WSMAN, "Item").add(object).add(epr(cls, key.get()));
      }
      int size = XmlCodec.write(item).length;
      if (size > budget) {
        ctx.pushBack(key.get());
        if (added == 0) {
          throw WsmanFault.encodingLimit("An item does not fit MaxEnvelopeSize", WsmanFault.MAX_ENVELOPE_SIZE_EXCEEDED,
              "MaxEnvelopeSize");
        }
        break;
      }
      budget -= size;
      items.add(item);
      added++;
    }
    return ctx.isEmpty();
  }

  /** The endpoint reference of an instance (MS-WSMV §3.1.4.1.17): anonymous address, URI, selector. */
  private static XmlElement epr(Ns.BitsClass cls, String key) {
    XmlElement e = XmlElement.of(Ns.WSA, "EndpointReference");
    e.leaf(Ns.WSA, "Address", Ns.ANONYMOUS);
    XmlElement rp = e.child(Ns.WSA, "ReferenceParameters");
    rp.leaf(Ns.WSMAN, "ResourceURI", cls.uri());
    rp.child(Ns.WSMAN, "SelectorSet").add(XmlElement.of(Ns.WSMAN, "Selector")
        .attr("Name", cls == Ns.BitsClass.JOB ? "JobId" : "UrlGroup").text(key));
    return e;
  }

  private @Nullable XmlElement renderKey(Ns.BitsClass cls, String key) {
    if (cls == Ns.BitsClass.JOB) {
      JobId id = JobId.parse(key);
      ClientJob j = jobs.get(id);
      if (j == null) {
        j = client().findJob(id).orElse(null);
      }
      return j == null ? null : renderJob(j);
    }
    return server().findUrlGroup(UrlPrefix.parse(key)).map(NodeService::renderGroup).orElse(null);
  }

  // ---------------------------------------------------------------- Invoke

  private XmlElement invoke(Envelope req, Ns.BitsClass cls, String method) throws WsmanFault {
    Optional<XmlElement> body = req.payload();
    if (body.isPresent() && !body.get().localName().equalsIgnoreCase(method + "_INPUT")) {
      throw WsmanFault.schemaValidation("The body of " + method + " must be " + method + "_INPUT");
    }
    Wmi.Params p = new Wmi.Params(body.orElse(null));
    Map<String, Object> out = new LinkedHashMap<>();
    int rv;
    try {
      rv = cls == Ns.BitsClass.JOB ? invokeJob(req, method, p, out) : invokeGroup(req, method, p, out);
    } catch (BitsException e) {
      out.clear();
      rv = e.hresult();
      LOG.debug("{}.{} returned {}", cls, method, e.getMessage());
    } catch (IllegalArgumentException e) {
      out.clear();
      rv = Hresult.E_INVALIDARG;
      LOG.debug("{}.{} refused an argument: {}", cls, method, e.getMessage());
    } catch (IllegalStateException e) {
      out.clear();
      rv = Hresult.E_FAIL;
      LOG.debug("{}.{} failed: {}", cls, method, e.getMessage());
    }
    String ns = cls.uri();
    XmlElement o = XmlElement.of(ns, canonicalMethod(method) + "_OUTPUT");
    for (Map.Entry<String, Object> e : out.entrySet()) {
      Object v = e.getValue();
      if (v instanceof byte[]) {
        for (byte b : (byte[]) v) {
          o.leaf(ns, e.getKey(), Integer.toString(b & 0xFF));
        }
      } else if (v instanceof List) {
        for (Object x : (List<?>) v) {
          o.leaf(ns, e.getKey(), String.valueOf(x));
        }
      } else {
        o.leaf(ns, e.getKey(), String.valueOf(v));
      }
    }
    o.leaf(ns, "ReturnValue", Wmi.u32(rv));
    return o;
  }

  private static final List<String> METHODS = List.of(
      "CreateUrlGroup", "DeleteUrlGroup", "CreateUrl", "DeleteUrl", "CheckUrl", "GetProperty", "SetProperty",
      "SetSslCertificate", "GetSslCertificate", "RemoveSslCertificate", "SetUrlGroupAuthentication",
      "GetUrlGroupAuthentication", "CreateJob", "AddFile", "SetJobState", "GetError", "SetCredentials",
      "RemoveCredentials", "SetClientCertificateById", "SetClientCertificateByName", "RemoveClientCertificate",
      "SetProxySettings", "bits4j_GetCapabilities", "bits4j_SetCustomHeaders", "bits4j_SetClientCertificateFromKeyStore");

  private static String canonicalMethod(String m) {
    for (String c : METHODS) {
      if (c.equalsIgnoreCase(m)) {
        return c;
      }
    }
    return m;
  }

  private int invokeGroup(Envelope req, String method, Wmi.Params p, Map<String, Object> out) throws WsmanFault {
    CompactServer s = server();
    switch (method.toLowerCase(Locale.ROOT)) {
      case "createurlgroup": {
        s.createUrlGroup(UrlPrefix.parse(p.requiredString("UrlGroup")));
        return 0;
      }
      case "deleteurlgroup": {
        return s.deleteUrlGroup(UrlPrefix.parse(p.requiredString("UrlGroup"))) ? 0 : S_FALSE;
      }
      case "createurl": {
        UrlPrefix prefix = prefixSelector(req);
        String suffix = p.requiredString("UrlSuffix");
        Path source = roots.checkServe(p.requiredString("SourceFilePath"));
        AccessPolicy access = AccessPolicy.parse(p.string("SDDLAuth").orElse(""));
        if (p.bytes("CertificateHashAccessCheck").length != 0) {
          throw new BitsException(Hresult.E_INVALIDARG, "CertificateHashAccessCheck is reserved and must be empty");
        }
        boolean existing = Envelope.isTrue(req.options().get(OPTION_EXISTING_GROUP));
        UrlGroup g = existing ? group(req) : s.findUrlGroup(prefix).orElseGet(() -> s.createUrlGroup(prefix)); // WMI: CreateUrl creates a missing group
        g.host(suffix, source, access);
        return 0;
      }
      case "deleteurl":
        return group(req).remove(p.requiredString("UrlSuffix")) ? 0 : S_FALSE;
      case "checkurl":
        out.put("UrlExists", group(req).contains(p.requiredString("UrlSuffix")));
        return 0;
      case "getproperty": {
        UrlGroup g = group(req);
        String prop = p.requiredString("Property");
        if (prop.equalsIgnoreCase("ConnectionLimit")) {
          out.put("Value", Integer.toUnsignedString(g.connectionLimit()));
        } else if (prop.equalsIgnoreCase("BandwidthLimit")) {
          out.put("Value", Long.toString(g.bandwidthLimit()));
        } else {
          throw new BitsException(Hresult.E_INVALIDARG, "no property " + prop + " (ConnectionLimit, BandwidthLimit)");
        }
        return 0;
      }
      case "setproperty": {
        UrlGroup g = group(req);
        String prop = p.requiredString("Property");
        long value = p.requiredUnsigned("Value", 0xFFFF_FFFFL);
        if (prop.equalsIgnoreCase("ConnectionLimit")) {
          if (value > Integer.MAX_VALUE) {
            throw new BitsException(Hresult.E_INVALIDARG, "connection limit too large: " + value);
          }
          g.setConnectionLimit((int) value);
        } else if (prop.equalsIgnoreCase("BandwidthLimit")) {
          g.setBandwidthLimit(value);
        } else {
          throw new BitsException(Hresult.E_INVALIDARG, "no property " + prop + " (ConnectionLimit, BandwidthLimit)");
        }
        return 0;
      }
      case "setsslcertificate": {
        int port = port(p);
        String store = p.string("StoreName").filter(x -> !x.isEmpty()).orElse("MY");
        byte[] hash = p.bytes("hashBlob");
        if (certStore != null) {
          TlsIdentity id = certStore.find(store, hash);
          s.setSslCertificate(port, id);
        } else {
          s.setSslCertificate(port, store, hash);
        }
        storeNames.put(port, store);
        return 0;
      }
      case "getsslcertificate": {
        int port = port(p);
        SslBinding b = s.sslCertificate(port).orElseThrow(
            () -> new BitsException(Hresult.E_FILE_NOT_FOUND, "no certificate bound to port " + port));
        out.put("StoreName", storeNames.getOrDefault(port, b.storeName()));
        out.put("hashBlob", b.thumbprint());
        return 0;
      }
      case "removesslcertificate": {
        int port = port(p);
        boolean removed = s.removeSslCertificate(port);
        storeNames.remove(port);
        return removed ? 0 : S_FALSE;
      }
      case "seturlgroupauthentication": {
        UrlGroup g = group(req);
        AuthScheme scheme = AuthScheme.ofWmiCode((int) p.requiredUnsigned("Scheme", 0xFFFF));
        boolean enable = p.requiredBool("Enable");
        if (p.unsigned("Flag", 0xFFFF_FFFFL).orElse(0L) != 0
            || !p.string("DomainName").orElse("").isEmpty() || !p.string("Realm").orElse("").isEmpty()) {
          throw new BitsException(Hresult.E_INVALIDARG, "Flag must be 0 and DomainName and Realm empty");
        }
        g.setAuthentication(scheme, enable);
        return 0;
      }
      case "geturlgroupauthentication": {
        UrlGroup g = group(req);
        AuthScheme scheme = AuthScheme.ofWmiCode((int) p.requiredUnsigned("Scheme", 0xFFFF));
        out.put("Enable", g.authentication().contains(scheme));
        out.put("Flag", 0);
        return 0;
      }
      default:
        throw WsmanFault.actionNotSupported(Ns.URL_GROUP_URI + "/" + method);
    }
  }

  private static int port(Wmi.Params p) throws WsmanFault {
    long port = p.requiredUnsigned("Port", 0xFFFF);
    if (port < 1) {
      throw new BitsException(Hresult.E_INVALIDARG, "port must be 1-65535");
    }
    return (int) port;
  }

  private int invokeJob(Envelope req, String method, Wmi.Params p, Map<String, Object> out) throws WsmanFault {
    switch (method.toLowerCase(Locale.ROOT)) {
      case "createjob":
        return createJob(p, out);
      case "bits4j_getcapabilities": {
        List<String> caps = new ArrayList<>();
        for (io.bits4j.ClientCapability c : client().capabilities()) {
          caps.add(c.name());
        }
        out.put("Capability", caps);
        return 0;
      }
      case "addfile": {
        ClientJob j = job(req);
        j.addFile(uri(p.requiredString("RemoteUrl")), roots.checkDownload(p.requiredString("LocalFile")));
        return 0;
      }
      case "setjobstate": {
        ClientJob j = job(req);
        long action = p.requiredUnsigned("JobState", 0xFFFF);
        switch ((int) action) {
          case 0:
            j.cancel();
            return 0;
          case 1:
            CompleteStatus st = j.complete();
            return st.hresult();
          case 2:
            j.resume();
            return 0;
          case 3:
            j.suspend();
            return 0;
          default:
            throw new BitsException(Hresult.E_INVALIDARG, "JobState action must be 0 cancel, 1 complete, 2 resume or 3 suspend");
        }
      }
      case "geterror": {
        ClientJob j = job(req);
        p.unsigned("LanguageId", 0xFFFF_FFFFL);
        JobError e = j.error().orElseThrow(() -> new BitsException(Hresult.BG_E_ERROR_INFORMATION_UNAVAILABLE,
            "the job has no error"));
        out.put("ErrorContext", e.context().code());
        out.put("ErrorCode", Wmi.u32(e.hresult()));
        out.put("ContextDescription", contextDescription(e.context()));
        out.put("ErrorDescription", e.description());
        e.remoteUrl().ifPresent(u -> out.put("bits4j_RemoteUrl", u.toString()));
        e.localFile().ifPresent(f -> out.put("bits4j_LocalFile", f.toString()));
        return 0;
      }
      case "setcredentials": {
        ClientJob j = job(req);
        AuthTarget target = AuthTarget.ofWmiCode((int) p.requiredUnsigned("Target", 0xFFFF));
        CredentialScheme scheme = CredentialScheme.ofWmiCode((int) p.requiredUnsigned("Scheme", 0xFFFF));
        j.setCredentials(new Credentials(target, scheme, p.string("UserName").orElse(""), p.string("Password").orElse("")));
        return 0;
      }
      case "removecredentials": {
        ClientJob j = job(req);
        j.removeCredentials(AuthTarget.ofWmiCode((int) p.requiredUnsigned("Target", 0xFFFF)),
            CredentialScheme.ofWmiCode((int) p.requiredUnsigned("Scheme", 0xFFFF)));
        return 0;
      }
      case "setclientcertificatebyid": {
        ClientJob j = job(req);
        j.setClientCertificate(ClientCertificate.byThumbprint(
            CertStoreLocation.ofCode((int) p.requiredUnsigned("CertStoreLocation", 0xFFFF)),
            p.requiredString("StoreName"), p.bytes("CertHash")));
        return 0;
      }
      case "setclientcertificatebyname": {
        ClientJob j = job(req);
        j.setClientCertificate(ClientCertificate.bySubject(
            CertStoreLocation.ofCode((int) p.requiredUnsigned("CertStoreLocation", 0xFFFF)),
            p.requiredString("StoreName"), p.requiredString("SubjectName")));
        return 0;
      }
      case "removeclientcertificate":
        job(req).removeClientCertificate();
        return 0;
      case "setproxysettings": {
        ClientJob j = job(req);
        ProxyUsage usage = ProxyUsage.ofCode((int) p.requiredUnsigned("ProxyUsage", 0xFFFF));
        List<String> list = split(p.string("ProxyList").orElse(""));
        List<String> bypass = split(p.string("ProxyBypassList").orElse(""));
        j.setProxy(new ProxySettings(usage, list, bypass));
        return 0;
      }
      case "bits4j_setcustomheaders": {
        ClientJob j = job(req);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : p.strings("Header")) {
          int colon = line.indexOf(':');
          if (colon <= 0) {
            throw new BitsException(Hresult.E_INVALIDARG, "a header is 'Name: value': " + line);
          }
          headers.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }
        j.setCustomHeaders(JobSpec.checkCustomHeaders(headers));
        return 0;
      }
      case "bits4j_setclientcertificatefromkeystore": {
        ClientJob j = job(req);
        byte[] pkcs12;
        try {
          pkcs12 = Base64.getMimeDecoder().decode(p.requiredString("Pkcs12"));
        } catch (IllegalArgumentException e) {
          throw new BitsException(Hresult.E_INVALIDARG, "Pkcs12 is not base64");
        }
        char[] password = p.string("Password").orElse("").toCharArray();
        String alias = p.requiredString("Alias");
        KeyStore ks;
        try {
          ks = KeyStore.getInstance("PKCS12");
          ks.load(new ByteArrayInputStream(pkcs12), password);
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
          throw new BitsException(Hresult.E_INVALIDARG, "Pkcs12 is not a readable PKCS#12 key store");
        }
        j.setClientCertificate(ClientCertificate.fromKeyStore(ks, alias, password));
        Arrays.fill(password, '\0');
        return 0;
      }
      default:
        throw WsmanFault.actionNotSupported(Ns.JOB_URI + "/" + method);
    }
  }

  private int createJob(Wmi.Params p, Map<String, Object> out) throws WsmanFault {
    String name = p.requiredString("DisplayName");
    Optional<String> remote = p.string("RemoteUrl");
    Optional<String> local = p.string("LocalFile");
    long account = p.unsigned("ServiceAccount", 0xFFFF).orElse(2L);
    long type = p.unsigned("Type", 0xFFFF).orElse(0L);
    boolean suspend = p.bool("Suspend").orElse(false);
    String description = p.string("Description").orElse("");
    if (account > 2) {
      throw new BitsException(Hresult.E_INVALIDARG, "ServiceAccount must be 0, 1 or 2");
    }
    if (type == 1 || type == 2) {
      throw new BitsException(Hresult.E_NOTIMPL, "bits4j creates download jobs only");
    }
    if (type != 0) {
      throw new BitsException(Hresult.E_INVALIDARG, "Type must be 0 (download)");
    }
    if (remote.isPresent() != local.isPresent()) {
      throw new BitsException(Hresult.E_INVALIDARG, "RemoteUrl and LocalFile go together");
    }
    JobSpec.Builder b = JobSpec.builder(name).description(description).start(!suspend);
    if (remote.isPresent()) {
      b.addFile(uri(remote.get()), roots.checkDownload(local.get()));
    }
    ClientJob j = client().createJob(b.build());
    remember(j);
    out.put("JobId", j.id().toString());
    return 0;
  }

  private static URI uri(String text) {
    try {
      return JobSpec.checkRemoteUrl(new URI(text.strip()));
    } catch (URISyntaxException e) {
      throw new BitsException(Hresult.E_INVALIDARG, "not a URL: " + text);
    }
  }

  private static List<String> split(String list) {
    List<String> out = new ArrayList<>();
    for (String s : list.strip().split("\\s+")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  private static String contextDescription(io.bits4j.ErrorContext c) {
    switch (c) {
      case NONE:
        return "No error.";
      case UNKNOWN:
        return "The error occurred in an unknown location.";
      case GENERAL_QUEUE_MANAGER:
        return "The error occurred in the Background Intelligent Transfer Service (BITS) queue manager.";
      case QUEUE_MANAGER_NOTIFICATION:
        return "The error occurred while the queue manager was notifying the program.";
      case LOCAL_FILE:
        return "The error occurred while processing the local file.";
      case REMOTE_FILE:
        return "The error occurred while processing the remote file.";
      case GENERAL_TRANSPORT:
        return "The error occurred in the transport layer.";
      case REMOTE_APPLICATION:
        return "The error occurred while the remote server was processing the data.";
      default:
        return "The error occurred in the server certificate validation callback.";
    }
  }
}
