package io.bits4j.wsman;

import static io.bits4j.wsman.EndpointTest.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.AuthTarget;
import io.bits4j.ClientCertificate;
import io.bits4j.CredentialScheme;
import io.bits4j.Hresult;
import io.bits4j.JobId;
import io.bits4j.JobPriority;
import io.bits4j.JobState;
import io.bits4j.ProxyUsage;
import io.bits4j.UserStore;
import io.bits4j.wsman.internal.Ns;
import io.bits4j.wsman.internal.WsmanClient;
import io.bits4j.wsman.internal.XmlElement;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BitsClientJob over the endpoint, with raw envelopes, against the in-memory client. */
class JobEndpointTest {
  static final TinyClient CLIENT = new TinyClient();
  @TempDir static Path tmp;
  static Path downloads;
  static ManagementEndpoint endpoint;
  static WsmanClient c;

  @BeforeAll
  static void start() throws Exception {
    UserStore users = UserStore.inMemory();
    users.addUser("admin", "pw".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    downloads = Files.createDirectories(tmp.resolve("downloads"));
    endpoint = ManagementEndpoint.builder().bitsClient(CLIENT).users(users).tls(TestPki.identity(TestPki.SERVER))
        .bind(new InetSocketAddress("127.0.0.1", 0)).downloadRoot(downloads).build();
    c = Http.wsman(endpoint.uri(), "admin", "pw");
  }

  @AfterAll
  static void stop() {
    endpoint.close();
  }

  static String create(boolean suspend, String name) {
    WsmanClient.Output o = c.invoke(Ns.JOB_URI, "CreateJob", Map.of(), params("DisplayName", name,
        "RemoteUrl", "http://127.0.0.1:8080/Carmine/a.txt", "LocalFile", downloads.resolve(name).toString(),
        "Suspend", suspend, "Description", "d-" + name));
    assertThat(o.returnValue()).isZero();
    return o.string("JobId").orElseThrow();
  }

  static Map<String, String> get(String id) {
    return WsmanClient.properties(c.get(Ns.JOB_URI, Map.of("JobId", id)));
  }

  static int setState(String id, int action) {
    return c.invoke(Ns.JOB_URI, "SetJobState", Map.of("JobId", id), params("JobState", action)).returnValue();
  }

  @Test
  void createJobStartsUnlessSuspendAndTransfers() {
    String id = create(false, "one.txt");
    assertThat(JobId.parse(id).toString()).isEqualTo(id);
    Map<String, String> p = get(id);
    assertThat(p).containsEntry("displayname", "one.txt").containsEntry("description", "d-one.txt")
        .containsEntry("state", "2").containsEntry("filestotal", "1").containsEntry("priority", "2")
        .containsEntry("bytestotal", "18446744073709551615").containsEntry("jobid", id);
    assertThat(get(id)).containsEntry("state", "6").containsEntry("bytestransferred", "100");
    XmlElement inst = c.get(Ns.JOB_URI, Map.of("JobId", id));
    Map<String, String> file = WsmanClient.properties(inst.allNamed("Files").get(0));
    assertThat(file).containsEntry("completed", "true").containsEntry("localfile", downloads.resolve("one.txt").toString());
    assertThat(Long.parseUnsignedLong(get(id).get("jobcreationtime"))).isEqualTo(134117966450000000L /* 2026-01-02T03:04:05Z */);
    assertThat(setState(id, 1)).isZero();
    assertThat(get(id)).as("still readable after complete").containsEntry("state", "7");
    assertThat(setState(id, 0)).isEqualTo(Hresult.BG_E_INVALID_STATE);
  }

  @Test
  void setJobStateActionCodes() {
    String id = create(true, "two.txt");
    assertThat(get(id)).containsEntry("state", "3");
    assertThat(setState(id, 2)).isZero();
    assertThat(get(id)).containsEntry("state", "2");
    assertThat(setState(id, 3)).isZero();
    assertThat(get(id)).containsEntry("state", "3");
    assertThat(setState(id, 7)).isEqualTo(Hresult.E_INVALIDARG);
    assertThat(setState(id, 1)).isEqualTo(Hresult.BG_S_PARTIAL_COMPLETE);
    String id2 = create(true, "three.txt");
    assertThat(setState(id2, 0)).isZero();
    assertThat(get(id2)).containsEntry("state", "8");
  }

  @Test
  void createJobArgumentsAreChecked() {
    WsmanClient.Output outside = c.invoke(Ns.JOB_URI, "CreateJob", Map.of(), params("DisplayName", "x",
        "RemoteUrl", "http://127.0.0.1:8080/C/a", "LocalFile", tmp.resolve("elsewhere.txt").toString()));
    assertThat(outside.returnValue()).isEqualTo(Hresult.E_ACCESSDENIED);
    assertThat(outside.string("JobId")).isEmpty();
    assertThat(c.invoke(Ns.JOB_URI, "CreateJob", Map.of(), params("DisplayName", "x",
        "RemoteUrl", "http://127.0.0.1:8080/C/a", "LocalFile", "../../etc/passwd")).returnValue())
        .isEqualTo(Hresult.E_ACCESSDENIED);
    assertThat(c.invoke(Ns.JOB_URI, "CreateJob", Map.of(), params("DisplayName", "x",
        "RemoteUrl", "http://127.0.0.1:8080/C/a", "LocalFile", "rel.txt", "Type", 1)).returnValue())
        .isEqualTo(Hresult.E_NOTIMPL);
    assertThat(c.invoke(Ns.JOB_URI, "CreateJob", Map.of(), params("DisplayName", "x",
        "RemoteUrl", "ftp://h/a", "LocalFile", "rel.txt")).returnValue()).isEqualTo(Hresult.E_INVALIDARG);
    assertThatThrownBy(() -> c.invoke(Ns.JOB_URI, "CreateJob", Map.of(), params("RemoteUrl", "http://h/a")))
        .isInstanceOfSatisfying(WsmanClient.FaultException.class, e -> assertThat(e.subcode()).isEqualTo("SchemaValidationError"));
  }

  @Test
  void instanceMethods() {
    String id = create(true, "four.txt");
    Map<String, String> sel = Map.of("JobId", id);
    TinyClient.Job job = CLIENT.jobs.get(JobId.parse(id));
    assertThat(c.invoke(Ns.JOB_URI, "AddFile", sel, params("RemoteUrl", "http://127.0.0.1:8080/C/b",
        "LocalFile", "sub/b.txt")).returnValue()).isZero();
    assertThat(job.files.get(1).localFile()).isEqualTo(downloads.resolve("sub/b.txt"));
    assertThat(c.invoke(Ns.JOB_URI, "AddFile", sel, params("RemoteUrl", "http://127.0.0.1:8080/C/b",
        "LocalFile", "/etc/b.txt")).returnValue()).isEqualTo(Hresult.E_ACCESSDENIED);
    assertThat(c.invoke(Ns.JOB_URI, "SetCredentials", sel, params("Target", 0, "Scheme", 0, "UserName", "alice",
        "Password", "pw")).returnValue()).isZero();
    assertThat(job.credentials).anySatisfy(cr -> {
      assertThat(cr.scheme()).isEqualTo(CredentialScheme.BASIC);
      assertThat(cr.target()).isEqualTo(AuthTarget.SERVER);
      assertThat(cr.userName()).isEqualTo("alice");
    });
    assertThat(c.invoke(Ns.JOB_URI, "SetCredentials", sel, params("Target", 1, "Scheme", 1, "UserName", "p",
        "Password", "q")).returnValue()).isZero();
    assertThat(job.credentials).anySatisfy(cr -> assertThat(cr.target()).isEqualTo(AuthTarget.PROXY));
    assertThat(c.invoke(Ns.JOB_URI, "SetCredentials", sel, params("Target", 0, "Scheme", 3, "UserName", "",
        "Password", "")).returnValue()).isEqualTo(Hresult.E_NOTIMPL);
    assertThat(c.invoke(Ns.JOB_URI, "SetCredentials", sel, params("Target", 0, "Scheme", 9, "UserName", "",
        "Password", "")).returnValue()).isEqualTo(Hresult.BG_E_INVALID_AUTH_SCHEME);
    assertThat(c.invoke(Ns.JOB_URI, "RemoveCredentials", sel, params("Target", 0, "Scheme", 0)).returnValue()).isZero();
    assertThat(job.credentials).noneSatisfy(cr -> assertThat(cr.target()).isEqualTo(AuthTarget.SERVER));
    byte[] sha1 = new byte[20];
    sha1[0] = (byte) 0xAB;
    assertThat(c.invoke(Ns.JOB_URI, "SetClientCertificateById", sel, params("CertStoreLocation", 1, "StoreName", "MY",
        "CertHash", sha1)).returnValue()).isZero();
    assertThat(job.certificate).isInstanceOfSatisfying(ClientCertificate.ByThumbprint.class,
        t -> assertThat(t.sha1()).isEqualTo(sha1));
    assertThat(c.invoke(Ns.JOB_URI, "SetClientCertificateById", sel, params("CertStoreLocation", 1, "StoreName", "MY",
        "CertHash", new byte[3])).returnValue()).isEqualTo(Hresult.E_INVALIDARG);
    assertThat(c.invoke(Ns.JOB_URI, "SetClientCertificateByName", sel, params("CertStoreLocation", 0,
        "StoreName", "MY", "SubjectName", "CN=me")).returnValue()).isZero();
    assertThat(job.certificate).isInstanceOf(ClientCertificate.BySubject.class);
    assertThat(c.invoke(Ns.JOB_URI, "RemoveClientCertificate", sel, Map.of()).returnValue()).isZero();
    assertThat(job.certificate).isNull();
    assertThat(c.invoke(Ns.JOB_URI, "SetProxySettings", sel, params("ProxyUsage", 2,
        "ProxyList", "127.0.0.1:3128 127.0.0.1:3129", "ProxyBypassList", "<local>")).returnValue()).isZero();
    assertThat(job.proxy.usage()).isEqualTo(ProxyUsage.OVERRIDE);
    assertThat(job.proxy.proxies()).containsExactly("127.0.0.1:3128", "127.0.0.1:3129");
    assertThat(c.invoke(Ns.JOB_URI, "SetProxySettings", sel, params("ProxyUsage", 1, "ProxyList", "x:1"))
        .returnValue()).isEqualTo(Hresult.E_INVALIDARG);
    assertThat(c.invoke(Ns.JOB_URI, "bits4j_SetCustomHeaders", sel, params("Header", List.of("X-A: 1", "X-B: two")))
        .returnValue()).isZero();
    assertThat(job.headers).containsEntry("X-A", "1").containsEntry("X-B", "two");
    assertThat(c.get(Ns.JOB_URI, sel).allNamed("bits4j_CustomHeader")).extracting(XmlElement::text)
        .containsExactlyInAnyOrder("X-A: 1", "X-B: two");
    assertThat(c.invoke(Ns.JOB_URI, "bits4j_SetCustomHeaders", sel, params("Header", List.of("Bad Name: 1")))
        .returnValue()).isEqualTo(Hresult.E_INVALIDARG);
  }

  @Test
  void getErrorReportsTheJobsError() {
    String id = create(true, "five.txt");
    Map<String, String> sel = Map.of("JobId", id);
    assertThat(c.invoke(Ns.JOB_URI, "GetError", sel, params("LanguageId", 1033)).returnValue())
        .isEqualTo(Hresult.BG_E_ERROR_INFORMATION_UNAVAILABLE);
    CLIENT.fail(CLIENT.jobs.get(JobId.parse(id)), Hresult.httpError(404));
    assertThat(get(id)).containsEntry("state", "4");
    WsmanClient.Output e = c.invoke(Ns.JOB_URI, "GetError", sel, params("LanguageId", 1033));
    assertThat(e.returnValue()).isZero();
    assertThat(e.string("ErrorCode")).hasValue(Integer.toUnsignedString(0x80190194));
    assertThat(e.string("ErrorContext")).hasValue("5");
    assertThat(e.string("ErrorDescription").orElseThrow()).contains("404");
  }

  @Test
  void putWritesTheWritableProperties() {
    String id = create(true, "six.txt");
    Map<String, String> sel = Map.of("JobId", id);
    XmlElement back = c.put(Ns.JOB_URI, Ns.JOB_CLASS, sel, Map.of("DisplayName", "renamed", "Priority", "0",
        "MinimumRetryDelay", "30", "NoProgressTimeout", "600", "Description", "new"));
    assertThat(WsmanClient.properties(back)).containsEntry("displayname", "renamed").containsEntry("priority", "0");
    TinyClient.Job job = CLIENT.jobs.get(JobId.parse(id));
    assertThat(job.priority).isEqualTo(JobPriority.FOREGROUND);
    assertThat(job.retry).isEqualTo(Duration.ofSeconds(30));
    assertThat(job.noProgress).isEqualTo(Duration.ofSeconds(600));
    assertThat(job.description).isEqualTo("new");
    assertThatThrownBy(() -> c.put(Ns.JOB_URI, Ns.JOB_CLASS, sel, Map.of("Priority", "9")))
        .isInstanceOfSatisfying(WsmanClient.FaultException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
  }

  @Test
  void selectorsAndMissingJobs() {
    assertThatThrownBy(() -> c.get(Ns.JOB_URI, Map.of("JobId", "not-a-guid")))
        .isInstanceOfSatisfying(WsmanClient.FaultException.class, e -> assertThat(e.subcode()).isEqualTo("InvalidSelectors"));
    assertThatThrownBy(() -> c.invoke(Ns.JOB_URI, "SetJobState", Map.of(), params("JobState", 2)))
        .isInstanceOfSatisfying(WsmanClient.FaultException.class, e -> assertThat(e.subcode()).isEqualTo("InvalidSelectors"));
    assertThatThrownBy(() -> c.get(Ns.JOB_URI, Map.of("JobId", JobId.random().toString())))
        .isInstanceOfSatisfying(WsmanClient.FaultException.class, e -> {
          assertThat(e.subcode()).isEqualTo("DestinationUnreachable");
          assertThat(e.hresult()).isEqualTo(Hresult.BG_E_NOT_FOUND);
        });
  }

  @Test
  void enumeratesActiveJobs() {
    String id = create(true, "seven.txt");
    List<XmlElement> all = c.enumerate(Ns.JOB_URI);
    assertThat(all.stream().map(e -> WsmanClient.properties(e).get("jobid"))).contains(id);
    setState(id, 0);
    assertThat(c.enumerate(Ns.JOB_URI).stream().map(e -> WsmanClient.properties(e).get("jobid"))).doesNotContain(id);
    assertThat(JobState.ofCode(Integer.parseInt(get(id).get("state")))).isEqualTo(JobState.CANCELLED);
  }
}
