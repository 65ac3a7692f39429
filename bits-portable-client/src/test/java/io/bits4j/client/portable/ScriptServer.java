package io.bits4j.client.portable;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A raw HTTP/1.1 server on loopback whose answers a test scripts per request. */
final class ScriptServer implements AutoCloseable {
  interface Handler {
    /** Writes the answer; false closes the connection. */
    boolean handle(TestServer.Request req, OutputStream out) throws IOException;
  }

  private final ServerSocket socket;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  final List<TestServer.Request> requests = new CopyOnWriteArrayList<>();
  volatile Handler handler;
  private volatile boolean closed;

  ScriptServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "script-server");
    t.setDaemon(true);
    t.start();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
  }

  List<TestServer.Request> getRequests() {
    return requests.stream().filter(r -> r.method().equals("GET")).toList();
  }

  int gets() {
    return getRequests().size();
  }

  static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private void accept() {
    TestServer.acceptLoop(socket, open, () -> closed, this::serve, "script-server-conn");
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = new BufferedOutputStream(s.getOutputStream(), 65536);
      while (!closed) {
        TestServer.Request req = TestServer.readRequest(in);
        if (req == null) {
          return;
        }
        requests.add(req);
        if (!handler.handle(req, out)) {
          return;
        }
      }
    } catch (IOException e) {
      // connection over
    } finally {
      open.remove(s);
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    socket.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
