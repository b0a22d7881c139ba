package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.veil.core.testing.SelfSignedCert;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Protocol;
import org.junit.jupiter.api.Test;

/**
 * The upstream client's contract ({@link UpstreamTransport}) against real local servers: what it does not
 * send or keep, its timeouts, cancellation, concurrency, and HTTP/2 over TLS.
 */
class JettyUpstreamTransportTest {
  private static final Map<String, String> JSON = Map.of("Accept", "application/json");

  private static UpstreamConfig config(String base, Duration timeout) {
    return new UpstreamConfig(URI.create(base), null, null, UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(5), timeout);
  }

  private static MockResponse ok(String body) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
  }

  private static String readAll(UpstreamTransport.Reply r) throws IOException {
    try (InputStream in = r.body()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void keepsNoCookiesFollowsNoRedirectAndAsksForNoEncoding() throws Exception {
    try (MockWebServer server = new MockWebServer();
        UpstreamTransport t = new JettyUpstreamTransport(config("http://127.0.0.1:1/v1", Duration.ofSeconds(5)))) {
      server.start();
      server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
          .addHeader("Set-Cookie", "tenant=acme; Path=/").body("{}").build());
      server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", server.url("/elsewhere").toString())
          .body("").build());
      URI uri = server.url("/v1/chat/completions").uri();
      assertThat(readAll(t.send("POST", uri, JSON, "{\"a\":1}".getBytes(StandardCharsets.UTF_8)))).isEqualTo("{}");
      UpstreamTransport.Reply redirect = t.send("POST", uri, JSON, "{\"a\":2}".getBytes(StandardCharsets.UTF_8));
      assertThat(redirect.status()).isEqualTo(302);
      readAll(redirect);

      RecordedRequest first = server.takeRequest();
      assertThat(first.getHeaders().get("Content-Type")).startsWith("application/json");
      assertThat(first.getBody().utf8()).isEqualTo("{\"a\":1}");
      assertThat(first.getHeaders().get("Accept-Encoding")).as("no compressed answers asked for").isNull();
      assertThat(first.getHeaders().get("User-Agent")).as("no client library named").isNull();
      RecordedRequest second = server.takeRequest();
      assertThat(second.getHeaders().get("Cookie")).as("a provider's cookie must not travel with later requests").isNull();
      assertThat(server.getRequestCount()).as("the redirect was not followed").isEqualTo(2);
    }
  }

  @Test
  void headersThatDoNotComeInTimeAndABodyThatGoesSilentTimeOut() throws Exception {
    try (MockWebServer server = new MockWebServer();
        UpstreamTransport t = new JettyUpstreamTransport(config("http://127.0.0.1:1/v1", Duration.ofMillis(800)))) {
      server.enqueue(new MockResponse.Builder().code(200).body("{}").headersDelay(5, TimeUnit.SECONDS).build());
      server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
          .body("{\"data\":[" + " ".repeat(64) + "]}").throttleBody(8, 5, TimeUnit.SECONDS).build());
      server.start();
      URI uri = server.url("/v1/models").uri();
      UpstreamTransport.Failure slow = catchThrowableOfType(UpstreamTransport.Failure.class, () -> t.send("GET", uri, JSON, null));
      assertThat(slow.kind()).isEqualTo(UpstreamTransport.Failure.Kind.TIMEOUT);

      UpstreamTransport.Reply stalled = t.send("GET", uri, JSON, null);
      assertThat(stalled.status()).isEqualTo(200);
      Throwable silent = catchThrowableOfType(IOException.class, () -> stalled.body().readAllBytes());
      assertThat(silent).isInstanceOf(UpstreamTransport.SilentBodyException.class);
    }
  }

  @Test
  void aRefusedConnectionIsUnreachable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (UpstreamTransport t = new JettyUpstreamTransport(config("http://127.0.0.1:1/v1", Duration.ofSeconds(5)))) {
      UpstreamTransport.Failure f = catchThrowableOfType(UpstreamTransport.Failure.class,
          () -> t.send("GET", URI.create("http://127.0.0.1:" + port + "/v1/models"), JSON, null));
      assertThat(f.kind()).isEqualTo(UpstreamTransport.Failure.Kind.UNREACHABLE);
    }
  }

  /** A raw server that streams an endless body and records when its connection broke. */
  @Test
  void closingTheBodyBeforeItsEndCancelsTheExchange() throws Exception {
    CountDownLatch broken = new CountDownLatch(1);
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        UpstreamTransport t = new JettyUpstreamTransport(config("http://127.0.0.1:1/v1", Duration.ofSeconds(30)))) {
      Thread.ofVirtual().start(() -> {
        try (Socket c = server.accept()) {
          InputStream in = c.getInputStream();
          byte[] head = new byte[4096];
          in.read(head); // the request head (a GET: no body)
          OutputStream out = c.getOutputStream();
          out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          byte[] event = "data: {\"x\":1}\n\n".getBytes(StandardCharsets.US_ASCII);
          for (int i = 0; i < 6_000; i++) { // ~10 minutes if nobody hangs up
            out.write((Integer.toHexString(event.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(event);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(100);
          }
        } catch (IOException e) {
          broken.countDown(); // the client hung up: what we want to see
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      UpstreamTransport.Reply r = t.send("GET", URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/x"), JSON, null);
      byte[] first = new byte[8];
      assertThat(r.body().read(first)).isPositive();
      r.body().close();
      assertThat(broken.await(60, TimeUnit.SECONDS)).as("the upstream connection was closed after the body was").isTrue();
    }
  }

  @Test
  void moreConcurrentStreamsThanJettysDefaultConnectionLimitAllGetTheirHeaders() throws Exception {
    int streams = 80; // Jetty's default is 64 connections per destination; HTTP/1.1 holds one per stream
    try (MockWebServer server = new MockWebServer();
        UpstreamTransport t = new JettyUpstreamTransport(config("http://127.0.0.1:1/v1", Duration.ofSeconds(5)))) {
      for (int i = 0; i < streams; i++) {
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream")
            .body(("data: {\"i\":" + i + "}\n\n").repeat(20)).throttleBody(16, 1, TimeUnit.SECONDS).build());
      }
      server.start();
      List<UpstreamTransport.Reply> open = new ArrayList<>();
      try {
        for (int i = 0; i < streams; i++) {
          open.add(t.send("GET", server.url("/v1/s").uri(), JSON, null)); // returns at the headers
        }
        assertThat(open).hasSize(streams).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
      } finally {
        for (UpstreamTransport.Reply r : open) {
          r.body().close();
        }
      }
    }
  }

  @Test
  void speaksHttp2OverTlsWhereTheProviderOffersItAndValidatesTheCertificate() throws Exception {
    SelfSignedCert cert = SelfSignedCert.create();
    try (MockWebServer server = new MockWebServer()) {
      server.useHttps(cert.serving().getSocketFactory());
      server.setProtocols(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1));
      server.enqueue(ok("{\"h2\":true}"));
      server.start();
      URI uri = URI.create("https://127.0.0.1:" + server.getPort() + "/v1/models");
      UpstreamConfig cfg = config("https://127.0.0.1:" + server.getPort() + "/v1", Duration.ofSeconds(10));
      try (UpstreamTransport trusting = new JettyUpstreamTransport(cfg, cert.trusting())) {
        assertThat(readAll(trusting.send("GET", uri, JSON, null))).isEqualTo("{\"h2\":true}");
        assertThat(server.takeRequest().getVersion()).isEqualTo("HTTP/2");
      }
      try (UpstreamTransport defaults = new JettyUpstreamTransport(cfg)) {
        UpstreamTransport.Failure f = catchThrowableOfType(UpstreamTransport.Failure.class,
            () -> defaults.send("GET", uri, JSON, null));
        assertThat(f.kind()).as("a self-signed certificate is refused").isEqualTo(UpstreamTransport.Failure.Kind.TLS);
        assertThat(server.getRequestCount()).as("nothing sent over an unverified connection").isEqualTo(1);
      }
    }
  }
}
