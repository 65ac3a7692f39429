package io.bits4j.wsman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.AuthScheme;
import io.bits4j.AuthTarget;
import io.bits4j.BitsException;
import io.bits4j.ClientCapability;
import io.bits4j.ClientJob;
import io.bits4j.CredentialScheme;
import io.bits4j.Credentials;
import io.bits4j.Hresult;
import io.bits4j.JobId;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.wsman.internal.Envelope;
import io.bits4j.wsman.internal.WsmanClient;
import io.bits4j.wsman.internal.XmlCodec;
import io.bits4j.wsman.internal.XmlElement;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller side against replies shaped as Windows WinRM sends them (MS-WSMV §4 samples and
 * pywinrm's captured fixtures, as quoted in reference/wsman.md), from a canned HTTP server on
 * loopback (plain HTTP to loopback, so Basic is allowed).
 */
class WindowsTargetTest {
  static final String ENV_OPEN = "<s:Envelope xml:lang=\"en-US\" xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
      + "xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "
      + "xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\" "
      + "xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\">"
      + "<s:Header><a:Action>ACTION</a:Action><a:MessageID>uuid:5F2E6C0A-1111-2222-3333-444455556666</a:MessageID>"
      + "<a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To>"
      + "<a:RelatesTo>uuid:X</a:RelatesTo></s:Header><s:Body>";
  static final String ENV_CLOSE = "</s:Body></s:Envelope>";

  static final String IDENTIFY = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Header/><s:Body>"
      + "<wsmid:IdentifyResponse xmlns:wsmid=\"http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd\">"
      + "<wsmid:ProtocolVersion>http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd</wsmid:ProtocolVersion>"
      + "<wsmid:ProductVendor>Microsoft Corporation</wsmid:ProductVendor>"
      + "<wsmid:ProductVersion>OS: 10.0.20348 SP: 0.0 Stack: 3.0</wsmid:ProductVersion>"
      + "<wsmid:SecurityProfiles><wsmid:SecurityProfileName>http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/basic"
      + "</wsmid:SecurityProfileName></wsmid:SecurityProfiles></wsmid:IdentifyResponse></s:Body></s:Envelope>";

  /** pywinrm's test_exceptions fixture shape: s:Receiver / w:InternalError with MSFT_WmiError. */
  static final String WMI_FAULT = ENV_OPEN.replace("ACTION", "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault")
      + "<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>w:InternalError</s:Value></s:Subcode></s:Code>"
      + "<s:Reason><s:Text xml:lang=\"\">The WS-Management service cannot process the request. The WMI service or the "
      + "WMI provider returned an unknown error: HRESULT 0x80200001 </s:Text></s:Reason><s:Detail>"
      + "<p:MSFT_WmiError b:IsCIM_Error=\"true\" xmlns:b=\"http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd\" "
      + "xmlns:p=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_WmiError\" "
      + "xmlns:cim=\"http://schemas.dmtf.org/wbem/wscim/1/common\" "
      + "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"p:MSFT_WmiError_Type\">"
      + "<p:CIMStatusCode xsi:type=\"cim:cimUnsignedInt\">1</p:CIMStatusCode>"
      + "<p:Message xsi:type=\"cim:cimString\">The requested job was not found.</p:Message>"
      + "<p:error_Code xsi:type=\"cim:cimUnsignedInt\">2149580801</p:error_Code>"
      + "<p:error_Type xsi:type=\"cim:cimString\">HRESULT</p:error_Type></p:MSFT_WmiError></s:Detail></s:Fault>"
      + ENV_CLOSE;

  /** MS-WSMV §4.10 shape: a:DestinationUnreachable with WSManFault code and ResourceNotFound detail. */
  static final String NOT_FOUND_FAULT = ENV_OPEN.replace("ACTION", "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault")
      + "<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>a:DestinationUnreachable</s:Value>"
      + "</s:Subcode></s:Code><s:Reason><s:Text xml:lang=\"en-US\">The WS-Management service cannot process the "
      + "request because the resource URI or selectors are not valid.</s:Text></s:Reason><s:Detail>"
      + "<w:FaultDetail>http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidResourceURI</w:FaultDetail>"
      + "<f:WSManFault xmlns:f=\"http://schemas.microsoft.com/wbem/wsman/1/wsmanfault\" Code=\"2150858752\" Machine=\"\">"
      + "<f:Message>The WS-Management service cannot process the request. </f:Message></f:WSManFault>"
      + "</s:Detail></s:Fault>" + ENV_CLOSE;

  /** pywinrm's operation-timeout fixture shape. */
  static final String TIMEOUT_FAULT = ENV_OPEN.replace("ACTION", "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault")
      + "<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>w:TimedOut</s:Value></s:Subcode></s:Code>"
      + "<s:Reason><s:Text xml:lang=\"en-US\">The WS-Management service cannot complete the operation within the time "
      + "specified in OperationTimeout.  </s:Text></s:Reason><s:Detail>"
      + "<f:WSManFault xmlns:f=\"http://schemas.microsoft.com/wbem/wsman/1/wsmanfault\" Code=\"2150858793\" Machine=\"host\">"
      + "<f:Message>The WS-Management service cannot complete the operation within the time specified in "
      + "OperationTimeout.  </f:Message></f:WSManFault></s:Detail></s:Fault>" + ENV_CLOSE;

  static String output(String method, String body) {
    String uri = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/bits/" + (method.equals("CreateJob")
        || method.equals("SetJobState") || method.equals("SetCredentials") ? "BitsClientJob" : "BitsCompactServerUrlGroup");
    return ENV_OPEN.replace("ACTION", uri + "/" + method + "Response") + "<p:" + method + "_OUTPUT xmlns:p=\"" + uri
        + "\">" + body + "</p:" + method + "_OUTPUT>" + ENV_CLOSE;
  }

  record Canned(int status, String body, List<String> authenticate) {}

  EventLoopGroup group;
  Channel http;
  final Deque<Canned> replies = new ArrayDeque<>();
  final List<Envelope> requests = new ArrayList<>();
  final List<String> authorizations = new ArrayList<>();
  URI uri;

  @BeforeEach
  void start() {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    http = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                    ctx.writeAndFlush(answer(ByteBufUtil.getBytes(req.content()), req.headers().get("Authorization")));
                  }
                });
          }
        }).bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    uri = URI.create("http://127.0.0.1:" + ((InetSocketAddress) http.localAddress()).getPort() + "/wsman");
  }

  @AfterEach
  void stop() {
    http.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  private synchronized FullHttpResponse answer(byte[] body, String authorization) {
    try {
      requests.add(Envelope.parse(body));
    } catch (Exception e) {
      requests.add(null);
    }
    authorizations.add(authorization);
    Canned c = replies.isEmpty() ? new Canned(500, "", List.of()) : replies.poll();
    byte[] out = c.body().getBytes(StandardCharsets.UTF_8);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(c.status()),
        Unpooled.wrappedBuffer(out));
    for (String a : c.authenticate()) {
      r.headers().add("WWW-Authenticate", a);
    }
    if (out.length > 0) {
      r.headers().add("Content-Type", "application/soap+xml;charset=UTF-8");
    }
    r.headers().set("Content-Length", out.length);
    return r;
  }

  synchronized void reply(int status, String body) {
    replies.add(new Canned(status, body, List.of()));
  }

  WsmanSession session() {
    return WsmanSession.builder(uri).basic("Administrator", "P@ss".toCharArray()).build();
  }

  @Test
  void parsesWindowsFaultsIntoHresults() {
    WsmanClient.FaultException wmi = WsmanClient.toException(fault(WMI_FAULT));
    assertThat(wmi.hresult()).isEqualTo(Hresult.BG_E_NOT_FOUND);
    assertThat(wmi.subcode()).isEqualTo("InternalError");
    assertThat(wmi.getMessage()).contains("HRESULT 0x80200001");
    WsmanClient.FaultException nf = WsmanClient.toException(fault(NOT_FOUND_FAULT));
    assertThat(nf.subcode()).isEqualTo("DestinationUnreachable");
    assertThat(nf.wsmanCode()).isEqualTo(2150858752L);
    assertThat(nf.hresult()).isEqualTo(0x80338000);
    WsmanClient.FaultException to = WsmanClient.toException(fault(TIMEOUT_FAULT));
    assertThat(to.subcode()).isEqualTo("TimedOut");
    assertThat(to.hresult()).isEqualTo(Hresult.E_TIMEOUT);
  }

  static XmlElement fault(String envelope) {
    try {
      return XmlCodec.parse(envelope.getBytes(StandardCharsets.UTF_8)).children().get(1).children().get(0);
    } catch (XmlCodec.BadXmlException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void drivesAWindowsTargetWithoutExtensions() {
    reply(200, IDENTIFY);
    reply(200, output("CreateUrlGroup", "<p:ReturnValue>0</p:ReturnValue>"));
    reply(200, output("CreateJob", "<p:JobId>{6F0F4B7A-1111-2222-3333-444455556666}</p:JobId>"
        + "<p:ReturnValue>0</p:ReturnValue>"));
    try (WsmanSession s = session()) {
      assertThat(s.identify().isBits4j()).isFalse();
      assertThat(s.identify().productVendor()).isEqualTo("Microsoft Corporation");
      UrlGroup g = s.compactServer().createUrlGroup(UrlPrefix.parse("http://+:80/Carmine"));
      // Windows cannot list files or take bits4j's scheme codes: refused locally, nothing sent
      assertThatThrownBy(g::files).isInstanceOfSatisfying(BitsException.class,
          e -> assertThat(e.hresult()).isEqualTo(Hresult.E_NOTIMPL));
      assertThatThrownBy(() -> g.setAuthentication(AuthScheme.BASIC, true)).isInstanceOfSatisfying(BitsException.class,
          e -> assertThat(e.hresult()).isEqualTo(Hresult.E_NOTIMPL));
      assertThat(s.bitsClient().capabilities()).contains(ClientCapability.WINDOWS_CREDENTIALS)
          .doesNotContain(ClientCapability.CUSTOM_HEADERS, ClientCapability.KEYSTORE_CLIENT_CERTIFICATE,
              ClientCapability.PUSH_NOTIFICATIONS);
      ClientJob job = s.bitsClient().createJob(JobSpec.builder("w").addFile(URI.create("http://server1/Carmine/f"),
          Path.of("/stage/f")).build());
      assertThat(job.id()).isEqualTo(JobId.parse("{6F0F4B7A-1111-2222-3333-444455556666}"));
      assertThatThrownBy(() -> job.setCustomHeaders(Map.of("X-A", "1"))).isInstanceOfSatisfying(BitsException.class,
          e -> assertThat(e.hresult()).isEqualTo(Hresult.E_NOTIMPL));
    }
    synchronized (this) {
      assertThat(requests).hasSize(3);
      Envelope create = requests.get(1);
      assertThat(create.action()).endsWith("/BitsCompactServerUrlGroup/CreateUrlGroup");
      assertThat(create.selectors()).isEmpty();
      Envelope job = requests.get(2);
      assertThat(job.action()).endsWith("/BitsClientJob/CreateJob");
      XmlElement in = job.payload().orElseThrow();
      assertThat(in.firstNamed("Suspend").orElseThrow().text()).isEqualTo("true");
      assertThat(in.firstNamed("LocalFile").orElseThrow().text()).isEqualTo("/stage/f");
      assertThat(authorizations).allSatisfy(a -> assertThat(a).startsWith("Basic "));
    }
  }

  @Test
  void aJobWithoutFilesIsRefusedLocallyForAWindowsTarget() {
    reply(200, IDENTIFY);
    try (WsmanSession s = session()) {
      assertThatThrownBy(() -> s.bitsClient().createJob(JobSpec.builder("empty").build()))
          .isInstanceOfSatisfying(BitsException.class, e -> {
            assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG);
            assertThat(e.getMessage()).contains("at least one file");
          });
    }
    synchronized (this) {
      assertThat(requests).hasSize(1); // Identify only: no CreateJob without RemoteUrl and LocalFile
    }
  }

  @Test
  void implicitCredentialsTravelAsNullUserAndPassword() {
    reply(200, IDENTIFY);
    reply(200, output("CreateJob", "<p:JobId>{6F0F4B7A-1111-2222-3333-444455556666}</p:JobId>"
        + "<p:ReturnValue>0</p:ReturnValue>"));
    reply(200, output("SetCredentials", "<p:ReturnValue>0</p:ReturnValue>"));
    reply(200, output("SetCredentials", "<p:ReturnValue>0</p:ReturnValue>"));
    try (WsmanSession s = session()) {
      assertThat(s.identify().isBits4j()).isFalse();
      ClientJob job = s.bitsClient().createJob(JobSpec.builder("w").addFile(URI.create("http://server1/Carmine/f"),
          Path.of("/stage/f")).build());
      job.setCredentials(Credentials.implicit(AuthTarget.SERVER, CredentialScheme.NEGOTIATE));
      job.setCredentials(new Credentials(AuthTarget.SERVER, CredentialScheme.NTLM, "CORP\\alice", "pw"));
    }
    synchronized (this) {
      assertThat(requests).hasSize(4);
      XmlElement implicit = requests.get(2).payload().orElseThrow();
      assertThat(requests.get(2).action()).endsWith("/BitsClientJob/SetCredentials");
      assertThat(implicit.firstNamed("UserName").orElseThrow().isNil()).isTrue();
      assertThat(implicit.firstNamed("Password").orElseThrow().isNil()).isTrue();
      XmlElement explicit = requests.get(3).payload().orElseThrow();
      assertThat(explicit.firstNamed("UserName").orElseThrow().isNil()).isFalse();
      assertThat(explicit.firstNamed("UserName").orElseThrow().text()).isEqualTo("CORP\\alice");
      assertThat(explicit.firstNamed("Password").orElseThrow().text()).isEqualTo("pw");
    }
  }

  /** wazuh-ansible#581's pywinrm dump shape: Access is denied as s:Receiver / w:InternalError. */
  static final String ACCESS_DENIED_FAULT = ENV_OPEN.replace("ACTION", "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault")
      + "<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>w:InternalError</s:Value></s:Subcode>"
      + "</s:Code><s:Reason><s:Text xml:lang=\"en-US\">Access is denied. </s:Text></s:Reason><s:Detail>"
      + "<f:WSManFault xmlns:f=\"http://schemas.microsoft.com/wbem/wsman/1/wsmanfault\" Code=\"2147942405\" "
      + "Machine=\"host\"><f:Message>Access is denied. </f:Message></f:WSManFault></s:Detail></s:Fault>" + ENV_CLOSE;

  @Test
  void windowsFaultsBecomeTheirHresults() {
    reply(500, WMI_FAULT);
    reply(500, ACCESS_DENIED_FAULT);
    try (WsmanSession s = session()) {
      // the provider's "job not found" means absent
      assertThat(s.bitsClient().findJob(JobId.random())).isEmpty();
      assertThatThrownBy(() -> s.bitsClient().findJob(JobId.random()))
          .isInstanceOfSatisfying(BitsException.class, e -> {
            assertThat(e.hresult()).isEqualTo(Hresult.E_ACCESSDENIED);
            assertThat(e.getMessage()).contains("Access is denied");
          });
    }
  }

  @Test
  void findJobTreatsDestinationUnreachableAsAbsent() {
    reply(500, NOT_FOUND_FAULT);
    try (WsmanSession s = session()) {
      assertThat(s.bitsClient().findJob(JobId.random())).isEmpty();
    }
  }

  @Test
  void negotiateOnlyTargetsAreRefusedWithAClearMessage() {
    synchronized (this) {
      replies.add(new Canned(401, "", List.of("Negotiate", "Kerberos")));
    }
    try (WsmanSession s = session()) {
      assertThatThrownBy(s::identify).isInstanceOfSatisfying(BitsException.class, e -> {
        assertThat(e.hresult()).isEqualTo(Hresult.E_ACCESSDENIED);
        assertThat(e.getMessage()).contains("Negotiate, Kerberos").contains("NTLM and Kerberos are not supported")
            .contains("Basic=\"true\"");
      });
    }
  }

  @Test
  void unreachableTargetIsCannotConnect() {
    http.close().syncUninterruptibly();
    try (WsmanSession s = session()) {
      assertThatThrownBy(s::identify).isInstanceOfSatisfying(BitsException.class,
          e -> assertThat(e.hresult()).isEqualTo(WsmanClient.CANNOT_CONNECT));
    }
  }

  @Test
  void garbageRepliesAreErrorsNotCrashes() {
    reply(200, "<html>hello</html>");
    reply(502, "");
    reply(200, ENV_OPEN.replace("ACTION", "x") + ENV_CLOSE);
    try (WsmanSession s = session()) {
      assertThatThrownBy(s::identify).isInstanceOf(BitsException.class);
      assertThatThrownBy(() -> s.compactServer().urlGroups()).isInstanceOf(BitsException.class);
      assertThatThrownBy(() -> s.compactServer().deleteUrlGroup(UrlPrefix.parse("http://+:1/x")))
          .isInstanceOf(BitsException.class);
    }
    assertThat(JobState.TRANSFERRED.code()).isEqualTo(6);
  }
}
