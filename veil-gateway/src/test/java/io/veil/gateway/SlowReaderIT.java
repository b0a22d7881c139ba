package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.veil.core.testing.SelfSignedCert;
import io.veil.gateway.keys.FileClientKeyStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A client that asks for a streamed answer and then stops reading it (a slow or hostile reader), over plain
 * HTTP/1.1 and over TLS, with real sockets on both sides: the gateway reads the provider's stream only as fast
 * as the client takes it (memory bounded: the provider's writes stall once the socket buffers are full), and
 * when the idle timeout passes with no byte moving, the request ends, its handler is released and the
 * provider's connection is closed (cancelled).
 */
class SlowReaderIT {
  /** The gateway's idle timeout here: a write blocked this long on a client that does not read fails. */
  private static final Duration IDLE = Duration.ofSeconds(2);
  /** What the kernel's socket buffers on the path can hold (loopback autotuning), with room to spare. */
  private static final long BUFFERED_BOUND = 64L << 20;

  @TempDir
  Path dir;

  private final EndlessUpstream upstream = new EndlessUpstream();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeEach
  void listen() throws IOException {
    upstream.start();
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
  }

  @AfterEach
  void stop() throws IOException {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    upstream.close();
  }

  private Gateway start(TlsConfig tls) throws Exception {
    Path data = dir.resolve(tls == null ? "plain" : "tls");
    FileClientKeyStore keys = FileClientKeyStore.open(data);
    // the upstream's own timeout is long: only the client side can end this request
    UpstreamConfig up = new UpstreamConfig(URI.create("http://127.0.0.1:" + upstream.port() + "/v1"), "sk-provider-1",
        null, UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(5), Duration.ofSeconds(120));
    GatewayConfig config = new GatewayConfig("127.0.0.1", 0, data, up, tls,
        Map.of("default", GatewayPolicy.defaults("default")))
        .withServer(new ServerOptions(Duration.ofSeconds(3), 100, IDLE, Duration.ZERO, Duration.ofSeconds(5), 0));
    Gateway g = Gateway.start(config, TestVeil.create(), keys);
    key = keys.create("acme", "default", 0).secret();
    return g;
  }

  private String key;

  @Test
  void aClientThatStopsReadingIsCutAfterTheIdleTimeoutAndTheProviderIsCancelled() throws Exception {
    try (Gateway g = start(null); Socket s = new Socket()) {
      s.setReceiveBufferSize(4096);
      s.connect(new java.net.InetSocketAddress("127.0.0.1", g.port()));
      stopReadingMidStream(s);
    }
  }

  @Test
  void overTlsToo() throws Exception {
    SelfSignedCert cert = SelfSignedCert.create();
    try (Gateway g = start(cert.writePem(dir, TlsConfig::new));
        SSLSocket s = (SSLSocket) cert.trusting().getSocketFactory().createSocket()) {
      s.setReceiveBufferSize(4096);
      s.connect(new java.net.InetSocketAddress("127.0.0.1", g.port()));
      s.setEnabledProtocols(new String[] {"TLSv1.3"});
      s.startHandshake();
      stopReadingMidStream(s);
    }
  }

  private void stopReadingMidStream(Socket s) throws Exception {
    String body = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    OutputStream out = s.getOutputStream();
    out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
        .getBytes(StandardCharsets.UTF_8));
    out.flush();
    s.setSoTimeout(20_000);
    InputStream in = s.getInputStream();
    byte[] head = new byte[256];
    int n = in.read(head);
    assertThat(new String(head, 0, Math.max(0, n), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
    long stoppedAt = System.nanoTime();
    // from here on the client reads nothing; the provider keeps writing as fast as it can

    assertThat(upstream.cancelled.await(IDLE.toSeconds() + 20, TimeUnit.SECONDS))
        .as("the provider's connection is closed once the client has not read for the idle timeout").isTrue();
    long cancelMs = (upstream.cancelledAt.get() - stoppedAt) / 1_000_000;
    assertThat(cancelMs).as("cancelled after about the idle timeout, not the upstream timeout (120 s)")
        .isLessThan(IDLE.toMillis() + 15_000);
    assertThat(upstream.written.get()).as("the provider's bytes stalled in socket buffers: nothing read ahead unbounded")
        .isLessThan(BUFFERED_BOUND);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (accessLine() == null && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(accessLine()).as("the request's handling ended (access-log line written)").isNotNull()
        .contains("stream=true");
  }

  private String accessLine() {
    return logs.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("chat_completions status="))
        .findFirst().orElse(null);
  }

  /**
   * A provider that answers every request with an SSE stream that never ends, written as fast as the socket takes
   * it; it notes how many bytes it wrote and when a write failed (the gateway closed the connection).
   */
  static final class EndlessUpstream implements AutoCloseable {
    final AtomicLong written = new AtomicLong();
    final AtomicLong cancelledAt = new AtomicLong();
    final CountDownLatch cancelled = new CountDownLatch(1);
    private ServerSocket server;

    void start() throws IOException {
      server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      Thread.ofVirtual().start(() -> {
        while (!server.isClosed()) {
          try {
            Socket c = server.accept();
            Thread.ofVirtual().start(() -> serve(c));
          } catch (IOException e) {
            return;
          }
        }
      });
    }

    int port() {
      return server.getLocalPort();
    }

    private void serve(Socket c) {
      try (c) {
        InputStream in = c.getInputStream();
        StringBuilder headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
          int b = in.read();
          if (b < 0) {
            return;
          }
          headers.append((char) b);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(headers);
        in.readNBytes(m.find() ? Integer.parseInt(m.group(1)) : 0);
        OutputStream out = c.getOutputStream();
        out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        String word = "lorem ipsum dolor sit amet ".repeat(30);
        byte[] event = ("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\"" + word + "\"},\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < end) {
          out.write(event);
          written.addAndGet(event.length);
        }
      } catch (IOException e) {
        cancelledAt.set(System.nanoTime());
        cancelled.countDown();
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
