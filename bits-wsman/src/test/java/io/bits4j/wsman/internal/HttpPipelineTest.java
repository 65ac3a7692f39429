package io.bits4j.wsman.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.Scheduler;
import io.bits4j.UserStore;
import io.bits4j.testkit.FakeCompactServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endpoint's HTTP pipeline driven by hand (an {@link EmbeddedChannel} and a worker pool whose
 * tasks the test runs): how pipelined requests are taken one at a time, and what happens when a
 * client pipelines more than {@link HttpPipeline#MAX_PIPELINED}.
 */
class HttpPipelineTest {
  @TempDir Path root;

  /** Worker tasks are queued, and run only when the test says so. */
  static final class HeldWorkers extends AbstractExecutorService {
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }

  private EmbeddedChannel channel(HeldWorkers workers) {
    Scheduler clock = Scheduler.system();
    NodeService service = new NodeService(new FakeCompactServer(), null, new FileRoots(root, root), null,
        clock, Duration.ofMinutes(1), "test");
    Authenticator auth = new Authenticator(UserStore.inMemory(), Map.of(), clock, Duration.ofSeconds(60));
    LoginThrottle throttle = new LoginThrottle(5, Duration.ofMinutes(1), Duration.ofMinutes(5), 100);
    Processor processor = new Processor(service, auth, throttle, clock, 10, Duration.ofSeconds(30));
    return new EmbeddedChannel(new HttpPipeline(null, processor, workers, 100, 25, 120_000, 120_000));
  }

  /** {@code n} unauthenticated WS-Man requests, back to back in one buffer: each is answered 401. */
  private static ByteBuf requests(int n) {
    String body = "<s:Envelope xmlns:s=\"" + Ns.SOAP + "\"><s:Header/><s:Body/></s:Envelope>";
    String one = "POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml;charset=UTF-8\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    return Unpooled.copiedBuffer(one.repeat(n), StandardCharsets.UTF_8);
  }

  /** The answers written so far, as their status lines and Connection headers. */
  private static List<String> answers(EmbeddedChannel ch) {
    StringBuilder out = new StringBuilder();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) o;
      out.append(b.toString(StandardCharsets.ISO_8859_1));
      b.release();
    }
    List<String> heads = new ArrayList<>();
    for (String part : out.toString().split("(?=HTTP/1\\.1 )")) {
      if (!part.isEmpty()) {
        String status = part.substring(0, part.indexOf("\r\n"));
        heads.add(status + (part.toLowerCase().contains("connection: close") ? " +close" : ""));
      }
    }
    return heads;
  }

  @Test
  void pipelinedRequestsAreTakenOneAtATimeAndAnsweredInOrder() {
    HeldWorkers workers = new HeldWorkers();
    EmbeddedChannel ch = channel(workers);
    int n = HttpPipeline.MAX_PIPELINED;
    ch.writeInbound(requests(n));
    for (int i = 0; i < n; i++) {
      assertThat(workers.tasks).as("requests with the processor before answer " + i).hasSize(1);
      workers.tasks.poll().run();
      ch.runPendingTasks();
      assertThat(answers(ch)).as("answer " + i).containsExactly("HTTP/1.1 401 Unauthorized");
    }
    assertThat(workers.tasks).isEmpty();
    assertThat(ch.isOpen()).as("the connection stays open").isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void beyondTheLimitTheRequestInProgressIsAnsweredThenTheConnectionIsClosed() {
    HeldWorkers workers = new HeldWorkers();
    EmbeddedChannel ch = channel(workers);
    ch.writeInbound(requests(HttpPipeline.MAX_PIPELINED + 50));
    // the first request is with the processor; the codec refused the one past the limit
    assertThat(workers.tasks).hasSize(1);
    assertThat(ch.isOpen()).as("open while the request in progress is unanswered").isTrue();
    workers.tasks.poll().run();
    ch.runPendingTasks();
    assertThat(answers(ch)).as("the request in progress is answered, saying the connection ends")
        .containsExactly("HTTP/1.1 401 Unauthorized +close");
    assertThat(ch.isOpen()).as("closed after that answer").isFalse();
    assertThat(workers.tasks).as("the requests still waiting are not processed").isEmpty();
    ch.finishAndReleaseAll();
  }

  @Test
  void requestsAnsweredOnTheSpotDoNotCountAgainstTheLimit() {
    HeldWorkers workers = new HeldWorkers();
    EmbeddedChannel ch = channel(workers);
    // answered by the pipeline itself (404), never handed to the processor: each is answered before
    // the next is decoded, so the codec never holds more than one
    String one = "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n";
    ch.writeInbound(Unpooled.copiedBuffer(one.repeat(HttpPipeline.MAX_PIPELINED + 50), StandardCharsets.UTF_8));
    ch.runPendingTasks();
    List<String> got = answers(ch);
    assertThat(got).as("every request answered at once, in order").hasSize(HttpPipeline.MAX_PIPELINED + 50)
        .containsOnly("HTTP/1.1 404 Not Found");
    assertThat(ch.isOpen()).isTrue();
    assertThat(workers.tasks).isEmpty();
    ch.finishAndReleaseAll();
  }
}
