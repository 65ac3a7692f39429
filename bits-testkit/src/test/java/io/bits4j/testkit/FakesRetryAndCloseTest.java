package io.bits4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bits4j.BitsException;
import io.bits4j.ClientJob;
import io.bits4j.CompleteStatus;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.testkit.TcpFaultProxy.Fault;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The fakes and the fault proxy: complete() retried after a failed rename, threads released on close. */
@Timeout(60)
class FakesRetryAndCloseTest {
  @TempDir Path tmp;

  @Test
  void completeCanBeRetriedAfterAFailedRename() throws IOException {
    ManualClock clock = new ManualClock();
    FakeBitsClient c = FakeBitsClient.builder().scheduler(clock).build();
    URI u1 = URI.create("http://h/g/1");
    URI u2 = URI.create("http://h/g/2");
    c.serve(u1, Files.write(tmp.resolve("s1"), new byte[] {1})).serve(u2, Files.write(tmp.resolve("s2"), new byte[] {2}));
    Path d1 = tmp.resolve("d1");
    Path d2 = tmp.resolve("d2");
    Files.createDirectories(d2.resolve("blocker"));
    ClientJob j = c.createJob(JobSpec.builder("t").addFile(u1, d1).addFile(u2, d2).start(true).build());
    clock.advance(Duration.ofSeconds(1));
    assertThat(j.state()).isEqualTo(JobState.TRANSFERRED);
    assertThatThrownBy(j::complete).isInstanceOf(BitsException.class);
    assertThat(j.state()).isEqualTo(JobState.TRANSFERRED);
    Files.delete(d2.resolve("blocker"));
    Files.delete(d2);
    assertThat(j.complete()).isEqualTo(CompleteStatus.COMPLETE);
    assertThat(Files.readAllBytes(d1)).containsExactly(1);
    assertThat(Files.readAllBytes(d2)).containsExactly(2);
  }

  private static List<Thread> proxyThreads() {
    List<Thread> out = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("tcp-fault-proxy") && t.isAlive()) {
        out.add(t);
      }
    }
    return out;
  }

  @Test
  void closeReleasesEveryThreadAndSocket() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> served = new ArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            Socket s = ss.accept();
            synchronized (served) {
              served.add(s);
            }
            OutputStream out = s.getOutputStream();
            out.write(new byte[100_000]);
            out.flush();
          }
        } catch (IOException e) {
          // closed
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      TcpFaultProxy proxy = TcpFaultProxy.builder(new InetSocketAddress(ss.getInetAddress(), ss.getLocalPort())).start();
      proxy.nextFaults(Fault.stallAfter(10), Fault.trickle(1, Duration.ofHours(1)), Fault.passThrough(),
          Fault.cutAfter(10), Fault.resetAfter(10));
      List<Socket> clients = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Socket s = new Socket();
        s.connect(proxy.address(), 5000);
        s.setSoTimeout(5000);
        s.getInputStream().read();
        clients.add(s);
      }
      proxy.close();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!proxyThreads().isEmpty() && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
      assertThat(proxyThreads()).isEmpty();
      assertThat(proxy.openConnections()).isZero();
      for (Socket s : clients) {
        InputStream in = s.getInputStream();
        try {
          byte[] buf = new byte[65536];
          while (in.read(buf) >= 0) {
            // drain until EOF
          }
        } catch (IOException e) {
          // reset is closed too
        }
        s.close();
      }
      synchronized (served) {
        for (Socket s : served) {
          s.close();
        }
      }
    }
  }
}
