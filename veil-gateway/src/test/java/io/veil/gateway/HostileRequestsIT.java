package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.core.Policy;
import io.veil.core.Veil;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile requests against the real gateway (real Veil with the default policy and the built-in
 * recognizers, an upstream that records what it receives). Every case either gets a clear 4xx in the
 * provider's error envelope, or is forwarded with the personal data in it replaced: the assertion
 * is always on what the upstream received, after undoing the trick (zero-width characters removed,
 * NFKC-folded), so a value hidden from detection but readable by the model counts as a leak.
 */
class HostileRequestsIT {
  static final String EMAIL = "jane.doe@example.com";
  static final String CARD = "4111111111111111";
  static final String IBAN = "DE89370400440532013000";

  @TempDir
  Path dir;
  GatewayFixture fx;
  /** Hostile cases tried in this class (reported in docs/notes/fuzz.md). */
  static int cases;

  @BeforeEach
  void start() throws Exception {
    fx = new GatewayFixture(dir, Veil.builder().policy(Policy.defaults()).build(),
        Map.of("small", new GatewayPolicy("small", 4096, 0, true, true)));
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  // ---- helpers -----------------------------------------------------------------------------

  static String chat(String content) {
    return "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":" + jsonString(content) + "}]}";
  }

  static String jsonString(String s) {
    return Json.write(Json.MAPPER.getNodeFactory().textNode(s));
  }

  /** What a reader (or a model) sees: format characters dropped, compatibility forms folded. */
  static String deobfuscate(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints().filter(cp -> Character.getType(cp) != Character.FORMAT && cp != 0x00AD)
        .forEach(sb::appendCodePoint);
    return Normalizer.normalize(sb, Normalizer.Form.NFKC);
  }

  /** Upstream bodies as the upstream's JSON parser reads them (escapes resolved), de-obfuscated. */
  List<String> upstreamTexts() throws Exception {
    List<String> out = new ArrayList<>();
    for (String body : fx.echo.bodies) {
      String decoded;
      try {
        decoded = collectStrings(Json.MAPPER.readTree(body));
      } catch (Exception e) {
        decoded = body;
      }
      out.add(deobfuscate(decoded).replace(" ", "").replace("-", ""));
    }
    return out;
  }

  private static String collectStrings(JsonNode n) {
    StringBuilder sb = new StringBuilder();
    collect(n, sb);
    return sb.toString();
  }

  private static void collect(JsonNode n, StringBuilder sb) {
    if (n.isTextual()) {
      sb.append(n.asText()).append('\n');
      String t = n.asText().strip();
      if (t.startsWith("{") || t.startsWith("[")) {
        try {
          collect(Json.MAPPER.readTree(t), sb);
        } catch (Exception ignored) {
          // not a JSON document
        }
      }
    }
    n.forEach(c -> collect(c, sb));
    if (n.isObject()) {
      n.properties().forEach(e -> sb.append(e.getKey()).append('\n'));
    }
  }

  /** The case passed: a 4xx in the provider's envelope, or forwarded with none of the values readable. */
  void assertRefusedOrClean(int status, String body, String... values) throws Exception {
    cases++;
    if (status >= 400 && status < 500) {
      JsonNode err = Json.MAPPER.readTree(body).get("error");
      assertThat(err).as("error envelope of a %s: %s", status, body).isNotNull();
      assertThat(err.path("message").asText()).as("error message").isNotBlank();
      for (String v : values) {
        assertThat(deobfuscate(body)).as("error body echoes the value").doesNotContain(v);
      }
    } else {
      assertThat(status).as("status (body %s)", body).isEqualTo(200);
    }
    for (String upstream : upstreamTexts()) {
      for (String v : values) {
        assertThat(upstream).as("upstream received %s", v).doesNotContain(v.replace(" ", "").replace("-", ""));
      }
    }
  }

  HttpResponse<String> postBytes(String path, byte[] body) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(fx.uri(path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + fx.key)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    return fx.http.send(r, HttpResponse.BodyHandlers.ofString());
  }

  /** Sends bytes as they are (no client-side validation or path normalization); returns status and body. */
  String[] raw(String requestLineAndHeaders, byte[] body) throws Exception {
    try (Socket s = new Socket("127.0.0.1", fx.gateway.port())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(requestLineAndHeaders.getBytes(StandardCharsets.ISO_8859_1));
      out.write(("Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      in.transferTo(buf);
      String resp = buf.toString(StandardCharsets.UTF_8);
      String[] head = resp.split("\r\n", 2);
      int status = Integer.parseInt(head[0].split(" ")[1]);
      int split = resp.indexOf("\r\n\r\n");
      String payload = split < 0 ? "" : resp.substring(split + 4);
      return new String[] {Integer.toString(status), payload, resp.substring(0, Math.max(0, split))};
    }
  }

  String[] rawPost(String path, String extraHeaders, String body) throws Exception {
    return raw("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + fx.key
        + "\r\nContent-Type: application/json\r\n" + extraHeaders, body.getBytes(StandardCharsets.UTF_8));
  }

  // ---- bodies --------------------------------------------------------------------------------

  @Test
  void deeplyNestedJsonIsRefused() throws Exception {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key,
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + EMAIL + "\",\"x\":" + deep + "}]}");
    assertThat(r.statusCode()).isBetween(400, 499);
    assertRefusedOrClean(r.statusCode(), r.body(), EMAIL);
    assertThat(fx.upstream.getRequestCount()).isZero();
  }

  @Test
  void deeplyNestedToolArgumentsAreStillPseudonymized() throws Exception {
    String args = "{\"a\":".repeat(5_000) + jsonString(EMAIL) + "}".repeat(5_000);
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
        + "\"function\":{\"name\":\"f\",\"arguments\":" + jsonString(args) + "}}]},{\"role\":\"user\",\"content\":\"ok\"}]}";
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, body);
    assertRefusedOrClean(r.statusCode(), r.body(), EMAIL);
  }

  @Test
  void hugeStringsAreRefusedBeforeAnythingIsForwarded() throws Exception {
    String big = "x".repeat(3 << 20) + " " + EMAIL;
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, chat(big));
    assertThat(r.statusCode()).isEqualTo(413);
    assertRefusedOrClean(r.statusCode(), r.body(), EMAIL);
    String smallKey = fx.keys.create("acme", "small", 0).secret(); // a policy with a 4 KiB body limit
    HttpResponse<String> small = fx.post("/v1/chat/completions", smallKey, chat("y".repeat(5000) + EMAIL));
    assertThat(small.statusCode()).isEqualTo(413);
    assertRefusedOrClean(small.statusCode(), small.body(), EMAIL);
    assertThat(fx.upstream.getRequestCount()).isZero();
  }

  @Test
  void manyMessagesAndPartsWithinTheSizeLimitAreAllPseudonymized() throws Exception {
    StringBuilder msgs = new StringBuilder("{\"model\":\"m\",\"messages\":[");
    for (int i = 0; i < 2000; i++) {
      msgs.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"mail ")
          .append(EMAIL).append("\"}]}");
    }
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, msgs.append("]}").toString());
    assertRefusedOrClean(r.statusCode(), r.body(), EMAIL);
  }

  @Test
  void invalidUtf8IsRefused() throws Exception {
    byte[] prefix = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"mail jane.doe@exa".getBytes(StandardCharsets.UTF_8);
    byte[] suffix = "mple.com\"}]}".getBytes(StandardCharsets.UTF_8);
    for (byte[] bad : new byte[][] {{(byte) 0xC3}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xC0, (byte) 0xAE}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}}) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.write(prefix);
      b.write(bad);
      b.write(suffix);
      HttpResponse<String> r = postBytes("/v1/chat/completions", b.toByteArray());
      assertRefusedOrClean(r.statusCode(), r.body(), EMAIL, "jane.doe@exa");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"\\ud800", "\\udc00", "\\udbff\\udbff", "\\u0000"})
  void loneSurrogatesAndNulAreRefusedOrPseudonymized(String escape) throws Exception {
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + escape + "mail " + EMAIL + " "
        + escape + " card 4111 1111 1111 1111" + escape + "\"}]}";
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, body);
    assertRefusedOrClean(r.statusCode(), r.body(), EMAIL, CARD);
  }

  // ---- Unicode tricks that hide personal data ----------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {
      "mail jane\u200B.doe@example.com today",                  // zero-width space
      "mail jane.doe\u200C@exam\u200Dple.com today",            // zero-width (non-)joiner
      "mail j\u2060ane.doe@example.com today",                  // word joiner
      "mail jane.doe@\uFEFFexample.com today",                  // BOM as zero-width no-break space
      "mail jane\u00AD.doe@example.com today",                  // soft hyphen
      "mail ｊａｎｅ.ｄｏｅ＠ｅｘａｍｐｌｅ.ｃｏｍ today",              // full-width letters and at sign
      "mail jane.doe﹫example.com today",                        // small commercial at
      "card 4111\u200B1111\u200B1111\u200B1111 please",         // zero-width inside a card number
      "card ４１１１ １１１１ １１１１ １１１１ please",              // full-width digits
      "card 4111\u00A01111\u00A01111\u00A01111 please",         // no-break spaces
      "card 4\u200C1\u200C1\u200C1 1111 1111 1111 please",      // a joiner between every digit
      "card ٤١١١ ١١١١ ١١١١ ١١١١ please",                      // Arabic-Indic digits
      "iban DE89\u200B3704\u200B0044\u200B0532\u200B0130\u200B00 please",
      "iban ＤＥ８９ ３７０４ ００４４ ０５３２ ０１３０ ００ please"})
  void unicodeTricksDoNotHidePersonalData(String content) throws Exception {
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, chat(content));
    // the local part too: a detection that stops at a hidden character would leave "jane" behind
    assertRefusedOrClean(r.statusCode(), r.body(), EMAIL, "jane.doe", CARD, IBAN);
    if (r.statusCode() == 200) {
      // and the client gets its own text back, trick characters and all
      assertThat(Json.MAPPER.readTree(r.body()).at("/choices/0/message/content").asText()).isEqualTo(content);
    }
  }

  /**
   * A record pasted into a prompt as Python's {@code json.dumps} writes it: every non-ASCII letter a JSON escape, which
   * a model reads as the letter. The name and the e-mail went upstream in clear (qa11); the client still gets its text
   * back as it sent it.
   */
  @Test
  void jsonEscapedLettersDoNotHidePersonalData() throws Exception {
    String record = "Customer record: {\"name\": \"Zo\\u00eb S\\u00f8rensen\", \"email\": "
        + "\"zo\\u00eb.s\\u00f8rensen@ex\\u00e4mple.org\", \"plan\": \"gold\"}";
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, chat(record));
    assertThat(r.statusCode()).isEqualTo(200);
    java.util.regex.Matcher escape = java.util.regex.Pattern.compile("\\\\u([0-9a-fA-F]{4})")
        .matcher(String.join("\n", upstreamTexts()));
    String asRead = escape.replaceAll(m -> String.valueOf((char) Integer.parseInt(m.group(1), 16)));
    assertThat(asRead).contains("gold").doesNotContain("S\u00f8rensen").doesNotContain("zo\u00eb.s\u00f8rensen");
    assertThat(Json.MAPPER.readTree(r.body()).at("/choices/0/message/content").asText()).isEqualTo(record);
  }

  /** Homoglyphs have no normalization to undo; the value as written must not reach the provider. */
  @ParameterizedTest
  @ValueSource(strings = {"j\u0430ne.doe@example.com", "jane.doe@ex\u0430mple.com", "j\u03bfhn@corp.example",
      "jane.doe@\u0435xample.\u0441om"})
  void homoglyphsInAnEmailDoNotHideIt(String email) throws Exception {
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, chat("write to " + email + " soon"));
    assertRefusedOrClean(r.statusCode(), r.body(), email);
  }

  @Test
  void valuesSplitAcrossContentPartsAreNotForwardedWhole() throws Exception {
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"mail jane.doe@\"},"
        + "{\"type\":\"text\",\"text\":\"example.com and card 4111 1111\"},{\"type\":\"text\",\"text\":\" 1111 1111 thanks\"}]}]}";
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, body);
    assertRefusedOrClean(r.statusCode(), r.body(), EMAIL, "jane.doe", CARD, "41111111");
  }

  @Test
  void unknownFieldsInsidePartsItemsAndToolCallsAreNotForwarded() throws Exception {
    String chat = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\","
        + "\"note\":\"" + EMAIL + "\"}]},{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\","
        + "\"x\":\"" + EMAIL + "\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\",\"y\":\"" + EMAIL + "\"}}]},"
        + "{\"role\":\"tool\",\"tool_call_id\":\"c\",\"content\":\"ok\"}]}";
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, chat);
    assertRefusedOrClean(r.statusCode(), r.body(), EMAIL);
    String responses = "{\"model\":\"m\",\"input\":[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
        + "\"text\":\"hi\",\"z\":\"" + EMAIL + "\"}],\"extra\":\"" + EMAIL + "\"},{\"type\":\"function_call_output\","
        + "\"call_id\":\"c\",\"output\":\"ok\",\"w\":\"" + EMAIL + "\"}]}";
    HttpResponse<String> r2 = fx.post("/v1/responses", fx.key, responses);
    assertRefusedOrClean(r2.statusCode(), r2.body(), EMAIL);
  }

  @Test
  void personalDataInTheRoleFieldIsRefused() throws Exception {
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"" + EMAIL + "\",\"content\":\"hi\"}]}";
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, body);
    assertRefusedOrClean(r.statusCode(), r.body(), EMAIL);
  }

  /**
   * Fields outside the conversation text that were forwarded as the client sent them (review7): stop sequences
   * (now pseudonymized) and every other field the endpoint allows (model, tool_choice, stream_options, logit_bias,
   * reasoning, text, include, response_format's names: now refused when they hold anything but protocol words).
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "/v1/chat/completions|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stop\":[\"Mail EMAIL\"]}",
      "/v1/chat/completions|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stop\":\"EMAIL\"}",
      "/v1/completions|{\"model\":\"m\",\"prompt\":\"hi\",\"stop\":[\"EMAIL\"]}",
      "/v1/chat/completions|{\"model\":\"EMAIL\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
      "/v1/chat/completions|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
          + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"},\"note\":\"for EMAIL\"}}",
      "/v1/chat/completions|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
          + "\"stream_options\":{\"include_usage\":true,\"x\":\"EMAIL\"}}",
      "/v1/chat/completions|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
          + "\"logit_bias\":{\"EMAIL\":1}}",
      "/v1/chat/completions|{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
          + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"EMAIL\",\"schema\":{}}}}",
      "/v1/responses|{\"model\":\"m\",\"input\":\"hi\",\"reasoning\":{\"effort\":\"low\",\"note\":\"EMAIL\"}}",
      "/v1/responses|{\"model\":\"m\",\"input\":\"hi\",\"text\":{\"verbosity\":\"low\",\"x\":\"EMAIL\"}}",
      "/v1/responses|{\"model\":\"m\",\"input\":\"hi\",\"include\":[\"EMAIL\"]}",
      "/v1/embeddings|{\"model\":\"m\",\"input\":\"hi\",\"encoding_format\":\"EMAIL\"}",
  })
  void personalDataInFieldsOutsideTheConversationTextIsNotForwarded(String pathAndBody) throws Exception {
    String[] pb = pathAndBody.split("\\|", 2);
    HttpResponse<String> r = fx.post(pb[0], fx.key, pb[1].replace("EMAIL", EMAIL));
    assertRefusedOrClean(r.statusCode(), r.body(), EMAIL);
  }

  /** A stop sequence naming someone reaches the provider as the placeholder the messages use for them. */
  @Test
  void stopSequencesUseTheConversationsPlaceholders() throws Exception {
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Write to " + EMAIL + " now\"}],"
        + "\"stop\":[\"" + EMAIL + "\"]}";
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode forwarded = Json.MAPPER.readTree(fx.echo.bodies.get(fx.echo.bodies.size() - 1));
    String content = forwarded.at("/messages/0/content").asText();
    String stop = forwarded.at("/stop/0").asText();
    assertThat(stop).doesNotContain(EMAIL).isNotBlank();
    assertThat(content).contains(stop);
  }

  /**
   * Predicted output, the web search's user location and a reusable prompt's variables (sent by the official SDKs)
   * reach the provider pseudonymized with the placeholder the conversation's text uses for the same value, so the
   * answer restores. Before, the minimization stage dropped them (the features silently did nothing) and the
   * adapters refused them as verbatim fields.
   */
  @Test
  void predictionUserLocationAndPromptVariablesUseTheConversationsPlaceholders() throws Exception {
    String chat = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Write to " + EMAIL + " now\"}],"
        + "\"prediction\":{\"type\":\"content\",\"content\":[{\"type\":\"text\",\"text\":\"To: " + EMAIL + "\"}]},"
        + "\"web_search_options\":{\"search_context_size\":\"low\",\"user_location\":{\"type\":\"approximate\","
        + "\"approximate\":{\"city\":\"" + EMAIL + "\",\"country\":\"US\"}}}}";
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, chat);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode forwarded = Json.MAPPER.readTree(fx.echo.bodies.get(fx.echo.bodies.size() - 1));
    assertThat(forwarded.toString()).doesNotContain(EMAIL);
    String token = forwarded.at("/messages/0/content").asText().replace("Write to ", "").replace(" now", "");
    assertThat(token).isNotBlank();
    assertThat(forwarded.at("/prediction/content/0/text").asText()).isEqualTo("To: " + token);
    assertThat(forwarded.at("/web_search_options/user_location/approximate/city").asText()).isEqualTo(token);
    assertThat(forwarded.at("/web_search_options/user_location/approximate/country").asText()).isEqualTo("US");
    String responses = "{\"model\":\"m\",\"input\":\"Write to " + EMAIL + " now\",\"prompt\":{\"id\":\"pmpt_abc\","
        + "\"version\":\"3\",\"variables\":{\"to\":\"" + EMAIL + "\",\"cc\":{\"type\":\"input_text\",\"text\":\"" + EMAIL + "\"}}}}";
    r = fx.post("/v1/responses", fx.key, responses);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    forwarded = Json.MAPPER.readTree(fx.echo.bodies.get(fx.echo.bodies.size() - 1));
    assertThat(forwarded.toString()).doesNotContain(EMAIL);
    token = forwarded.at("/input").asText().replace("Write to ", "").replace(" now", "");
    assertThat(token).isNotBlank();
    assertThat(forwarded.at("/prompt/variables/to").asText()).isEqualTo(token);
    assertThat(forwarded.at("/prompt/variables/cc/text").asText()).isEqualTo(token);
    assertThat(forwarded.at("/prompt/id").asText()).isEqualTo("pmpt_abc");
  }

  /**
   * Built-in tools (Responses {@code web_search}, {@code file_search}, {@code mcp}; chat entries of other types than
   * function/custom) were forwarded as they came: an e-mail as a searcher's city, a file-search filter value, an MCP
   * server's description or a header reached the provider. Text is now pseudonymized with the conversation's
   * placeholder, and what Veil cannot read is refused (400, nothing forwarded, the value in no answer or log line);
   * an MCP credential that is credential-shaped is forwarded as the client sent it.
   */
  @Test
  void builtInToolsCarryNoPersonalDataToTheProvider() throws Exception {
    String input = "\"input\":\"Write to " + EMAIL + " now\"";
    String[] transformed = {
        "{\"type\":\"web_search\",\"user_location\":{\"type\":\"approximate\",\"city\":\"" + EMAIL + "\"}}",
        "{\"type\":\"web_search_preview\",\"user_location\":{\"type\":\"approximate\",\"region\":\"" + EMAIL + "\"}}",
        "{\"type\":\"file_search\",\"vector_store_ids\":[\"vs_1\"],\"filters\":{\"type\":\"or\",\"filters\":["
            + "{\"type\":\"eq\",\"key\":\"owner\",\"value\":\"" + EMAIL + "\"}]}}",
        "{\"type\":\"mcp\",\"server_label\":\"crm\",\"server_url\":\"https://mcp.example.com/sse\","
            + "\"server_description\":\"" + EMAIL + "\",\"headers\":{\"Authorization\":\"Bearer sk-tool9secret\"}}"};
    for (String tool : transformed) {
      HttpResponse<String> r = fx.post("/v1/responses", fx.key, "{\"model\":\"m\"," + input + ",\"tools\":[" + tool + "]}");
      assertThat(r.statusCode()).as(tool + " -> " + r.body()).isEqualTo(200);
      JsonNode forwarded = Json.MAPPER.readTree(fx.echo.bodies.get(fx.echo.bodies.size() - 1));
      String token = forwarded.at("/input").asText().replace("Write to ", "").replace(" now", "");
      assertThat(token).isNotBlank().isNotEqualTo(EMAIL);
      assertThat(forwarded.get("tools").toString()).as(tool).doesNotContain(EMAIL).contains("\"" + token + "\"");
      assertRefusedOrClean(200, r.body(), EMAIL);
    }
    assertThat(fx.echo.bodies.get(fx.echo.bodies.size() - 1)).as("a credential is the client's intent")
        .contains("Bearer sk-tool9secret");
    int forwardedBefore = fx.echo.bodies.size();
    String[][] refused = {
        {"/v1/responses", "{\"type\":\"mcp\",\"server_label\":\"crm\",\"server_url\":\"https://mcp.example.com/sse\","
            + "\"headers\":{\"Authorization\":\"Bearer sk-tool9secret\",\"X-User\":\"" + EMAIL + "\"}}"},
        {"/v1/responses", "{\"type\":\"mcp\",\"server_label\":\"crm\",\"server_url\":\"https://mcp.example.com/u/" + EMAIL + "\"}"},
        {"/v1/responses", "{\"type\":\"web_search\",\"filters\":{\"allowed_domains\":[\"" + EMAIL + "\"]}}"},
        {"/v1/responses", "{\"type\":\"code_interpreter\",\"container\":\"" + EMAIL + "\"}"},
        {"/v1/responses", "{\"type\":\"future_tool\",\"note\":\"" + EMAIL + "\"}"},
        {"/v1/chat/completions", "{\"type\":\"web_search\",\"user_location\":{\"city\":\"" + EMAIL + "\"}}"},
        {"/v1/chat/completions", "{\"type\":\"function\",\"function\":{\"name\":\"f\",\"x-owner\":\"" + EMAIL + "\"}}"}};
    for (String[] c : refused) {
      String body = c[0].equals("/v1/responses") ? "{\"model\":\"m\",\"input\":\"hi\",\"tools\":[" + c[1] + "]}"
          : "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[" + c[1] + "]}";
      HttpResponse<String> r = fx.post(c[0], fx.key, body);
      assertThat(r.statusCode()).as(c[1] + " -> " + r.body()).isEqualTo(400);
      assertThat(Json.MAPPER.readTree(r.body()).at("/error/code").asText()).isEqualTo(ErrorCodes.UNSUPPORTED_CONTENT);
      assertThat(r.body()).doesNotContain("sk-tool9secret");
      assertRefusedOrClean(400, r.body(), EMAIL);
    }
    assertThat(fx.echo.bodies).as("nothing refused was forwarded").hasSize(forwardedBefore);
    assertThat(fx.allLogs()).doesNotContain(EMAIL).doesNotContain("sk-tool9secret");
  }

  /**
   * review9: a settings word outside its protocol vocabulary (a surname where a reasoning effort or a service tier
   * goes) and a schema pattern holding an e-mail are refused before anything reaches the provider, and the words
   * an SDK sends still go through.
   */
  @Test
  void settingsWordsAndSchemaPatternsCarryNoPersonalData() throws Exception {
    String chatMessages = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    HttpResponse<String> ok = fx.post("/v1/chat/completions", fx.key, "{\"model\":\"m\"," + chatMessages
        + ",\"reasoning_effort\":\"low\",\"service_tier\":\"auto\",\"tool_choice\":\"auto\","
        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\","
        + "\"properties\":{\"zip\":{\"type\":\"string\",\"pattern\":\"^[0-9]{5}$\"}}}}}]}");
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    int forwardedBefore = fx.echo.bodies.size();
    String[][] refused = {
        {"/v1/chat/completions", "{\"model\":\"m\"," + chatMessages + ",\"reasoning_effort\":\"Kowalski\"}"},
        {"/v1/responses", "{\"model\":\"m\",\"input\":\"hi\",\"service_tier\":\"Kowalski\"}"},
        {"/v1/responses", "{\"model\":\"m\",\"input\":\"hi\",\"include\":[\"Kowalski\"]}"},
        {"/v1/embeddings", "{\"model\":\"m\",\"input\":\"hi\",\"encoding_format\":\"Kowalski\"}"},
        {"/v1/chat/completions", "{\"model\":\"m\"," + chatMessages + ",\"response_format\":{\"type\":\"json_schema\","
            + "\"json_schema\":{\"name\":\"r\",\"schema\":{\"type\":\"string\",\"pattern\":\"^" + EMAIL + "$\"}}}}"},
        {"/v1/responses", "{\"model\":\"m\",\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"name\":\"f\","
            + "\"parameters\":{\"type\":\"object\",\"patternProperties\":{\"" + EMAIL + "\":{}}}}]}"}};
    for (String[] c : refused) {
      HttpResponse<String> r = fx.post(c[0], fx.key, c[1]);
      assertThat(r.statusCode()).as(c[1] + " -> " + r.body()).isEqualTo(400);
      assertThat(Json.MAPPER.readTree(r.body()).at("/error/code").asText()).isEqualTo(ErrorCodes.UNSUPPORTED_CONTENT);
      assertThat(r.body()).doesNotContain("Kowalski");
      assertRefusedOrClean(400, r.body(), EMAIL);
    }
    assertThat(fx.echo.bodies).as("nothing refused was forwarded").hasSize(forwardedBefore);
    assertThat(fx.allLogs()).doesNotContain(EMAIL).doesNotContain("Kowalski");
  }

  // ---- headers -------------------------------------------------------------------------------

  @Test
  void headerInjectionIsRefusedOrHarmless() throws Exception {
    String[][] attempts = {
        {"X-Veil-Conversation: a\nX-Injected: 1\r\n"},           // bare LF inside a header
        {"X-Veil-Conversation: a\rX-Injected: 1\r\n"},           // bare CR
        {"X-Veil-Conversation: a\u0000b\r\n"},                   // NUL
        {"X-Veil-Conversation: " + EMAIL + "\r\n"},              // personal data as a scope id
        {"X-Veil-Conversation: ../../other-tenant\r\n"},
        {"X-Veil-Conversation: " + "c".repeat(10_000) + "\r\n"},
        {"X-Veil-Policy: ../../etc/passwd\r\n"},
        {"X-Veil-User: " + EMAIL + "\r\n"},
        {"Transfer-Encoding: chunked\r\n"},                      // with a Content-Length: smuggling shape
        {"Content-Type: application/json\r\nContent-Type: text/plain\r\n"},
        {"Authorization: Bearer other\r\n"}};                    // a second Authorization header
    for (String[] a : attempts) {
      String[] resp = rawPost("/v1/chat/completions", a[0], chat("mail " + EMAIL));
      int status = Integer.parseInt(resp[0]);
      assertThat(status).as("status for %s", a[0].strip()).isIn(200, 400, 401, 403, 404, 413, 415, 431);
      assertThat(resp[2]).as("response headers for %s", a[0].strip()).doesNotContain("X-Injected")
          .doesNotContain(EMAIL);
      assertRefusedOrClean(status, status == 200 ? "{}" : resp[1], EMAIL);
    }
    // nothing the client sends in headers is passed on upstream besides what Veil sets itself
    for (int i = 0; i < fx.upstream.getRequestCount(); i++) {
      RecordedRequest rec = fx.upstream.takeRequest(1, TimeUnit.SECONDS);
      assertThat(rec.getHeaders().toString()).doesNotContain(EMAIL).doesNotContain("X-Injected")
          .doesNotContain(fx.key);
    }
  }

  @Test
  void clientHeadersAreNotForwarded() throws Exception {
    String[] resp = rawPost("/v1/chat/completions", "Cookie: session=" + EMAIL + "\r\nX-Forwarded-For: 10.0.0.1\r\n"
        + "OpenAI-Organization: org-" + EMAIL + "\r\nX-Custom: " + EMAIL + "\r\n", chat("hello"));
    assertThat(resp[0]).isEqualTo("200");
    cases++;
    RecordedRequest rec = fx.upstream.takeRequest(5, TimeUnit.SECONDS);
    assertThat(rec).isNotNull();
    assertThat(rec.getHeaders().toString()).doesNotContain(EMAIL).doesNotContain(fx.key).doesNotContain("10.0.0.1");
  }

  // ---- paths ---------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"/v1/../admin/keys", "/v1/chat/completions/../../admin/keys", "/v1/%2e%2e/admin/keys",
      "/v1/chat%2Fcompletions", "/v1/chat%2fcompletions", "//v1/chat/completions", "/v1//chat/completions",
      "/v1/chat/completions.", "/v1/chat/completions%2e", "/v1/chat/completions;x=1", "/v1/chat/completions/",
      "/V1/CHAT/COMPLETIONS", "/v1/chat/completions%00", "/v1/chat/completions%20", "/v1/./chat/completions",
      "/v1/chat/completions?x=" + EMAIL, "/v1/models/../chat/completions", "/v1/models/%2e%2e%2fchat",
      "/admin/../v1/chat/completions", "/v1/embeddings/..;/chat/completions", "/%76%31/chat/completions",
      "/v1/chat/completions#frag", "http://evil.example/v1/chat/completions", "*"})
  void pathTricksAreRefusedOrHandledAsThemselves(String path) throws Exception {
    String[] resp = rawPost(path, "", chat("mail " + EMAIL + " card 4111 1111 1111 1111"));
    int status = Integer.parseInt(resp[0]);
    assertThat(status).as("status for %s", path).isIn(200, 400, 401, 404, 405);
    assertRefusedOrClean(status, status == 200 ? "{}" : resp[1], EMAIL, CARD);
    assertThat(resp[2]).as("no admin answer via %s", path).doesNotContain("vk_");
    for (int i = 0; i < fx.upstream.getRequestCount(); i++) {
      RecordedRequest rec = fx.upstream.takeRequest(1, TimeUnit.SECONDS);
      assertThat(rec.getUrl().toString()).as("upstream URL for %s", path).doesNotContain(EMAIL)
          .doesNotContain("jane.doe%40").endsWith("/v1/chat/completions");
    }
  }
}
