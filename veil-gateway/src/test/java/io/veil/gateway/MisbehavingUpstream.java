package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OpenAI-compatible upstream on a raw socket that misbehaves on command, for fault tests: by
 * default it echoes the last user message (chat completions, whole or streamed); {@link #fault}
 * makes it answer 5xx, malformed JSON, malformed SSE, stall before or inside the answer, or break
 * the connection in the middle of a stream. {@link #stop()} closes the listening socket (connections
 * are refused once it returns) and {@link #restart()} listens again on the same port. Records every
 * request body.
 */
final class MisbehavingUpstream implements AutoCloseable {
  /** What to do with the next requests. */
  enum Fault {
    NONE, SLOW_OK, STATUS_503, STATUS_500_HTML, MALFORMED_JSON, NOT_AN_OBJECT, STALL_HEADERS, STALL_BODY,
    DROP_MID_STREAM, STALL_MID_STREAM, MALFORMED_SSE, ERROR_IN_STREAM
  }

  final List<String> bodies = new CopyOnWriteArrayList<>();
  volatile Fault fault = Fault.NONE;
  private final int port;
  private volatile ServerSocket server;
  private volatile Thread acceptor;
  private volatile boolean closed;

  MisbehavingUpstream() throws IOException {
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.port = s.getLocalPort();
    listen(s);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port + "/v1";
  }

  /**
   * Connections are refused from the moment this returns. Closing a server socket whose {@code accept} a virtual
   * thread is blocked in only wakes that thread (JDK 21+ {@code NioSocketImpl}): the listening descriptor stays
   * open, and the kernel keeps completing handshakes, until the thread runs again and returns from
   * {@code accept}, possibly with one last connection. On a loaded machine that took long enough for the
   * gateway's next request to be accepted and answered 200 after "stop" (FaultsIT). So this waits for the
   * accepting thread to end, and that thread resets a connection it accepted after the close.
   */
  void stop() throws IOException, InterruptedException {
    server.close();
    acceptor.join();
  }

  /** Listens again on the same port. */
  void restart() throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    listen(s);
  }

  private void listen(ServerSocket s) {
    this.server = s;
    this.acceptor = Thread.ofVirtual().start(() -> {
      while (!s.isClosed()) {
        try {
          Socket c = s.accept();
          if (s.isClosed()) {
            c.setSoLinger(true, 0); // accepted while stop() was closing: refused, not served
            c.close();
            return;
          }
          Thread.ofVirtual().start(() -> serve(c));
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      int length = 0;
      for (String line : head.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).strip());
        }
      }
      String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
      bodies.add(body);
      OutputStream out = socket.getOutputStream();
      JsonNode req = body.isEmpty() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(body);
      boolean stream = req.path("stream").asBoolean(false);
      String text = EchoUpstream.lastUser(req.path("messages"));
      switch (fault) {
        case NONE -> {
          if (stream) {
            streamHead(out);
            for (int i = 0; i < text.length(); i += 3) {
              chunk(out, sse(delta(text.substring(i, Math.min(text.length(), i + 3)))));
            }
            chunk(out, "data: [DONE]\n\n");
            chunk(out, "");
          } else {
            whole(out, 200, "application/json", completion(text));
          }
        }
        case SLOW_OK -> {
          sleep(2_000);
          whole(out, 200, "application/json", completion(text));
        }
        case STATUS_503 -> whole(out, 503, "application/json",
            "{\"error\":{\"message\":\"Overloaded; your key sk-provider-secret-123456 is fine\",\"type\":\"server_error\","
                + "\"code\":\"overloaded\"}}");
        case STATUS_500_HTML -> whole(out, 500, "text/html", "<html><body>Internal Server Error " + text + "</body></html>");
        case MALFORMED_JSON -> whole(out, 200, "application/json", "{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":");
        case NOT_AN_OBJECT -> whole(out, 200, "application/json", "\"just a string\"");
        case STALL_HEADERS -> sleep(30_000);
        case STALL_BODY -> {
          String c = completion(text);
          out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + c.length()
              + "\r\nConnection: close\r\n\r\n" + c.substring(0, 10)).getBytes(StandardCharsets.UTF_8));
          out.flush();
          sleep(30_000);
        }
        case DROP_MID_STREAM -> {
          streamHead(out);
          chunk(out, sse(delta(text.substring(0, Math.min(8, text.length())))));
          sleep(500); // the gateway has the headers and the first event: now the stream is under way
          socket.setSoLinger(true, 0); // RST: the connection breaks, no orderly end of the chunked body
        }
        case STALL_MID_STREAM -> {
          streamHead(out);
          chunk(out, sse(delta(text.substring(0, Math.min(8, text.length())))));
          sleep(30_000);
        }
        case ERROR_IN_STREAM -> {
          // a provider's error event after the stream began (status 200): it quotes the provider key
          streamHead(out);
          chunk(out, sse(delta(text.substring(0, Math.min(8, text.length())))));
          chunk(out, "data: {\"error\":{\"message\":\"Overloaded; your key sk-provider-secret-123456 is fine\","
              + "\"type\":\"server_error\",\"code\":\"overloaded\"}}\n\n");
          chunk(out, "");
        }
        case MALFORMED_SSE -> {
          streamHead(out);
          chunk(out, sse(delta(text.substring(0, Math.min(8, text.length())))));
          chunk(out, "data: {\"choices\":[{\"delta\":{\"content\":\"<EMAIL_1\n\n");
          chunk(out, sse(delta("rest")));
          chunk(out, "data: [DONE]\n\n");
          chunk(out, "");
        }
      }
    } catch (SocketException e) {
      // the gateway gave up on us (timeout) or we broke the connection on purpose
    } catch (IOException e) {
      if (!closed) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    int c;
    while ((c = in.read()) >= 0) {
      b.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) ? state + 1 : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      if (state == 4) {
        break;
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String completion(String text) {
    ObjectNode root = Json.MAPPER.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion").put("model", "m");
    ObjectNode choice = root.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
    choice.putObject("message").put("role", "assistant").put("content", text);
    return Json.write(root);
  }

  private static String delta(String piece) {
    ObjectNode root = Json.MAPPER.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion.chunk")
        .put("model", "m");
    root.putArray("choices").addObject().put("index", 0).putNull("finish_reason").putObject("delta").put("content", piece);
    return Json.write(root);
  }

  private static String sse(String data) {
    return "data: " + data + "\n\n";
  }

  private static void whole(OutputStream out, int status, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: " + type + "\r\nContent-Length: " + b.length
        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(b);
    out.flush();
  }

  private static void streamHead(OutputStream out) throws IOException {
    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static void chunk(OutputStream out, String data) throws IOException {
    byte[] b = data.getBytes(StandardCharsets.UTF_8);
    out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(b);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
  }
}
