package io.bits4j.wsman;

import io.bits4j.wsman.internal.Messages;
import io.bits4j.wsman.internal.WsmanClient;
import io.bits4j.wsman.internal.XmlCodec;
import io.bits4j.wsman.internal.XmlElement;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** Raw HTTP for endpoint tests. */
final class Http {
  static final HttpClient CLIENT = client();

  private static HttpClient client() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, TestPki.CA.toTrustManagerFactory().getTrustManagers(), null);
      return HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Http() {}

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static HttpResponse<String> post(URI uri, byte[] body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/soap+xml;charset=UTF-8")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static byte[] request(URI to, String resourceUri, String action, Map<String, String> selectors, XmlElement payload) {
    return XmlCodec.write(Messages.request(to.toString(), resourceUri, action, selectors, 153600, 60_000, payload));
  }

  static WsmanClient wsman(URI uri, String user, String password) {
    return new WsmanClient(CLIENT, uri, basic(user, password), Duration.ofSeconds(60), 153600);
  }
}
