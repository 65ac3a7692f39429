package io.bits4j.server.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AccessPolicy;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import io.bits4j.server.netty.ServerLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client pipelining far past the waiting limit, driven by hand: the connection's writes are
 * held by the test (a client that reads nothing), so exactly which requests are answered is
 * deterministic — those under way, then the 256 waiting, the last with {@code Connection: close};
 * everything after is dropped and the connection closes.
 */
class PipelineLimitTest {
  @TempDir
  Path dir;
  private ServerCore core;
  private int port;

  @BeforeEach
  void start() throws Exception {
    core = new ServerCore(new ServerConfig(ServerLimits.DEFAULTS, null, false, "jdk", true, null, new char[0],
        List.of(), "bits4j", Duration.ofMinutes(5), List.of(UserStore.DigestAlgorithm.SHA_256), System::nanoTime, 1));
    port = io.bits4j.testkit.LoopbackPorts.next();
    Path f = Files.write(dir.resolve("f.bin"), "0123456789".getBytes(StandardCharsets.US_ASCII));
    core.createUrlGroup(UrlPrefix.parse("http://127.0.0.1:" + port + "/P")).host("f.bin", f, AccessPolicy.NONE);
  }

  @AfterEach
  void stop() {
    core.close();
  }

  /** Holds every write until the test lets it through: the socket of a client that reads nothing. */
  static final class HeldWrites extends ChannelOutboundHandlerAdapter {
    final ArrayDeque<Map.Entry<Object, ChannelPromise>> held = new ArrayDeque<>();

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      held.add(Map.entry(msg, promise));
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      // nothing moves until release()
    }

    void release(ChannelHandlerContext ctx) {
      while (!held.isEmpty()) {
        Map.Entry<Object, ChannelPromise> w = held.poll();
        ctx.write(w.getKey(), w.getValue());
      }
      ctx.flush();
    }
  }

  /** An embedded channel with the local address of the port the group listens on. */
  private EmbeddedChannel channel() {
    InetSocketAddress local = new InetSocketAddress("127.0.0.1", port);
    return new EmbeddedChannel(false, false) {
      @Override
      protected SocketAddress localAddress0() {
        return local;
      }
    };
  }

  @Test
  void theWaitingAreAnsweredTheLastWithCloseAndTheRestDropped() throws Exception {
    EmbeddedChannel ch = channel();
    HeldWrites hold = new HeldWrites();
    RequestTimer timer = new RequestTimer(Duration.ofSeconds(30).toNanos(), Duration.ofSeconds(60).toNanos());
    ch.pipeline().addLast("hold", hold);
    ch.pipeline().addLast("timer", timer);
    ch.pipeline().addLast("codec", new HttpRequestDecoder(new HttpDecoderConfig()));
    ch.pipeline().addLast("http", new HttpHandler(core, port, false, false, timer));
    ch.register();

    StringBuilder burst = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      burst.append("GET /P/f.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=").append(i % 10).append("-\r\n\r\n");
    }
    ch.writeInbound(Unpooled.copiedBuffer(burst, StandardCharsets.US_ASCII));
    assertThat(heads(ch)).as("nothing leaves while the client reads nothing").isEmpty();
    assertThat(ch.isActive()).as("the connection is kept for the waiting requests").isTrue();

    List<String> answered = new ArrayList<>();
    ChannelHandlerContext holdCtx = ch.pipeline().context(hold);
    for (int round = 0; round < 2000 && ch.isActive(); round++) { // bounded: each round releases what was written
      hold.release(holdCtx);
      ch.runPendingTasks();
      answered.addAll(heads(ch));
    }
    assertThat(ch.isActive()).as("closed after the last waiting answer").isFalse();
    assertThat(answered).hasSize(HttpHandler.MAX_IN_FLIGHT + HttpHandler.MAX_WAITING);
    for (int i = 0; i < answered.size(); i++) {
      // in order: request i asked for bytes=(i % 10)-
      assertThat(answered.get(i)).startsWith("HTTP/1.1 206 ").contains("Content-Range: bytes " + (i % 10) + "-9/10");
      assertThat(answered.get(i)).contains(i == answered.size() - 1 ? "Connection: close" : "Connection: keep-alive");
    }
    ch.finishAndReleaseAll();
  }

  /** The response heads written since the last call (the file regions between them released). */
  private static List<String> heads(EmbeddedChannel ch) {
    List<String> out = new ArrayList<>();
    Object m;
    while ((m = ch.readOutbound()) != null) {
      if (m instanceof ByteBuf b && b.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 ")) {
        out.add(b.toString(StandardCharsets.US_ASCII));
      }
      ReferenceCountUtil.release(m);
    }
    return out;
  }
}
