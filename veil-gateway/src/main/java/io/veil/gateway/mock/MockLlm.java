package io.veil.gateway.mock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local OpenAI-compatible stub LLM: the upstream for tests, benchmarks and {@code veil serve} without a
 * provider key. It answers {@code POST /v1/chat/completions}, {@code /v1/completions}, {@code /v1/responses},
 * {@code /v1/embeddings} and {@code GET /v1/models}, streamed (SSE, when the request has {@code "stream": true})
 * and not, in the provider's JSON shapes.
 *
 * <p><b>What it answers.</b> The content of every answer is the text of the last user message (chat), the
 * {@code input} (responses: a string, or the last user message item) or the {@code prompt} (completions),
 * verbatim. Streamed, the text arrives in pieces of 1 to 7 code points, chosen deterministically from the seed
 * and the text, so words and numbers get split across chunks. With {@code stream_options.include_usage} a last
 * chunk carries {@code usage}. Embeddings are unit vectors derived from the SHA-256 of each input
 * ({@code dimensions} honoured, default 256; {@code encoding_format: "base64"} honoured).
 *
 * <p><b>Tool rule.</b> When the request declares at least one function tool, {@code tool_choice} is not
 * {@code "none"} and the last message (or input item) is a user message, the answer is a call to the tool
 * {@code tool_choice} names, else to the first function tool, with the arguments JSON
 * {@code {"text": <last user message>}}; streamed, the arguments arrive as small deltas. After a tool result
 * the answer is text again (the last user message), so a client's tool loop ends.
 *
 * <p><b>Recording.</b> With a record file, every request body received (valid JSON or not, any path) is
 * appended to it as one compact JSON line (a body that is not JSON is recorded as a JSON string), flushed per
 * line, before the answer is sent. Requests without a body (GET) are not recorded.
 *
 * <p><b>Transport.</b> The JDK's {@code com.sun.net.httpserver} on virtual threads, bound to 127.0.0.1 only;
 * each SSE event is written as its own HTTP chunk and flushed, with {@code TCP_NODELAY} on (this class sets the
 * JDK property {@code sun.net.httpserver.nodelay=true} unless it is already set), so small deltas leave at once.
 *
 * <p>Thread safety: all methods may be called from any thread; requests are served concurrently.
 * Failure behaviour: malformed JSON gets 400, unknown paths 404, wrong methods 405, bodies over 32 MiB 413,
 * always in the provider's error envelope {@code {"error":{"message","type","param","code"}}}.
 *
 * <p><b>Security:</b> the mock echoes and, with a record file, stores everything it receives in clear text. It
 * is a test double for the provider: never put it where real personal data arrives unredacted, and treat the
 * record file as personal data.
 */
public final class MockLlm implements AutoCloseable {

  /** Seed of the chunk splitter; fixed so streams are reproducible across runs. */
  public static final long DEFAULT_SEED = 0x5EED_1A5L;

  static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final RequestRecorder recorder;
  private final StubEndpoints endpoints;

  private MockLlm(HttpServer server, ExecutorService executor, RequestRecorder recorder, long seed) {
    this.server = server;
    this.executor = executor;
    this.recorder = recorder;
    this.endpoints = new StubEndpoints(MAPPER, seed);
  }

  /**
   * Starts a mock LLM on 127.0.0.1.
   *
   * @param port the port to listen on; 0 picks any free port (see {@link #port()})
   * @param recordFileOrNull file to append every request body to as JSON lines, or {@code null}
   * @throws UncheckedIOException if the port cannot be bound or the record file cannot be opened
   */
  public static MockLlm start(int port, Path recordFileOrNull) {
    return start(port, recordFileOrNull, DEFAULT_SEED);
  }

