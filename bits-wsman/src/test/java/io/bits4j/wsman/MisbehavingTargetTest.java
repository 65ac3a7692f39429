package io.bits4j.wsman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.bits4j.BitsException;
import io.bits4j.Hresult;
import io.bits4j.JobId;
import io.bits4j.UrlPrefix;
import io.bits4j.wsman.internal.RemoteClientJob;
import io.bits4j.wsman.internal.WsmanClient;
import io.bits4j.wsman.internal.WsmanFault;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A target that misbehaves below the SOAP level (a body that stalls or never ends) or answers
 * values of the wrong type: every case is a {@link BitsException} within the session's
 * operation timeout plus the 5 s network allowance.
 */
class MisbehavingTargetTest {
  static final String JOB = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/bits/BitsClientJob";
  static final String GROUP = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/bits/BitsCompactServerUrlGroup";

  /** What the raw target writes after reading a request. */
  interface Answer {
    void write(OutputStream out) throws IOException;
  }

  ServerSocket listener;
  ExecutorService threads;
  volatile Answer answer;
  final CountDownLatch finished = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads = Executors.newCachedThreadPool();
    threads.submit(() -> {
      while (!listener.isClosed()) {
        Socket s = listener.accept();
        threads.submit(() -> {
          try (s) {
            readRequest(s.getInputStream());
            answer.write(s.getOutputStream());
            finished.await(30, TimeUnit.SECONDS); // keep the connection open: the client must give up by itself
          } catch (IOException | InterruptedException e) {
            // the client went away
          }
          return null;
        });
      }
      return null;
    });
  }

  @AfterEach
  void stop() throws IOException {
    finished.countDown();
    listener.close();
    threads.shutdownNow();
  }

  /** Reads one request (head and Content-Length body) off a raw socket. */
  static void readRequest(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      head.append((char) c);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    String h = head.toString().toLowerCase(Locale.ROOT);
    int i = h.indexOf("content-length:");
    if (i >= 0) {
      in.readNBytes(Integer.parseInt(h.substring(i + 15, h.indexOf("\r\n", i)).strip()));
    }
  }

  WsmanSession session() {
    URI uri = URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/wsman");
    return WsmanSession.builder(uri).basic("Administrator", "P@ss".toCharArray())
        .operationTimeout(Duration.ofSeconds(1)).build();
  }

  static Answer soap(String body) {
    return out -> {
      byte[] b = ("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Header/><s:Body>" + body
          + "</s:Body></s:Envelope>").getBytes(StandardCharsets.UTF_8);
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml;charset=UTF-8\r\nContent-Length: " + b.length
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(b);
      out.flush();
    };
  }

  @Test
  void bodyThatStallsAfterTheHeadersTimesOut() {
    answer = out -> {
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml;charset=UTF-8\r\nContent-Length: 1000\r\n\r\n"
          + "<s:Envelope").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    };
    try (WsmanSession s = session()) {
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(
          () -> s.compactServer().deleteUrlGroup(UrlPrefix.parse("http://+:1/x")))
          .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(WsmanClient.TIMEOUT)));
    }
  }

  @Test
  void endlessBodyIsCutOffAtTheEnvelopeLimit() {
    answer = out -> {
      out.write("HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml;charset=UTF-8\r\nTransfer-Encoding: chunked\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = ("10000\r\n" + "<".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      try {
        for (int i = 0; i < 1_000_000; i++) { // 64 GiB if nobody stops it
          out.write(chunk);
        }
      } catch (SocketException e) {
        // the client hung up: that is the point
      }
    };
    try (WsmanSession s = session()) {
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(
          () -> s.compactServer().deleteUrlGroup(UrlPrefix.parse("http://+:1/x")))
          .isInstanceOfSatisfying(BitsException.class,
              e -> assertThat(e.hresult()).isEqualTo((int) WsmanFault.MAX_ENVELOPE_SIZE_EXCEEDED)));
    }
  }

  @Test
  void malformedHashBlobIsABitsException() {
    answer = soap("<p:GetSslCertificate_OUTPUT xmlns:p=\"" + GROUP + "\"><p:StoreName>MY</p:StoreName>"
        + "<p:hashBlob>zz</p:hashBlob><p:ReturnValue>0</p:ReturnValue></p:GetSslCertificate_OUTPUT>");
    try (WsmanSession s = session()) {
      assertThatThrownBy(() -> s.compactServer().sslCertificate(443))
          .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_FAIL));
    }
  }

  @Test
  void malformedJobPropertiesAreBitsExceptions() {
    answer = soap("<p:BitsClientJob xmlns:p=\"" + JOB + "\"><p:State>lots</p:State></p:BitsClientJob>");
    try (WsmanSession s = session()) {
      assertThatThrownBy(() -> s.bitsClient().findJob(JobId.random()))
          .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_FAIL));
    }
    answer = soap("<p:BitsClientJob xmlns:p=\"" + JOB + "\"><p:State>2</p:State><p:Files><p:RemoteUrl>:: no url"
        + "</p:RemoteUrl><p:LocalFile>/x</p:LocalFile></p:Files></p:BitsClientJob>");
    try (WsmanSession s = session()) {
      RemoteClientJob job = new RemoteClientJob(s.client(), () -> true, JobId.random(), s.scheduler(),
          Duration.ofSeconds(1), s.notifier());
      assertThatThrownBy(job::files)
          .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_FAIL));
    }
  }

  @Test
  void malformedJobIdsInRepliesAreBitsExceptions() {
    answer = soap("<p:CreateJob_OUTPUT xmlns:p=\"" + JOB + "\"><p:JobId>not-a-guid</p:JobId>"
        + "<p:ReturnValue>0</p:ReturnValue></p:CreateJob_OUTPUT>");
    try (WsmanSession s = session()) {
      assertThatThrownBy(() -> s.bitsClient().createJob(io.bits4j.JobSpec.builder("j").build()))
          .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_FAIL));
    }
  }

  @Test
  void malformedGroupPropertiesAreBitsExceptions() {
    answer = soap("<p:GetProperty_OUTPUT xmlns:p=\"" + GROUP + "\"><p:Value>many</p:Value>"
        + "<p:ReturnValue>0</p:ReturnValue></p:GetProperty_OUTPUT>");
    try (WsmanSession s = session()) {
      assertThatThrownBy(() -> new io.bits4j.wsman.internal.RemoteUrlGroup(s.client(), () -> false,
          UrlPrefix.parse("http://+:1/x")).bandwidthLimit())
          .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_FAIL));
    }
  }
}
