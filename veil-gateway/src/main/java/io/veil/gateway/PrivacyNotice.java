package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.core.EntityType;
import io.veil.core.Veil;
import io.veil.store.DataClass;
import io.veil.store.Purpose;
import io.veil.store.RetentionPolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The privacy notice, derived from the running configuration (never written by hand, so it cannot
 * drift): which provider receives what, which kinds of personal data are removed and how, retention
 * periods, consent rules per policy, and the user's rights with the routes that exercise them. JSON
 * and HTML carry the same facts; the version is a hash of the JSON, so any configuration change that
 * changes the notice changes its version (consent records name the version shown).
 *
 * <p>Thread safety: immutable.
 */
final class PrivacyNotice {
  private final ObjectNode json;
  private final String version;
  private final String html;

  PrivacyNotice(GatewayConfig config, Veil veil, RetentionPolicy retention) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    ObjectNode provider = n.putObject("provider");
    provider.put("base_url", config.upstream() == null ? "built-in mock LLM (nothing leaves this machine)"
        : config.upstream().baseUrl().toString());
    provider.put("receives", "The text of your requests after Veil has replaced the personal data listed below; "
        + "your user id only as a keyed hash; no request metadata; 'store: false' is set where the policy says so.");
    ArrayNode removed = n.putArray("personal_data_removed");
    TreeSet<String> types = new TreeSet<>();
    for (EntityType t : veil.analyzer().entityTypes()) {
      types.add(t.name());
    }
    for (String t : types) {
      EntityType type = EntityType.of(t);
      removed.addObject().put("type", t).put("replaced_by", veil.policy().operatorSpec(type).name());
    }
    ObjectNode ret = n.putObject("retention");
    for (DataClass c : DataClass.values()) {
      ret.put(c.name().toLowerCase(Locale.ROOT), human(retention.periodOf(c)));
    }
    ObjectNode policies = n.putObject("policies");
    for (GatewayPolicy p : new TreeMap<>(config.policies()).values()) {
      ObjectNode o = policies.putObject(p.name());
      o.put("profile", p.profile().wireName());
      o.put("consent_model", p.profile() == io.veil.store.RegulationProfile.GDPR
          ? "opt-in: nothing is sent for an identified user until they grant the required purposes"
          : "opt-out: processing continues until the user withdraws; a Global Privacy Control signal (Sec-GPC: 1) "
              + "withdraws sale/sharing and logging");
      ArrayNode req = o.putArray("required_purposes");
      new TreeSet<>(p.requiredPurposes()).forEach(pp -> req.add(pp.wireName()));
      o.put("request_deadline_days", p.profile().requestDeadline().toDays());
      o.put("requests_without_user_id", p.requireIdentity() ? "refused" : "processed with the default settings");
    }
    ArrayNode purposes = n.putArray("purposes");
    for (Purpose p : Purpose.values()) {
      purposes.add(p.wireName());
    }
    ArrayNode rights = n.putArray("rights");
    rights.addObject().put("right", "consent").put("how", "GET/POST /privacy/consent {purpose, granted}");
    rights.addObject().put("right", "settings").put("how",
        "GET/PUT /privacy/settings {logging: none|metadata|redacted, mode: pseudonymize|anonymize|block}");
    rights.addObject().put("right", "access").put("how", "GET /privacy/export (everything held about you, as JSON)");
    rights.addObject().put("right", "erasure").put("how", "POST /privacy/erase (signed receipt; your key is destroyed)");
    rights.addObject().put("right", "requests").put("how", "GET /privacy/requests (status and due dates)");
    n.put("authentication", "Through the service you use (it calls Veil with its key on your behalf) or a signed, "
        + "short-lived privacy link it gives you (?token=...).");
    n.put("audit", "Every request leaves a tamper-evident audit record (hash chain, signed checkpoints) with counts "
        + "and a keyed pseudonym of your id, never the content.");
    this.version = "notice-" + hash(Json.write(n));
    n.put("version", version);
    this.json = n;
    this.html = render(n);
  }

  JsonNode json() {
    return json;
  }

  String version() {
    return version;
  }

  String html() {
    return html;
  }

  private static String human(Duration d) {
    if (d.toDays() >= 1 && d.toHours() % 24 == 0) {
      return d.toDays() + " days";
    }
    if (d.toHours() >= 1 && d.toMinutes() % 60 == 0) {
      return d.toHours() + " hours";
    }
    return d.toSeconds() + " seconds";
  }

  private static String hash(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)), 0, 6);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String render(JsonNode n) {
    StringBuilder b = new StringBuilder(4096);
    b.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Privacy notice</title>"
        + "<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
        + "table{border-collapse:collapse}td,th{border:1px solid #888;padding:.2rem .5rem;text-align:left}</style>"
        + "</head><body><h1>Privacy notice</h1>");
    b.append("<p>Version <code>").append(esc(n.path("version").asText())).append("</code>. Generated from the gateway's ")
        .append("active configuration.</p>");
    b.append("<h2>Who receives your requests</h2><p>").append(esc(n.path("provider").path("base_url").asText()))
        .append("</p><p>").append(esc(n.path("provider").path("receives").asText())).append("</p>");
    b.append("<h2>Personal data removed before sending</h2><table><tr><th>Kind</th><th>Replaced by</th></tr>");
    for (JsonNode r : n.path("personal_data_removed")) {
      b.append("<tr><td>").append(esc(r.path("type").asText())).append("</td><td>")
          .append(esc(r.path("replaced_by").asText())).append("</td></tr>");
    }
    b.append("</table><h2>How long data is kept</h2><table>");
    for (Map.Entry<String, JsonNode> e : iterable(n.path("retention"))) {
      b.append("<tr><td>").append(esc(e.getKey().replace('_', ' '))).append("</td><td>")
          .append(esc(e.getValue().asText())).append("</td></tr>");
    }
    b.append("</table><h2>Consent</h2>");
    for (Map.Entry<String, JsonNode> e : iterable(n.path("policies"))) {
      JsonNode p = e.getValue();
      b.append("<h3>Policy ").append(esc(e.getKey())).append(" (").append(esc(p.path("profile").asText()))
          .append(")</h3><p>").append(esc(p.path("consent_model").asText())).append(". Required: ")
          .append(esc(p.path("required_purposes").toString())).append(". Requests answered within ")
          .append(p.path("request_deadline_days").asLong()).append(" days.</p>");
    }
    b.append("<h2>Your rights</h2><ul>");
    for (JsonNode r : n.path("rights")) {
      b.append("<li><strong>").append(esc(r.path("right").asText())).append("</strong>: <code>")
          .append(esc(r.path("how").asText())).append("</code></li>");
    }
    b.append("</ul><p>").append(esc(n.path("authentication").asText())).append("</p><p>")
        .append(esc(n.path("audit").asText())).append("</p></body></html>");
    return b.toString();
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode n) {
    return n::fields;
  }

  private static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
