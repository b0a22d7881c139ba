package io.veil.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The processes under test, started once per test JVM and shared by all ITs: {@code veil mock-llm --record}
 * (the provider) and {@code veil serve} in front of it (the gateway). Each is started on first use; a start
 * that failed is remembered, so later tests fail at once with the same message instead of waiting again.
 * Both are stopped by a shutdown hook when the test JVM exits.
 */
final class E2eStack {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern LISTENING = Pattern.compile("mock-llm listening on (http://127\\.0\\.0\\.1:\\d+)");

  private static Mock mock;
  private static Gateway gateway;
  private static RuntimeException gatewayFailure;

  /** The mock provider as a running {@code veil mock-llm} process. */
  record Mock(VeilProcess process, URI baseUrl, Path recordFile) {

    /** A position in the record file: the number of lines written so far. */
    int mark() {
      return recorded(0).size();
    }

    /** Every request body the mock received since {@code mark}, parsed. */
    List<JsonNode> recorded(int mark) {
      try {
        if (!Files.exists(recordFile)) {
          return List.of();
        }
        List<String> lines = Files.readAllLines(recordFile, StandardCharsets.UTF_8);
        List<JsonNode> out = new ArrayList<>();
        for (String line : lines.subList(Math.min(mark, lines.size()), lines.size())) {
          out.add(MAPPER.readTree(line));
        }
        return out;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The gateway as a running {@code veil serve} process, with the client key it created. */
  record Gateway(VeilProcess process, URI baseUrl, String apiKey, Path dataDir) {}

  private E2eStack() {}

  static synchronized Mock mock() {
    if (mock == null) {
      Path dir = workDir().resolve("mock");
      Path record = dir.resolve("upstream-record.jsonl");
      try {
        Files.createDirectories(dir);
        Files.deleteIfExists(record);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      VeilProcess p = VeilProcess.start("mock-llm", dir.resolve("mock-llm.log"),
          List.of("mock-llm", "--port", "0", "--record", record.toString()));
      onExit(p);
      Matcher m = p.awaitOutput(LISTENING, startTimeout());
      mock = new Mock(p, URI.create(m.group(1)), record);
    }
    return mock;
  }

  static synchronized Gateway gateway() {
    if (gatewayFailure != null) {
      throw gatewayFailure;
    }
    if (gateway == null) {
      try {
        gateway = startGateway(mock());
      } catch (RuntimeException e) {
        gatewayFailure = e;
        throw e;
      }
    }
    return gateway;
  }

  private static Gateway startGateway(Mock upstream) {
    Path dataDir = workDir().resolve("veil-data-" + ProcessHandle.current().pid());
    int port = freePort();
    // --upstream is the provider's OpenAI base URL, as an SDK's base URL: https://api.openai.com/v1 there
    VeilProcess p = VeilProcess.start("serve", workDir().resolve("veil-serve.log"), List.of(
        "serve", "--port", Integer.toString(port), "--upstream", upstream.baseUrl() + "/v1",
        "--data-dir", dataDir.toString()));
    onExit(p);
    URI base = URI.create("http://127.0.0.1:" + port);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    p.awaitCondition(() -> healthy(http, base.resolve("/health")), startTimeout(), "GET /health -> 200");
    Path devKey = dataDir.resolve("dev-key");
    p.awaitCondition(() -> Files.isRegularFile(devKey), Duration.ofSeconds(10), devKey + " written");
    try {
      String key = Files.readString(devKey, StandardCharsets.UTF_8).strip();
      if (key.isEmpty()) {
        throw new IllegalStateException(devKey + " is empty");
      }
      return new Gateway(p, base, key, dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean healthy(HttpClient http, URI health) {
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static Path workDir() {
    return Path.of(System.getProperty("veil.e2e.workDir", "target/e2e")).toAbsolutePath();
  }

  static Duration startTimeout() {
    return Duration.ofSeconds(Long.getLong("veil.e2e.startTimeout", 120));
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void onExit(VeilProcess p) {
    Runtime.getRuntime().addShutdownHook(new Thread(p::close, "e2e-stop-child"));
  }
}
