package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.gateway.keys.ClientKey;
import io.veil.store.AuditAction;
import io.veil.store.AuditRecord;
import io.veil.store.StoredAuditRecord;
import io.veil.store.Subject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The JSON endpoints the two web pages need beyond the governance API, mounted inside it (same
 * authentication, same error envelope):
 *
 * <pre>
 * GET  /admin/dashboard                       admin token: the last hour minute by minute ({@link DashboardSeries})
 * POST /admin/try {prompt, model?, policy?, dry_run?}
 *                                             admin token: one chat completion through the real pipeline
 * GET  /privacy/history[?limit=N]             link or key + X-Veil-User: the subject's own audit records
 * </pre>
 *
 * <p><b>Try it:</b> the prompt becomes a one-message chat completion and runs through the same stages as a
 * client's request after authentication — parse, data minimization, conversation scope, PII — with the policy
 * chosen (default: {@code default}), under the tenant {@value #TRY_TENANT} in a fresh conversation, then to the
 * <em>configured upstream</em> (the built-in mock when no provider is configured). The answer shows the exact
 * JSON body the provider received, the provider's raw answer (with the tokens) and the restored text. With
 * {@code dry_run: true} it stops before forwarding (nothing leaves; no restored answer). No end user is
 * involved, so consent and privacy settings do not apply; the call is audited as an {@code ADMIN} action of
 * {@value #TRY_TENANT}, without counts, and not counted on the dashboard.
 *
 * <p><b>History:</b> per record: time, endpoint, model, action, status, entity counts by type — the trail
 * holds no values, so neither does this. After an erasure the records are unlinked and the history is empty.
 *
 * <p>Thread safety: thread-safe (stateless apart from the shared stages).
 *
 * <p><b>Security:</b> the try-it prompt is personal data typed by the operator; it is answered to the same
 * admin-authenticated caller only and never logged. The history answers only the subject the link or the
 * key + user header names.
 */
final class ConsoleApi {
  static final String TRY_TENANT = "veil-console";
  static final int MAX_PROMPT_CHARS = 32_000;
  private static final int MAX_HISTORY = 200;

  private final GatewayConfig config;
  private final Governance gov;
  private final GatewayMetrics metrics;
  private final List<Interceptor> beforeUpstream;
  private final Interceptor upstream;

  /**
   * @param beforeUpstream the request stages after authentication, up to and including PII
   * @param upstream the stage that calls the configured provider
   */
  ConsoleApi(GatewayConfig config, Governance gov, GatewayMetrics metrics, List<Interceptor> beforeUpstream,
      Interceptor upstream) {
    this.config = config;
    this.gov = gov;
    this.metrics = metrics;
    this.beforeUpstream = List.copyOf(beforeUpstream);
    this.upstream = upstream;
  }

  /** An admin route of the console, or null when {@code p} (the path split at '/') names none. */
  GovernanceApi.Answer admin(GovernanceApi.Call call, String[] p) {
    String m = call.method();
    if (p.length == 2 && p[1].equals("dashboard") && m.equals("GET")) {
      ObjectNode out = metrics.dashboard().snapshot();
      out.put("audit_records", gov.audit().lastSeq());
      return new GovernanceApi.JsonAnswer(200, out);
    }
    if (p.length == 2 && p[1].equals("try") && m.equals("POST")) {
      return tryIt(GovernanceApi.body(call));
    }
    return null;
  }

  /** The subject's own history (privacy route {@code /privacy/history}). */
  GovernanceApi.Answer history(GovernanceApi.Call call, Subject s) {
    int limit = 50;
    String l = call.query().get("limit");
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_HISTORY) {
        throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "limit must be 1-" + MAX_HISTORY);
      }
    }
    ArrayNode arr = Json.MAPPER.createArrayNode();
    for (StoredAuditRecord sr : gov.audit().ofSubject(gov.subjectKeys().pseudonymOf(s), limit)) {
      AuditRecord r = sr.record();
      ObjectNode n = arr.addObject().put("time", sr.time().toString()).put("endpoint", r.endpoint())
          .put("action", r.action().name().toLowerCase(Locale.ROOT)).put("status", r.status());
      if (r.model() == null) {
        n.putNull("model");
      } else {
        n.put("model", r.model());
      }
      ObjectNode counts = n.putObject("entities");
      r.entityCounts().forEach((type, c) -> counts.put(type.name(), c));
    }
    return new GovernanceApi.JsonAnswer(200, Json.MAPPER.createObjectNode().set("data", arr));
  }

  private GovernanceApi.Answer tryIt(ObjectNode b) {
    JsonNode promptNode = b.get("prompt");
    if (promptNode == null || !promptNode.isTextual() || promptNode.asText().isBlank()) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "'prompt' (a non-empty string) is required");
    }
    String prompt = promptNode.asText();
    if (prompt.length() > MAX_PROMPT_CHARS) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "'prompt' is limited to " + MAX_PROMPT_CHARS
          + " characters");
    }
    String model = b.path("model").asText("gpt-4o-mini");
    if (!model.matches("[A-Za-z0-9_.:/@+-]{1,128}")) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "'model' must be 1-128 characters of [A-Za-z0-9_.:/@+-]");
    }
    String policyName = b.path("policy").asText(GatewayPolicy.DEFAULT);
    GatewayPolicy policy = config.policies().get(policyName);
    if (policy == null) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "unknown policy; configured: "
          + new java.util.TreeSet<>(config.policies().keySet()));
    }
    boolean dryRun = b.path("dry_run").asBoolean(false);

    ObjectNode chat = Json.MAPPER.createObjectNode().put("model", model);
    chat.putArray("messages").addObject().put("role", "user").put("content", prompt);
    ClientKey key = new ClientKey("vk_console", TRY_TENANT, policy.name(), 0, Instant.EPOCH, null);
    GatewayRequest request = GatewayRequest.of(Endpoint.CHAT_COMPLETIONS,
        Map.of("content-type", "application/json", ConversationScopeInterceptor.HEADER, "try-" + UUID.randomUUID()),
        Json.bytes(chat)).withKey(key, policy);
    request.stats().authenticated(key.id(), TRY_TENANT);

    ObjectNode[] forwarded = new ObjectNode[1];
    JsonNode[] providerAnswer = new JsonNode[1];
    Interceptor capture = c -> {
      forwarded[0] = c.request().json().deepCopy();
      if (dryRun) {
        return new GatewayResponse.Json(200, Map.of(), dryRunAnswer(model));
      }
      GatewayResponse r = c.proceed(c.request());
      if (r instanceof GatewayResponse.Json j) {
        providerAnswer[0] = j.body().deepCopy();
      }
      return r;
    };
    List<Interceptor> stages = new ArrayList<>(beforeUpstream);
    stages.add(capture);
    stages.add(upstream);
    GatewayResponse response = RealChain.run(stages, request);

    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("upstream", config.upstream().baseUrl().toString());
    out.put("dry_run", dryRun);
    out.put("policy", policy.name());
    out.put("status", response.status());
    out.set("forwarded", forwarded[0]);
    ObjectNode counts = out.putObject("entities");
    new TreeMap<>(request.stats().entities()).forEach(counts::put);
    if (dryRun) {
      out.putNull("provider_answer");
      out.putNull("restored_answer");
    } else {
      out.set("provider_answer", providerAnswer[0]);
      if (response instanceof GatewayResponse.Json j) {
        JsonNode content = j.body().at("/choices/0/message/content");
        if (content.isTextual()) {
          out.put("restored_answer", content.asText());
        } else {
          out.putNull("restored_answer");
        }
        if (j.status() / 100 != 2) {
          out.set("error", j.body().get("error"));
        }
      }
    }
    audit();
    return new GovernanceApi.JsonAnswer(200, out);
  }

  private static ObjectNode dryRunAnswer(String model) {
    ObjectNode a = Json.MAPPER.createObjectNode().put("id", "veil-dry-run").put("object", "chat.completion")
        .put("model", model);
    a.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
        .putObject("message").put("role", "assistant").put("content", "");
    return a;
  }

  private void audit() {
    try {
      gov.audit().append(new AuditRecord(TRY_TENANT, null, "/admin/try", null, new TreeMap<>(), AuditAction.ADMIN,
          "console", 200, 0));
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(ConsoleApi.class).error("audit record could not be written: {}",
          e.getClass().getSimpleName());
    }
  }
}
