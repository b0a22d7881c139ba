package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.gateway.keys.FileClientKeyStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slowloris defence ({@code server.headerTimeoutSeconds}, 1 s here): a client that trickles header lines,
 * each well inside the idle timeout (30 s), gets 408 and its connection closed; a client that sends its headers
 * in time and then pauses (between keep-alive requests, or inside a body) is not affected. Raw sockets, since
 * HTTP clients cannot send a request slowly.
 */
class HeaderTimeoutIT {
  /** Generous: the deadline is 1 s (plus one sweep of 250 ms); without it the trickle would go on for this long. */
  private static final long BOUND_SECONDS = 15;

  @TempDir
  Path dir;

  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    FileClientKeyStore keys = FileClientKeyStore.open(dir);
    UpstreamConfig up = new UpstreamConfig(URI.create("http://127.0.0.1:9/v1"), null, null,
        UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(1), Duration.ofSeconds(1));
    GatewayConfig config = new GatewayConfig("127.0.0.1", 0, dir, up, null,
        Map.of("default", GatewayPolicy.defaults("default")))
        .withServer(new ServerOptions(Duration.ofSeconds(3), 100, Duration.ofSeconds(30), Duration.ZERO,
            Duration.ofSeconds(1)));
    gateway = Gateway.start(config, TestVeil.create(), keys);
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  /** Reads until the server closes the connection (or the bound passes); what was read. */
  private static CompletableFuture<String> readToEnd(Socket s) {
    return CompletableFuture.supplyAsync(() -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (InputStream in = s.getInputStream()) {
        in.transferTo(out);
      } catch (IOException e) {
        // reset by the server: what came before still counts
      }
      return out.toString(StandardCharsets.UTF_8);
    }, r -> Thread.ofVirtual().start(r));
  }

  @Test
  void aClientTricklingItsHeadersGets408AndIsDisconnected() throws Exception {
    try (Socket s = new Socket("127.0.0.1", gateway.port())) {
      s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(BOUND_SECONDS + 5));
      CompletableFuture<String> answer = readToEnd(s);
      OutputStream out = s.getOutputStream();
      out.write("POST /v1/chat/completions HTTP/1.1\r\nHost: veil\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
      int lines = 0;
      try {
        // one header line every 200 ms: far inside the 30 s idle timeout, so only the header deadline ends this
        while (!answer.isDone() && System.nanoTime() < end) {
          out.write(("X-Slow-" + lines++ + ": a\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          Thread.sleep(200);
        }
      } catch (IOException e) {
        // the server closed the connection while we were still writing
      }
      assertThat(answer).as("the connection was closed by the server within %d s", BOUND_SECONDS).isDone();
      String response = answer.get();
      assertThat(response).startsWith("HTTP/1.1 408 ").contains("\"code\":\"veil_request_timeout\"")
          .contains("Connection: close");
      assertThat(lines).as("header lines were still arriving when the deadline hit").isGreaterThan(1);
    }
  }

  @Test
  void aKeepAliveConnectionIdleBetweenRequestsIsNotCut() throws Exception {
    try (Socket s = new Socket("127.0.0.1", gateway.port())) {
      s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      byte[] health = "GET /health HTTP/1.1\r\nHost: veil\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      out.write(health);
      out.flush();
      assertThat(readResponse(in)).startsWith("HTTP/1.1 200 ");
      Thread.sleep(2_500); // over twice the header deadline, with no request started: the idle timeout governs
      out.write(health);
      out.flush();
      assertThat(readResponse(in)).as("the same connection still serves").startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void aSlowBodyAfterTimelyHeadersIsNotCutByTheHeaderDeadline() throws Exception {
    try (Socket s = new Socket("127.0.0.1", gateway.port())) {
      s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
      OutputStream out = s.getOutputStream();
      String body = "{\"model\":\"m\",\"messages\":[]}";
      out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: veil\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] b = body.getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < b.length; i += 4) {
        out.write(b, i, Math.min(4, b.length - i));
        out.flush();
        Thread.sleep(300); // the body takes about 2 s, twice the header deadline
      }
      String response = readResponse(s.getInputStream());
      assertThat(response).as("answered (no key: 401), not timed out").startsWith("HTTP/1.1 401 ");
    }
  }

  /** One response with a Content-Length body, read from a kept-alive connection. */
  private static String readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed after: " + head);
      }
      head.append((char) c);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
