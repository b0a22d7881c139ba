package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.core.Scope;
import io.veil.core.TokenVault;
import io.veil.core.vault.InMemoryTokenVault;
import io.veil.gateway.keys.ClientKey;
import io.veil.store.Database;
import io.veil.store.DatabaseConfig;
import io.veil.store.JdbcTokenVault;
import io.veil.store.KeyManager;
import io.veil.store.SubjectKeys;
import io.veil.store.SubjectResolver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A request refused by the gateway after the transform has started (a message already pseudonymized, then a tool,
 * a content part, a schema pattern or a setting refused) leaves nothing in the vault: no sealed value of a request
 * that was never forwarded is kept for the conversation's retention. Real vaults (H2 and in-memory, review11: the
 * in-memory one stored at each mint before), real adapters and chain stages.
 */
class RefusedRequestVaultTest {
  static final String EMAIL = "jane.doe@example.com";
  static final String OTHER = "john.roe@example.org";

  @TempDir
  Path dir;
  Database db;
  TokenVault vault;
  List<Interceptor> chain;
  final AtomicInteger forwarded = new AtomicInteger();

  /** The two vaults: the persistent one (veil serve) and the in-memory one (library use, no governance). */
  enum Vaults { JDBC, IN_MEMORY }

  void open(Vaults kind) {
    db = Database.open(DatabaseConfig.h2(dir.resolve("db")));
    KeyManager km = KeyManager.openOrCreate(dir.resolve("keys"));
    vault = kind == Vaults.IN_MEMORY ? InMemoryTokenVault.create()
        : new JdbcTokenVault(db, new SubjectKeys(db, km), Duration.ofHours(1), SubjectResolver.perConversation());
    Map<Endpoint, ProtocolAdapter> adapters = Map.of(Endpoint.CHAT_COMPLETIONS, new ChatCompletionsAdapter(),
        Endpoint.RESPONSES, new ResponsesAdapter());
    Interceptor upstream = c -> {
      forwarded.incrementAndGet();
      ObjectNode answer = Json.MAPPER.createObjectNode().put("id", "x");
      return new GatewayResponse.Json(200, Map.of(), answer);
    };
    chain = List.of(new ConversationScopeInterceptor(adapters, GatewaySecret.loadOrCreate(dir)),
        new PiiInterceptor(TestVeil.create(vault), adapters), upstream);
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  static final String USER = "{\"role\":\"user\",\"content\":\"Mail " + EMAIL + " today\"}";

  /** Each: endpoint, body. Every body holds an e-mail in text the transform reaches before the refusal. */
  static List<Object[]> refusals() {
    List<Object[]> all = new java.util.ArrayList<>();
    for (Vaults kind : Vaults.values()) {
      for (Object[] r : refusalBodies()) {
        all.add(new Object[] {kind, r[0], r[1], r[2]});
      }
    }
    return all;
  }

  static List<Object[]> refusalBodies() {
    String fn = "{\"type\":\"function\",\"function\":{\"name\":\"send\",\"parameters\":{\"type\":\"object\","
        + "\"properties\":{\"to\":{\"type\":\"string\",\"description\":\"for " + OTHER + "\",";
    return List.of(
        new Object[] {"schema pattern", Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[" + USER + "],"
            + "\"tools\":[" + fn + "\"pattern\":\"^" + OTHER.replace(".", "\\\\.") + "$\"}}}}}]}"},
        new Object[] {"schema patternProperties", Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[" + USER
            + "],\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"r\",\"schema\":{"
            + "\"type\":\"object\",\"patternProperties\":{\"" + OTHER + "\":{\"type\":\"string\"}}}}}}"},
        new Object[] {"tool of another type", Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[" + USER
            + "],\"tools\":[" + fn + "\"type\":\"string\"}}}}},{\"type\":\"web_search\"}]}"},
        new Object[] {"content part", Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[" + USER + ","
            + "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x.test/a.png\"}}]}]}"},
        new Object[] {"tool call type", Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[" + USER + ","
            + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"custom\",\"custom\":{}}]}]}"},
        new Object[] {"stop shape", Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[" + USER + "],"
            + "\"stop\":[{\"x\":1}]}"},
        new Object[] {"prediction shape", Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[" + USER + "],"
            + "\"prediction\":{\"type\":\"other\"}}"},
        new Object[] {"web search location", Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[" + USER
            + "],\"web_search_options\":{\"user_location\":{\"type\":\"exact\"}}}"},
        new Object[] {"responses built-in tool", Endpoint.RESPONSES, "{\"model\":\"m\",\"input\":\"Mail " + EMAIL
            + "\",\"tools\":[{\"type\":\"web_search\",\"user_location\":{\"type\":\"approximate\",\"city\":\""
            + OTHER + "\"}},{\"type\":\"namespace\"}]}"},
        new Object[] {"regex grammar", Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[" + USER + "],"
            + "\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"c\",\"format\":{\"type\":\"grammar\","
            + "\"grammar\":{\"definition\":\"^" + OTHER + "$\",\"syntax\":\"regex\"}}}}]}"},
        new Object[] {"responses schema pattern", Endpoint.RESPONSES, "{\"model\":\"m\",\"input\":\"Mail " + EMAIL
            + "\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"r\",\"schema\":{\"type\":\"object\","
            + "\"properties\":{\"to\":{\"type\":\"string\",\"pattern\":\"" + OTHER + "\"}}}}}}"});
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("refusals")
  void aRefusedRequestLeavesNothingInTheVault(Vaults vaults, String kind, Endpoint endpoint, String body) {
    open(vaults);
    Scope scope = new Scope("acme", "c:refused");
    assertThatThrownBy(() -> send(endpoint, body, "refused")).as(kind).isInstanceOf(GatewayException.class)
        .satisfies(e -> assertThat(((GatewayException) e).status()).isEqualTo(400));
    assertThat(forwarded).hasValue(0);
    assertThat(vault.entries(scope)).as("vault rows after a refused request (%s)", kind).isEmpty();

    // the same conversation's next, valid turn is forwarded and mints as always: the count above looks where
    // the tokens go, and the refused request's values did not take the first numbers
    GatewayResponse ok = send(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[" + USER + "]}", "refused");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(vault.entries(scope)).containsOnly(Map.entry("<EMAIL_1>", EMAIL));
  }

  /**
   * Under surrogates, a later text of a request that holds a surrogate of an earlier turn makes the collision check
   * read the scope's entries while the request's own mints are not stored yet: it sees them, and the request goes
   * through (a read refused inside the request's vault unit would fail it).
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(Vaults.class)
  void theCollisionCheckOfALaterTextSeesTheRequestsMintsNotStoredYet(Vaults vaults) {
    open(vaults);
    Map<Endpoint, ProtocolAdapter> adapters = Map.of(Endpoint.CHAT_COMPLETIONS, new ChatCompletionsAdapter());
    java.util.concurrent.atomic.AtomicReference<String> sent = new java.util.concurrent.atomic.AtomicReference<>();
    Interceptor upstream = c -> {
      sent.set(c.request().json().at("/messages/0/content").asText());
      return new GatewayResponse.Json(200, Map.of(), Json.MAPPER.createObjectNode().put("id", "x"));
    };
    chain = List.of(new ConversationScopeInterceptor(adapters, GatewaySecret.loadOrCreate(dir)),
        new PiiInterceptor(TestVeil.create(vault, io.veil.core.Policy.parse("version: x\ndefault_operator: surrogate\n")),
            adapters), upstream);
    assertThat(send(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[" + USER + "]}", "s").status())
        .isEqualTo(200);
    String surrogate = sent.get().replace("Mail ", "").replace(" today", "");
    assertThat(surrogate).isNotEqualTo(EMAIL);
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Mail " + OTHER + "\"},"
        + "{\"role\":\"user\",\"content\":\"and " + surrogate + "\"}]}";
    assertThat(send(Endpoint.CHAT_COMPLETIONS, body, "s").status()).isEqualTo(200);
    assertThat(vault.entries(new Scope("acme", "c:s"))).containsValues(EMAIL, OTHER);
  }

  /**
   * The rerun after a conflict, on both vaults alike (review13 checked only the persistent one): a unit whose token
   * another request took first stores nothing and runs again, storing each value at once, with the next free
   * numbers; another request of the scope finds a value so stored and is handed its token; when the rerun is then
   * refused part-way, what it stored stays (that request's answer must restore), what it had not reached is not
   * stored, and numbering goes on above. Before vault16 the persistent vault deleted the rerun's rows, and the other
   * request's token restored to nothing.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(Vaults.class)
  void aRefusedRerunKeepsWhatItStoredAtOnceOnBothVaults(Vaults vaults) throws Exception {
    open(vaults);
    Scope scope = new Scope("acme", "c:rerun");
    java.util.function.Function<Integer, String> person = n -> "<PERSON_" + n + ">";
    AtomicInteger runs = new AtomicInteger();
    java.util.List<String> seenInFirstRun = new java.util.ArrayList<>();
    String[] theirs = new String[1];
    assertThatThrownBy(() -> vault.tokenizeTogether(scope, () -> {
      int run = runs.incrementAndGet();
      String anna = vault.tokenize(scope, io.veil.core.EntityType.PERSON, "Anna", person);
      if (run == 1) {
        seenInFirstRun.add(anna);
        // another request stores first and takes the number the unit gave Anna: the unit cannot be stored
        seenInFirstRun.add(otherRequest(() -> vault.tokenize(scope, io.veil.core.EntityType.PERSON, "Dora", person)));
        seenInFirstRun.addAll(otherRequest(() -> vault.entries(scope)).values());
      } else {
        theirs[0] = otherRequest(() -> vault.tokenize(scope, io.veil.core.EntityType.PERSON, "Anna", person));
        assertThat(theirs[0]).as("another request is handed the rerun's token").isEqualTo(anna);
      }
      vault.tokenize(scope, io.veil.core.EntityType.PERSON, "Bert", person);
      if (run == 2) {
        throw new IllegalStateException("refused");
      }
      vault.tokenize(scope, io.veil.core.EntityType.PERSON, "Cleo", person); // the first run gets here
      return null;
    })).hasMessage("refused");
    assertThat(runs).hasValue(2);
    assertThat(seenInFirstRun).as("the unit's token, the other request's, and what the other request saw")
        .containsExactly("<PERSON_1>", "<PERSON_1>", "Dora");
    assertThat(vault.reveal(scope, theirs[0])).as("the other request's token restores").contains("Anna");
    assertThat(vault.entries(scope)).containsOnly(Map.entry("<PERSON_1>", "Dora"), Map.entry("<PERSON_2>", "Anna"),
        Map.entry("<PERSON_3>", "Bert"));
    assertThat(vault.tokenize(scope, io.veil.core.EntityType.PERSON, "Cleo", person)).isEqualTo("<PERSON_4>");
  }

  /** Runs {@code call} on another thread, as a concurrent request of the same conversation would. */
  private static <T> T otherRequest(java.util.concurrent.Callable<T> call) {
    try (var pool = java.util.concurrent.Executors.newSingleThreadExecutor()) {
      return pool.submit(call).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  private GatewayResponse send(Endpoint endpoint, String body, String conversation) {
    ObjectNode json;
    try {
      json = (ObjectNode) Json.MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    GatewayRequest request = GatewayRequest.of(endpoint, Map.of("content-type", "application/json",
            ConversationScopeInterceptor.HEADER, conversation), body.getBytes(StandardCharsets.UTF_8))
        .withJson(json).withKey(new ClientKey("vk_1", "acme", "default", 0, Instant.EPOCH, null),
            GatewayPolicy.defaults("default"));
    return RealChain.run(chain, request);
  }
}
