package io.bits4j.wsman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.BitsException;
import io.bits4j.Hresult;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import io.bits4j.wsman.internal.Ns;
import io.bits4j.wsman.internal.WsmanClient;
import io.bits4j.wsman.internal.XmlElement;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The endpoint over HTTPS against a small in-memory server: protocol, security, URL group methods. */
class EndpointTest {
  static final UserStore USERS = UserStore.inMemory();
  static final TestScheduler CLOCK = new TestScheduler();
  static final TinyServer SERVER = new TinyServer();
  @TempDir static Path tmp;
  static Path serve;
  static ManagementEndpoint endpoint;
  static URI uri;

  @BeforeAll
  static void start() throws Exception {
    USERS.addUser("admin", "s3cret".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    USERS.addUser("bob", "hunter2".toCharArray(), Set.of("Users"), Set.of());
    USERS.addUser("carol", "0ther".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    serve = Files.createDirectories(tmp.resolve("serve"));
    Files.writeString(serve.resolve("a.txt"), "hello");
    Files.writeString(tmp.resolve("secret.txt"), "outside");
    Files.createSymbolicLink(serve.resolve("escape.txt"), tmp.resolve("secret.txt"));
    endpoint = ManagementEndpoint.builder()
        .compactServer(SERVER)
        .users(USERS)
        .tls(TestPki.identity(TestPki.SERVER))
        .bind(new InetSocketAddress("127.0.0.1", 0))
        .serveRoot(serve)
        .downloadRoot(tmp)
        .scheduler(CLOCK)
        .build();
    uri = endpoint.uri();
  }

  @AfterAll
  static void stop() {
    endpoint.close();
    endpoint.close(); // idempotent
  }

  static WsmanClient admin() {
    return Http.wsman(uri, "admin", "s3cret");
  }

  static byte[] identify() {
    return ("<s:Envelope xmlns:s=\"" + Ns.SOAP + "\" xmlns:wsmid=\"" + Ns.WSMID + "\"><s:Header/>"
        + "<s:Body><wsmid:Identify/></s:Body></s:Envelope>").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void identifyUnauthenticatedNeedsTheHeader() throws Exception {
    HttpResponse<String> r = Http.post(uri, identify(), Map.of("WSMANIDENTIFY", "unauthenticated"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("IdentifyResponse").contains(">bits4j<").contains("OS: 0.0.0")
        .doesNotContain("SecurityProfiles");
    HttpResponse<String> r2 = Http.post(uri, identify(), Map.of());
    assertThat(r2.statusCode()).isEqualTo(401);
    assertThat(r2.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"WSMAN\"");
  }

  @Test
  void unauthenticatedIdentifyHeaderDoesNotOpenOtherOperations() throws Exception {
    byte[] get = Http.request(uri, Ns.URL_GROUP_URI, Ns.ACTION_GET, Map.of("UrlGroup", "http://+:1/x"), null);
    assertThat(Http.post(uri, get, Map.of("WSMANIDENTIFY", "unauthenticated")).statusCode()).isEqualTo(401);
  }

  @Test
  void authenticatedIdentifyListsProfiles() {
    XmlElement r = admin().identify(false);
    assertThat(r.first(Ns.WSMID, "ProductVendor").orElseThrow().text()).isEqualTo("bits4j");
    assertThat(r.first(Ns.WSMID, "SecurityProfiles")).isPresent();
  }

  @Test
  void badCredentialsGet401() throws Exception {
    byte[] get = Http.request(uri, Ns.URL_GROUP_URI, Ns.ACTION_GET, Map.of("UrlGroup", "http://+:1/x"), null);
    for (String auth : List.of(Http.basic("admin", "wrong"), Http.basic("nobody", "s3cret"), "Basic !!!",
        "Negotiate TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAGFKAAAADw==")) {
      HttpResponse<String> r = Http.post(uri, get, Map.of("Authorization", auth));
      assertThat(r.statusCode()).as(auth).isEqualTo(401);
      assertThat(r.body()).isEmpty();
    }
  }

  @Test
  void nonAdministratorIsDeniedButMayIdentify() throws Exception {
    WsmanClient bob = Http.wsman(uri, "bob", "hunter2");
    assertThat(bob.identify(false).first(Ns.WSMID, "ProductVendor")).isPresent();
    assertThatThrownBy(() -> bob.invoke(Ns.URL_GROUP_URI, "CreateUrlGroup", Map.of(),
        Map.of("UrlGroup", "http://127.0.0.1:18080/Bob")))
        .isInstanceOfSatisfying(WsmanClient.FaultException.class, e -> {
          assertThat(e.subcode()).isEqualTo("AccessDenied");
          assertThat(e.hresult()).isEqualTo(Hresult.E_ACCESSDENIED);
        });
    assertThat(SERVER.findUrlGroup(UrlPrefix.parse("http://127.0.0.1:18080/Bob"))).isEmpty();
  }

  @Test
  void oversizedRequestsGet413() throws Exception {
    byte[] big = new byte[600 * 1024];
    java.util.Arrays.fill(big, (byte) '<');
    HttpResponse<String> r = Http.post(uri, big, Map.of("Authorization", Http.basic("admin", "s3cret")));
    assertThat(r.statusCode()).isEqualTo(413);
    // also before authentication: nothing is read or parsed
    assertThat(Http.post(uri, big, Map.of()).statusCode()).isEqualTo(413);
  }

  @Test
  void onlyPostOfSoapToWsman() throws Exception {
    String auth = Http.basic("admin", "s3cret");
    assertThat(Http.post(uri.resolve("/other"), identify(), Map.of("Authorization", auth)).statusCode()).isEqualTo(404);
    HttpResponse<String> get = Http.CLIENT.send(java.net.http.HttpRequest.newBuilder(uri).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    HttpResponse<String> json = Http.CLIENT.send(java.net.http.HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json").header("Authorization", auth)
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(json.statusCode()).isEqualTo(415);
  }

  @Test
  void xxeOverHttpIsAFaultWithoutExpansion() throws Exception {
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE s:Envelope [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        + "<s:Envelope xmlns:s=\"" + Ns.SOAP + "\"><s:Body>&x;</s:Body></s:Envelope>";
    HttpResponse<String> r = Http.post(uri, xxe.getBytes(StandardCharsets.UTF_8),
        Map.of("Authorization", Http.basic("admin", "s3cret")));
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).contains("SchemaValidationError").doesNotContain("root:").doesNotContain("at io.bits4j");
  }

  @Test
  void unknownResourceAndActionAreFaults() {
    assertThatThrownBy(() -> admin().get(Ns.WMI_ROOT + "cimv2/Win32_Service", Map.of("Name", "x")))
        .isInstanceOfSatisfying(WsmanClient.FaultException.class,
            e -> assertThat(e.subcode()).isEqualTo("DestinationUnreachable"));
    assertThatThrownBy(() -> admin().invoke(Ns.URL_GROUP_URI, "Format", Map.of(), Map.of()))
        .isInstanceOfSatisfying(WsmanClient.FaultException.class,
            e -> assertThat(e.subcode()).isEqualTo("ActionNotSupported"));
    // a node without a BITS client does not serve BitsClientJob
    assertThatThrownBy(() -> admin().get(Ns.JOB_URI, Map.of("JobId", "{6F0F4B7A-1111-2222-3333-444455556666}")))
        .isInstanceOfSatisfying(WsmanClient.FaultException.class,
            e -> assertThat(e.subcode()).isEqualTo("DestinationUnreachable"));
  }

  static Map<String, Object> params(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void urlGroupMethods() {
    WsmanClient c = admin();
    String prefix = "http://127.0.0.1:18081/Carmine";
    Map<String, String> sel = Map.of("UrlGroup", prefix);
    assertThat(c.invoke(Ns.URL_GROUP_URI, "CreateUrlGroup", Map.of(), params("UrlGroup", prefix)).returnValue()).isZero();
    assertThat(c.invoke(Ns.URL_GROUP_URI, "CreateUrlGroup", Map.of(), params("UrlGroup", prefix)).returnValue())
        .as("idempotent").isZero();
    assertThat(c.invoke(Ns.URL_GROUP_URI, "CreateUrlGroup", Map.of(), params("UrlGroup", "http://+:80/a/b"))
        .returnValue()).isEqualTo(Hresult.E_INVALIDARG);
    // CreateUrl: inside the serve root (relative or absolute), outside refused, symlink escape refused
    assertThat(c.invoke(Ns.URL_GROUP_URI, "CreateUrl", sel,
        params("UrlSuffix", "a.txt", "SourceFilePath", "a.txt", "SDDLAuth", "")).returnValue()).isZero();
    assertThat(c.invoke(Ns.URL_GROUP_URI, "CreateUrl", sel,
        params("UrlSuffix", "b.txt", "SourceFilePath", serve.resolve("a.txt").toString(), "SDDLAuth", "D:(A;;GR;;;AU)"))
        .returnValue()).isZero();
    assertThat(c.invoke(Ns.URL_GROUP_URI, "CreateUrl", sel,
        params("UrlSuffix", "c.txt", "SourceFilePath", tmp.resolve("secret.txt").toString(), "SDDLAuth", ""))
        .returnValue()).isEqualTo(Hresult.E_ACCESSDENIED);
    assertThat(c.invoke(Ns.URL_GROUP_URI, "CreateUrl", sel,
        params("UrlSuffix", "d.txt", "SourceFilePath", "../secret.txt", "SDDLAuth", "")).returnValue())
        .isEqualTo(Hresult.E_ACCESSDENIED);
    assertThat(c.invoke(Ns.URL_GROUP_URI, "CreateUrl", sel,
        params("UrlSuffix", "e.txt", "SourceFilePath", "escape.txt", "SDDLAuth", "")).returnValue())
        .isEqualTo(Hresult.E_ACCESSDENIED);
    assertThat(c.invoke(Ns.URL_GROUP_URI, "CreateUrl", sel,
        params("UrlSuffix", "f.txt", "SourceFilePath", "missing.txt", "SDDLAuth", "")).returnValue())
        .isEqualTo(Hresult.E_FILE_NOT_FOUND);
    assertThat(c.invoke(Ns.URL_GROUP_URI, "CreateUrl", sel,
        params("UrlSuffix", "g.txt", "SourceFilePath", "a.txt", "SDDLAuth", "not sddl")).returnValue())
        .isEqualTo(Hresult.E_INVALIDARG);
    WsmanClient.Output check = c.invoke(Ns.URL_GROUP_URI, "CheckUrl", sel, params("UrlSuffix", "A.TXT"));
    assertThat(check.string("UrlExists")).hasValue("true");
    assertThat(c.invoke(Ns.URL_GROUP_URI, "CheckUrl", sel, params("UrlSuffix", "zzz")).string("UrlExists"))
        .hasValue("false");
    // authentication: WMI 0-based codes plus bits4j's 16-18
    assertThat(c.invoke(Ns.URL_GROUP_URI, "SetUrlGroupAuthentication", sel, params("Scheme", 16, "Enable", true))
        .returnValue()).isZero();
    assertThat(c.invoke(Ns.URL_GROUP_URI, "GetUrlGroupAuthentication", sel, params("Scheme", 16)).string("Enable"))
        .hasValue("true");
    assertThat(c.invoke(Ns.URL_GROUP_URI, "SetUrlGroupAuthentication", sel, params("Scheme", 0, "Enable", true))
        .returnValue()).isEqualTo(Hresult.E_NOTIMPL);
    assertThat(c.invoke(Ns.URL_GROUP_URI, "SetUrlGroupAuthentication", sel, params("Scheme", 2, "Enable", true))
        .returnValue()).isEqualTo(Hresult.E_INVALIDARG);
    // properties
    assertThat(c.invoke(Ns.URL_GROUP_URI, "SetProperty", sel, params("Property", "BandwidthLimit", "Value", 4096))
        .returnValue()).isZero();
    assertThat(c.invoke(Ns.URL_GROUP_URI, "GetProperty", sel, params("Property", "BandwidthLimit")).string("Value"))
        .hasValue("4096");
    assertThat(c.invoke(Ns.URL_GROUP_URI, "SetProperty", sel, params("Property", "BandwidthLimit", "Value", 100))
        .returnValue()).isEqualTo(Hresult.E_INVALIDARG);
    assertThat(c.invoke(Ns.URL_GROUP_URI, "SetProperty", sel, params("Property", "ConnectionLimit", "Value", 3))
        .returnValue()).isZero();
    assertThat(c.invoke(Ns.URL_GROUP_URI, "GetProperty", sel, params("Property", "ConnectionLimit")).string("Value"))
        .hasValue("3");
    assertThat(c.invoke(Ns.URL_GROUP_URI, "GetProperty", sel, params("Property", "Colour")).returnValue())
        .isEqualTo(Hresult.E_INVALIDARG);
    // Get shows the group with the bits4j extension properties
    XmlElement g = c.get(Ns.URL_GROUP_URI, sel);
    Map<String, String> props = WsmanClient.properties(g);
    assertThat(props).containsEntry("urlgroup", prefix).containsEntry("bits4j_bandwidthlimit", "4096")
        .containsEntry("bits4j_connectionlimit", "3").containsEntry("bits4j_authscheme", "16");
    assertThat(g.allNamed("bits4j_Url")).hasSize(2);
    // type errors are faults, not return values
    assertThatThrownBy(() -> c.invoke(Ns.URL_GROUP_URI, "SetProperty", sel, params("Property", "BandwidthLimit", "Value", "lots")))
        .isInstanceOfSatisfying(WsmanClient.FaultException.class, e -> assertThat(e.subcode()).isEqualTo("SchemaValidationError"));
    // delete
    assertThat(c.invoke(Ns.URL_GROUP_URI, "DeleteUrl", sel, params("UrlSuffix", "a.txt")).returnValue()).isZero();
    assertThat(c.invoke(Ns.URL_GROUP_URI, "DeleteUrl", sel, params("UrlSuffix", "a.txt")).returnValue()).isEqualTo(1);
    assertThat(c.invoke(Ns.URL_GROUP_URI, "DeleteUrlGroup", Map.of(), params("UrlGroup", prefix)).returnValue()).isZero();
    assertThat(c.invoke(Ns.URL_GROUP_URI, "DeleteUrlGroup", Map.of(), params("UrlGroup", prefix)).returnValue()).isEqualTo(1);
    assertThatThrownBy(() -> c.get(Ns.URL_GROUP_URI, sel))
        .isInstanceOfSatisfying(WsmanClient.FaultException.class, e -> {
          assertThat(e.subcode()).isEqualTo("DestinationUnreachable");
          assertThat(e.hresult()).isEqualTo(Hresult.E_NOT_FOUND);
        });
    assertThatThrownBy(() -> c.invoke(Ns.URL_GROUP_URI, "CheckUrl", sel, params("UrlSuffix", "a.txt")))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_NOT_FOUND));
  }

  @Test
  void selectorsAreChecked() {
    WsmanClient c = admin();
    for (Map<String, String> sel : List.<Map<String, String>>of(Map.of(), Map.of("UrlGroup", "nonsense"),
        Map.of("Name", "http://+:1/x"), Map.of("UrlGroup", "http://+:1/x", "Other", "1"))) {
      assertThatThrownBy(() -> c.get(Ns.URL_GROUP_URI, sel)).as(sel.toString())
          .isInstanceOfSatisfying(WsmanClient.FaultException.class, e -> assertThat(e.subcode()).isEqualTo("InvalidSelectors"));
    }
  }

  @Test
  void sslCertificateMethods() {
    WsmanClient c = admin();
    WsmanClient.Output none = c.invoke(Ns.URL_GROUP_URI, "GetSslCertificate", Map.of(), params("Port", 18443));
    assertThat(none.returnValue()).isEqualTo(Hresult.E_FILE_NOT_FOUND);
    // no certificate store configured: passed to the server, which has none
    assertThat(c.invoke(Ns.URL_GROUP_URI, "SetSslCertificate", Map.of(),
        params("Port", 18443, "StoreName", "MY", "hashBlob", new byte[20])).returnValue()).isEqualTo(Hresult.E_NOTIMPL);
    SERVER.setSslCertificate(18443, TestPki.identity(TestPki.OTHER_SERVER));
    WsmanClient.Output got = c.invoke(Ns.URL_GROUP_URI, "GetSslCertificate", Map.of(), params("Port", 18443));
    assertThat(got.returnValue()).isZero();
    assertThat(got.bytes("hashBlob")).isEqualTo(TestPki.identity(TestPki.OTHER_SERVER).thumbprint());
    assertThat(c.invoke(Ns.URL_GROUP_URI, "RemoveSslCertificate", Map.of(), params("Port", 18443)).returnValue()).isZero();
    assertThat(c.invoke(Ns.URL_GROUP_URI, "RemoveSslCertificate", Map.of(), params("Port", 18443)).returnValue()).isEqualTo(1);
  }

  @Test
  void enumerationPullsAndExpires() {
    WsmanClient c = admin();
    for (int i = 0; i < 5; i++) {
      c.invoke(Ns.URL_GROUP_URI, "CreateUrlGroup", Map.of(), params("UrlGroup", "http://127.0.0.1:1900" + i + "/E" + i));
    }
    List<XmlElement> all = c.enumerate(Ns.URL_GROUP_URI);
    assertThat(all.stream().map(e -> WsmanClient.properties(e).get("urlgroup")))
        .contains("http://127.0.0.1:19000/E0", "http://127.0.0.1:19004/E4");
    // an Enumerate without OptimizeEnumeration leaves a context; Pull one at a time
    XmlElement en = XmlElement.of(Ns.WSEN, "Enumerate");
    String ctx = c.call(Ns.URL_GROUP_URI, Ns.ACTION_ENUMERATE, Map.of(), en).first(Ns.WSEN, "EnumerateResponse")
        .orElseThrow().first(Ns.WSEN, "EnumerationContext").orElseThrow().text();
    XmlElement pull = XmlElement.of(Ns.WSEN, "Pull");
    pull.leaf(Ns.WSEN, "EnumerationContext", ctx);
    XmlElement pr = c.call(Ns.URL_GROUP_URI, Ns.ACTION_PULL, Map.of(), pull).first(Ns.WSEN, "PullResponse").orElseThrow();
    assertThat(pr.first(Ns.WSEN, "Items").orElseThrow().children()).hasSize(1);
    assertThat(pr.first(Ns.WSEN, "EndOfSequence")).isEmpty();
    int open = endpoint.openEnumerations();
    assertThat(open).isGreaterThanOrEqualTo(1);
    // idle for 60 s: the context is dropped and a Pull fails
    CLOCK.advance(Duration.ofSeconds(61));
    assertThat(endpoint.openEnumerations()).isZero();
    assertThatThrownBy(() -> c.call(Ns.URL_GROUP_URI, Ns.ACTION_PULL, Map.of(), pull))
        .isInstanceOfSatisfying(WsmanClient.FaultException.class,
            e -> assertThat(e.subcode()).isEqualTo("InvalidEnumerationContext"));
    // Release drops a context at once
    String ctx2 = c.call(Ns.URL_GROUP_URI, Ns.ACTION_ENUMERATE, Map.of(), XmlElement.of(Ns.WSEN, "Enumerate"))
        .first(Ns.WSEN, "EnumerateResponse").orElseThrow().first(Ns.WSEN, "EnumerationContext").orElseThrow().text();
    XmlElement rel = XmlElement.of(Ns.WSEN, "Release");
    rel.leaf(Ns.WSEN, "EnumerationContext", ctx2);
    c.call(Ns.URL_GROUP_URI, Ns.ACTION_RELEASE, Map.of(), rel);
    assertThat(endpoint.openEnumerations()).isZero();
    assertThatThrownBy(() -> c.call(Ns.URL_GROUP_URI, Ns.ACTION_RELEASE, Map.of(), rel))
        .isInstanceOf(WsmanClient.FaultException.class);
    // another administrator cannot pull someone else's context; the owner still can
    String ctx3 = c.call(Ns.URL_GROUP_URI, Ns.ACTION_ENUMERATE, Map.of(), XmlElement.of(Ns.WSEN, "Enumerate"))
        .first(Ns.WSEN, "EnumerateResponse").orElseThrow().first(Ns.WSEN, "EnumerationContext").orElseThrow().text();
    XmlElement pull3 = XmlElement.of(Ns.WSEN, "Pull");
    pull3.leaf(Ns.WSEN, "EnumerationContext", ctx3);
    assertThatThrownBy(() -> Http.wsman(uri, "carol", "0ther").call(Ns.URL_GROUP_URI, Ns.ACTION_PULL, Map.of(), pull3))
        .isInstanceOfSatisfying(WsmanClient.FaultException.class,
            e -> assertThat(e.subcode()).isEqualTo("InvalidEnumerationContext"));
    assertThat(c.call(Ns.URL_GROUP_URI, Ns.ACTION_PULL, Map.of(), pull3).first(Ns.WSEN, "PullResponse")).isPresent();
    CLOCK.advance(Duration.ofSeconds(61));
  }

  @Test
  void enumerationModesGiveEndpointReferences() {
    WsmanClient c = admin();
    c.invoke(Ns.URL_GROUP_URI, "CreateUrlGroup", Map.of(), params("UrlGroup", "http://127.0.0.1:19100/Epr"));
    for (String mode : List.of("EnumerateEPR", "EnumerateObjectAndEPR")) {
      XmlElement en = XmlElement.of(Ns.WSEN, "Enumerate");
      en.child(Ns.WSMAN, "OptimizeEnumeration");
      en.leaf(Ns.WSMAN, "MaxElements", "1000");
      en.leaf(Ns.WSMAN, "EnumerationMode", mode);
      XmlElement items = c.call(Ns.URL_GROUP_URI, Ns.ACTION_ENUMERATE, Map.of(), en).first(Ns.WSEN, "EnumerateResponse")
          .orElseThrow().first(Ns.WSMAN, "Items").orElseThrow();
      assertThat(items.children()).isNotEmpty();
      XmlElement first = items.children().get(0);
      XmlElement epr = mode.equals("EnumerateEPR") ? first : first.first(Ns.WSA, "EndpointReference").orElseThrow();
      assertThat(epr.is(Ns.WSA, "EndpointReference")).as(mode).isTrue();
      XmlElement rp = epr.first(Ns.WSA, "ReferenceParameters").orElseThrow();
      assertThat(rp.first(Ns.WSMAN, "ResourceURI").orElseThrow().text()).isEqualTo(Ns.URL_GROUP_URI);
      String selector = rp.first(Ns.WSMAN, "SelectorSet").orElseThrow().first(Ns.WSMAN, "Selector").orElseThrow().text();
      // the EPR addresses the instance
      assertThat(WsmanClient.properties(c.get(Ns.URL_GROUP_URI, Map.of("UrlGroup", selector)))).containsKey("urlgroup");
      if (mode.equals("EnumerateObjectAndEPR")) {
        assertThat(first.first(Ns.URL_GROUP_URI, Ns.URL_GROUP_CLASS)).isPresent();
      }
    }
    XmlElement bad = XmlElement.of(Ns.WSEN, "Enumerate");
    bad.leaf(Ns.WSMAN, "EnumerationMode", "EnumerateSomething");
    assertThatThrownBy(() -> c.call(Ns.URL_GROUP_URI, Ns.ACTION_ENUMERATE, Map.of(), bad))
        .isInstanceOfSatisfying(WsmanClient.FaultException.class, e -> assertThat(e.subcode()).isEqualTo("UnsupportedFeature"));
    assertThat(endpoint.openEnumerations()).isZero();
  }

  @Test
  void faultedEnumerateLeavesNoContext() {
    WsmanClient c = admin();
    c.invoke(Ns.URL_GROUP_URI, "CreateUrlGroup", Map.of(), params("UrlGroup", "http://127.0.0.1:19200/Leak"));
    int before = endpoint.openEnumerations();
    for (String max : List.of("0", "-1", "many")) {
      XmlElement en = XmlElement.of(Ns.WSEN, "Enumerate");
      en.child(Ns.WSMAN, "OptimizeEnumeration");
      en.leaf(Ns.WSMAN, "MaxElements", max);
      assertThatThrownBy(() -> c.call(Ns.URL_GROUP_URI, Ns.ACTION_ENUMERATE, Map.of(), en)).as(max)
          .isInstanceOfSatisfying(WsmanClient.FaultException.class,
              e -> assertThat(e.subcode()).isEqualTo("SchemaValidationError"));
    }
    assertThat(endpoint.openEnumerations()).isEqualTo(before);
  }

  @Test
  void maxElementsBeyondTheBatchLimitIsClamped() {
    WsmanClient c = admin();
    c.invoke(Ns.URL_GROUP_URI, "CreateUrlGroup", Map.of(), params("UrlGroup", "http://127.0.0.1:19202/Many"));
    // xs:positiveInteger, capped at MaxBatchItems (MS-WSMV §3.1.4.1.14)
    XmlElement en = XmlElement.of(Ns.WSEN, "Enumerate");
    en.child(Ns.WSMAN, "OptimizeEnumeration");
    en.leaf(Ns.WSMAN, "MaxElements", "99999999999");
    XmlElement resp = c.call(Ns.URL_GROUP_URI, Ns.ACTION_ENUMERATE, Map.of(), en).first(Ns.WSEN, "EnumerateResponse")
        .orElseThrow();
    assertThat(resp.first(Ns.WSMAN, "EndOfSequence")).isPresent();
    assertThat(resp.first(Ns.WSMAN, "Items").orElseThrow().children()).isNotEmpty();
  }

  @Test
  void operationTimeoutAnswersTimedOut() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    SERVER.entered = new CountDownLatch(1);
    SERVER.block = release;
    try {
      CompletableFuture<WsmanClient.Output> call = CompletableFuture.supplyAsync(() -> admin().invoke(
          Ns.URL_GROUP_URI, "CreateUrlGroup", Map.of(), params("UrlGroup", "http://127.0.0.1:18090/Slow")));
      assertThat(SERVER.entered.await(10, TimeUnit.SECONDS)).isTrue();
      CLOCK.advance(Duration.ofSeconds(60));
      assertThatThrownBy(call::join).hasCauseInstanceOf(WsmanClient.FaultException.class)
          .satisfies(e -> assertThat(((WsmanClient.FaultException) e.getCause()).subcode()).isEqualTo("TimedOut"));
    } finally {
      SERVER.block = null;
      release.countDown();
    }
  }

  @Test
  void plainHttpOnTheTlsPortGetsNoAnswer() throws Exception {
    try (Socket s = new Socket("127.0.0.1", endpoint.address().getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[256];
      int n = in.read(buf);
      String got = n < 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
      assertThat(got).doesNotContain("HTTP/1.1 200").doesNotContain("Envelope");
    }
  }
}