  /** As {@link #start(int, Path)}, with the seed that decides how streamed text is split into chunks. */
  public static MockLlm start(int port, Path recordFileOrNull, long seed) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
    }
    RequestRecorder recorder = recordFileOrNull == null ? null : new RequestRecorder(recordFileOrNull);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
    } catch (IOException e) {
      executor.close();
      closeQuietly(recorder);
      throw new UncheckedIOException("mock LLM cannot listen on 127.0.0.1:" + port, e);
    }
    MockLlm mock = new MockLlm(server, executor, recorder, seed);
    server.createContext("/", mock::handle);
    server.setExecutor(executor);
    server.start();
    return mock;
  }

  /** The port it listens on (the chosen one when started with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:PORT}; the OpenAI base URL is this plus {@code /v1}. */
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + port());
  }

  /** Stops listening, ends open streams and closes the record file. Idempotent. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    closeQuietly(recorder);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      if (path.length() > 1 && path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      ExchangeReply reply = new ExchangeReply(exchange);
      byte[] bodyBytes = readBody(exchange.getRequestBody());
      if (bodyBytes == null) {
        reply.json(413, error("request body exceeds " + MAX_BODY_BYTES + " bytes", "invalid_request_error",
            "body_too_large"));
        return;
      }
      JsonNode body = null;
      String bodyError = null;
      if (bodyBytes.length > 0) {
        String text = new String(bodyBytes, StandardCharsets.UTF_8);
        try {
          body = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
          bodyError = "request body is not valid JSON";
        }
        record(body != null ? body : JsonNodeFactory.instance.textNode(text));
      }
      switch (path) {
        case "/v1/models" -> {
          if (requireMethod("GET", method, reply)) {
            endpoints.models(reply);
          }
        }
        case "/v1/chat/completions", "/v1/completions", "/v1/responses", "/v1/embeddings" -> {
          if (!requireMethod("POST", method, reply)) {
            return;
          }
          if (body == null || !body.isObject()) {
            reply.json(400, error(bodyError != null ? bodyError : "request body must be a JSON object",
                "invalid_request_error", "invalid_json"));
            return;
          }
          switch (path) {
            case "/v1/chat/completions" -> endpoints.chatCompletions(body, reply);
            case "/v1/completions" -> endpoints.completions(body, reply);
            case "/v1/responses" -> endpoints.responses(body, reply);
            default -> endpoints.embeddings(body, reply);
          }
        }
        default -> {
          if (path.startsWith("/v1/models/") && "GET".equals(method)) {
            endpoints.model(path.substring("/v1/models/".length()), reply);
          } else {
            reply.json(404, error("unknown path " + path, "invalid_request_error", "unknown_url"));
          }
        }
      }
    } catch (IOException e) {
      // the client went away mid-answer: nothing left to tell it
    }
  }

  private static boolean requireMethod(String expected, String method, Reply reply) throws IOException {
    if (expected.equals(method)) {
      return true;
    }
    reply.json(405, error("method " + method + " not allowed; use " + expected, "invalid_request_error",
        "method_not_allowed"));
    return false;
  }

  private void record(JsonNode body) throws IOException {
    if (recorder != null) {
      recorder.append(MAPPER.writeValueAsString(body));
    }
  }

  /** The whole body, or {@code null} if it is larger than {@link #MAX_BODY_BYTES}. */
  private static byte[] readBody(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    if (bytes.length > MAX_BODY_BYTES) {
      in.transferTo(OutputStream.nullOutputStream());
      return null;
    }
    return bytes;
  }

  static ObjectNode error(String message, String type, String code) {
    ObjectNode err = JsonNodeFactory.instance.objectNode().put("message", message).put("type", type);
    err.putNull("param");
    err.put("code", code);
    ObjectNode envelope = JsonNodeFactory.instance.objectNode();
    envelope.set("error", err);
    return envelope;
  }

  private static void closeQuietly(RequestRecorder recorder) {
    if (recorder != null) {
      try {
        recorder.close();
      } catch (IOException ignored) {
        // closing a file we only appended to and flushed: nothing is lost
      }
    }
  }

  /** Writes a JSON body, or a server-sent event stream, to one exchange. */
  private static final class ExchangeReply implements Reply {
    private final HttpExchange exchange;
    private OutputStream stream;

    ExchangeReply(HttpExchange exchange) {
      this.exchange = exchange;
    }

    @Override
    public void json(int status, JsonNode body) throws IOException {
      byte[] bytes = MAPPER.writeValueAsBytes(body);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set("x-request-id", "req_mock");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }

    @Override
    public void event(String event, JsonNode data) throws IOException {
      StringBuilder sb = new StringBuilder();
      if (event != null) {
        sb.append("event: ").append(event).append('\n');
      }
      sb.append("data: ").append(MAPPER.writeValueAsString(data)).append("\n\n");
      write(sb.toString());
    }

    @Override
    public void done() throws IOException {
      write("data: [DONE]\n\n");
    }

    private void write(String text) throws IOException {
      if (stream == null) {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.getResponseHeaders().set("x-request-id", "req_mock");
        exchange.sendResponseHeaders(200, 0); // chunked: every flush below becomes one chunk on the wire
        stream = exchange.getResponseBody();
      }
      stream.write(text.getBytes(StandardCharsets.UTF_8));
      stream.flush();
    }
  }
}
