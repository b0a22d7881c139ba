package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.gateway.keys.ClientKey;
import io.veil.gateway.keys.ClientKeyStore;
import io.veil.gateway.keys.IssuedKey;
import io.veil.store.AuditAction;
import io.veil.store.AuditVerification;
import io.veil.store.ConsentDecision;
import io.veil.store.ConsentStore;
import io.veil.store.ErasureReceipt;
import io.veil.store.PrivacyRequest;
import io.veil.store.Pseudonym;
import io.veil.store.PrivacySettings;
import io.veil.store.Purpose;
import io.veil.store.RegulationProfile;
import io.veil.store.StoreException;
import io.veil.store.StoreUnavailableException;
import io.veil.store.Subject;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API ({@code /admin/...}, admin token) and the end-user privacy API ({@code /privacy/...},
 * the app's virtual key plus {@code X-Veil-User}, or an encrypted privacy link). Every answer is JSON
 * (errors in the provider's envelope) except the export (streamed JSON) and the HTML notice.
 *
 * <p>Routes (see docs/notes/governance.md for bodies and answers):
 * <pre>
 * GET  /admin/keys                       POST /admin/keys {tenant, policy?, rate_per_minute?}
 * POST /admin/keys/{id}/revoke           GET  /admin/consent/stats?tenant=T
 * GET  /admin/privacy-requests?tenant=T[&amp;overdue=true | &amp;all=true]   (default: open ones)
 * POST /admin/privacy-requests/{id}/verify | /deny {reason}
 * GET  /admin/audit/verify               GET  /admin/audit/export
 * POST /admin/privacy-links {tenant, user, ttl_seconds?}   (503, no link, if its audit record cannot be written)
 * POST /admin/consent {tenant, user, purpose, granted, notice_version?, source?: admin|cli}
 * POST /admin/retention/run              POST /admin/master-key/rotate
 * GET  /admin/doctor                     (the self-audit: {status, checks:[{id,status,title,message,fix}]})
 * GET  /privacy/notice[.json|.html]      (public)
 * GET  /privacy/consent                  POST /privacy/consent {purpose, granted, notice_version?}
 * GET  /privacy/settings                 PUT|POST /privacy/settings {logging?, mode?}
 * GET  /privacy/export                   POST /privacy/erase
 * GET  /privacy/requests
 * </pre>
 * plus, when started with a {@link ConsoleApi}, its routes ({@code /admin/dashboard}, {@code /admin/try},
 * {@code /privacy/history}).
 *
 * <p><b>Security:</b> the admin token and privacy links are compared in constant time; a privacy
 * link carries its tenant and user encrypted (see {@link PrivacyLinks}), a virtual key binds the tenant (the user id comes from the app);
 * no message repeats a user id or a body.
 */
final class GovernanceApi {
  private static final Logger LOG = LoggerFactory.getLogger(GovernanceApi.class);
  static final String LINK_HEADER = "x-veil-privacy-link";
  /** Provenance values the admin consent route accepts: the operator's channels only. */
  static final java.util.List<String> ADMIN_CONSENT_SOURCES = java.util.List.of("admin", "cli");
  private static final Pattern KEY_ID = Pattern.compile("vk_[A-Za-z0-9]{1,64}");
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final GatewayConfig config;
  private final Governance gov;
  private final ClientKeyStore keys;
  private final AdminToken admin;
  private final PrivacyLinks links;
  private final PrivacyNotice notice;
  private final ConsoleApi console;
  private final Doctor doctor;

  /**
   * With {@code console} (may be null) answering the web pages' extra routes (see {@link ConsoleApi}) and
   * {@code doctor} answering {@code GET /admin/doctor}.
   */
  GovernanceApi(GatewayConfig config, Governance gov, ClientKeyStore keys, AdminToken admin, PrivacyLinks links,
      PrivacyNotice notice, ConsoleApi console, Doctor doctor) {
    this.doctor = doctor;
    this.config = config;
    this.gov = gov;
    this.keys = keys;
    this.admin = admin;
    this.links = links;
    this.notice = notice;
    this.console = console;
  }

  static boolean handles(String path) {
    return path.equals("/admin") || path.startsWith("/admin/") || path.equals("/privacy") || path.startsWith("/privacy/");
  }

  /**
   * One API call: method, path (no trailing slash), headers (lower-case names), query, body.
   *
   * <p><b>Security:</b> the headers hold the admin token, a client key or a privacy link, the query may hold a
   * privacy link ({@code token}) and the body a user id or consent text; {@code toString()} shows only the method,
   * the path, the header and query names and the body's size.
   */
  record Call(String method, String path, Map<String, String> headers, Map<String, String> query, byte[] body) {
    String header(String name) {
      return headers.get(name);
    }

    @Override
    public String toString() {
      return "Call[" + method + " " + path + ", headers=" + new java.util.TreeSet<>(headers.keySet()) + ", query="
          + new java.util.TreeSet<>(query.keySet()) + ", " + body.length + " bytes]";
    }
  }

  /** What the API answers: JSON, HTML, or a body streamed by a writer. */
  sealed interface Answer {
    int status();
  }

  /** A JSON answer. <b>Security:</b> it may hold a subject's data or a new secret; {@code toString()} shows the status only. */
  record JsonAnswer(int status, JsonNode body) implements Answer {
    @Override
    public String toString() {
      return "JsonAnswer[status=" + status + "]";
    }
  }

  record HtmlAnswer(int status, String html) implements Answer {}

  record StreamAnswer(int status, StreamBody body) implements Answer {}

  /** 405 on an existing route: the provider's error envelope, and the route's methods in {@code Allow}. */
  record MethodNotAllowed(String allow, JsonNode body) implements Answer {
    @Override
    public int status() {
      return 405;
    }
  }

  /** A route of the admin or privacy API: its path ('*' = any one segment, an id) and the methods it answers. */
  private record Route(String path, List<String> methods) {
    boolean matches(String actual) {
      String[] want = path.split("/");
      String[] got = actual.split("/");
      if (want.length != got.length) {
        return false;
      }
      for (int i = 0; i < want.length; i++) {
        if (!want[i].equals("*") && !want[i].equals(got[i])) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Every route the API answers (the console's only when it is on), for the 405 answer: a new route goes
   * into the dispatch below and here.
   */
  private static final List<Route> ROUTES = List.of(
      new Route("/admin/keys", List.of("GET", "POST")),
      new Route("/admin/keys/*/revoke", List.of("POST")),
      new Route("/admin/doctor", List.of("GET")),
      new Route("/admin/policies", List.of("GET")),
      new Route("/admin/consent/stats", List.of("GET")),
      new Route("/admin/privacy-requests", List.of("GET")),
      new Route("/admin/privacy-requests/*/verify", List.of("POST")),
      new Route("/admin/privacy-requests/*/deny", List.of("POST")),
      new Route("/admin/audit/verify", List.of("GET")),
      new Route("/admin/audit/export", List.of("GET")),
      new Route("/admin/retention/run", List.of("POST")),
      new Route("/admin/master-key/rotate", List.of("POST")),
      new Route("/admin/consent", List.of("POST")),
      new Route("/admin/privacy-links", List.of("POST")),
      new Route("/privacy/consent", List.of("GET", "POST", "PUT")),
      new Route("/privacy/settings", List.of("GET", "POST", "PUT")),
      new Route("/privacy/export", List.of("GET", "POST")),
      new Route("/privacy/erase", List.of("POST", "DELETE")),
      new Route("/privacy/requests", List.of("GET")));
  private static final List<Route> CONSOLE_ROUTES = List.of(
      new Route("/admin/dashboard", List.of("GET")),
      new Route("/admin/try", List.of("POST")),
      new Route("/privacy/history", List.of("GET")));

  /**
   * The 405 answer for a path that names a route but not with this method, or null when no route has
   * this path (then it is a 404).
   */
  private Answer methodNotAllowed(Call call) {
    for (List<Route> table : console == null ? List.of(ROUTES) : List.of(ROUTES, CONSOLE_ROUTES)) {
      for (Route r : table) {
        if (r.matches(call.path()) && !r.methods().contains(call.method())) {
          String allow = String.join(", ", r.methods());
          return new MethodNotAllowed(allow, Json.error("Method " + (METHOD.matcher(call.method()).matches()
              ? call.method() : "") + " not allowed on this route; use " + allow, ErrorCodes.TYPE_INVALID_REQUEST,
              "veil_method_not_allowed"));
        }
      }
    }
    return null;
  }

  private static final java.util.regex.Pattern METHOD = java.util.regex.Pattern.compile("[A-Z]{1,10}");

  @FunctionalInterface
  interface StreamBody {
    void writeTo(OutputStream out) throws IOException;
  }

  Answer handle(Call call) {
    try {
      return call.path().startsWith("/admin") ? adminRoute(call) : privacyRoute(call);
    } catch (GatewayException e) {
      return new JsonAnswer(e.status(), Json.error(e.getMessage(), e.type(), e.code()));
    } catch (StoreUnavailableException e) {
      GatewayException g = PrivacyInterceptor.unavailable();
      return new JsonAnswer(503, Json.error(g.getMessage(), g.type(), g.code()));
    } catch (IllegalStateException e) {
      return new JsonAnswer(409, Json.error("Conflict: " + e.getMessage(), ErrorCodes.TYPE_INVALID_REQUEST, "veil_conflict"));
    } catch (IllegalArgumentException e) {
      // store and parser validation messages name the field, never the input
      return new JsonAnswer(400, Json.error(e.getMessage(), ErrorCodes.TYPE_INVALID_REQUEST, ErrorCodes.INVALID_REQUEST));
    } catch (StoreException e) {
      LOG.error("governance API store failure: {}", e.getMessage());
      return new JsonAnswer(500, Json.error("Veil's store failed; nothing was changed", ErrorCodes.TYPE_VEIL, ErrorCodes.INTERNAL));
    }
  }

  // ---------------------------------------------------------------- admin

  private Answer adminRoute(Call call) {
    String auth = call.header("authorization");
    String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7) : null;
    if (!admin.matches(token)) {
      throw new GatewayException(401, ErrorCodes.TYPE_AUTH, "veil_invalid_admin_token",
          "Missing or wrong admin token: send 'Authorization: Bearer <admin token>' (DATA_DIR/admin-token)");
    }
    String m = call.method();
    String[] p = call.path().substring(1).split("/");
    // p[0] == "admin"
    if (p.length == 2 && p[1].equals("keys") && m.equals("GET")) {
      return ok(AdminJson.keys(keys.list()));
    }
    if (p.length == 2 && p[1].equals("keys") && m.equals("POST")) {
      ObjectNode b = body(call);
      String tenant = requiredText(b, "tenant");
      validTenant(tenant);
      String policy = b.path("policy").asText(GatewayPolicy.DEFAULT);
      if (!config.policies().containsKey(policy)) {
        throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "unknown policy; configured: " + config.policies().keySet());
      }
      int rate = (int) wholeNumber(b, "rate_per_minute", 0, 0, Integer.MAX_VALUE);
      JsonNode exp = b.get("expires_in_seconds");
      if (exp != null && !exp.isNull() && (!exp.canConvertToLong() || exp.asLong() < 1)) {
        throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "expires_in_seconds must be a positive whole number");
      }
      IssuedKey k = keys.create(tenant, policy, rate, exp == null || exp.isNull() ? null : Duration.ofSeconds(exp.asLong()));
      adminAudit(tenant, "/admin/keys");
      return new JsonAnswer(201, AdminJson.issuedKey(k.key(), k.secret()));
    }
    if (p.length == 4 && p[1].equals("keys") && p[3].equals("revoke") && m.equals("POST")) {
      String revokedTenant = KEY_ID.matcher(p[2]).matches()
          ? keys.list().stream().filter(k -> k.id().equals(p[2])).map(ClientKey::tenant).findFirst().orElse(null) : null;
      if (revokedTenant == null || !keys.revoke(p[2])) {
        throw notFound("no such key");
      }
      adminAudit(revokedTenant, "/admin/keys/revoke");
      return ok(AdminJson.revoked(p[2]));
    }
    if (p.length == 2 && p[1].equals("doctor") && m.equals("GET")) {
      return ok(doctor.examine().toJson());
    }
    if (p.length == 2 && p[1].equals("policies") && m.equals("GET")) {
      // read-only: policies come from the configuration file, so what the API shows is what runs
      ArrayNode arr = Json.MAPPER.createArrayNode();
      for (GatewayPolicy gp : new java.util.TreeMap<>(config.policies()).values()) {
        ObjectNode o = obj().put("name", gp.name()).put("version", gp.version())
            .put("max_body_bytes", gp.maxBodyBytes()).put("max_history_messages", gp.maxHistoryMessages())
            .put("force_store_false", gp.forceStoreFalse()).put("hash_user", gp.hashUser())
            .put("profile", gp.profile().name().toLowerCase(java.util.Locale.ROOT))
            .put("require_identity", gp.requireIdentity());
        ArrayNode purposes = o.putArray("required_purposes");
        new java.util.TreeSet<>(gp.requiredPurposes().stream().map(Purpose::wireName).toList()).forEach(purposes::add);
        long keyCount = keys.list().stream().filter(k -> k.policy().equals(gp.name())).count();
        o.put("keys", keyCount);
        arr.add(o);
      }
      return ok(obj().set("data", arr));
    }
    if (p.length == 3 && p[1].equals("consent") && p[2].equals("stats") && m.equals("GET")) {
      String tenant = requiredQuery(call, "tenant");
      validTenant(tenant);
      ObjectNode purposes = obj();
      gov.consent().statistics(tenant).forEach((purpose, c) ->
          purposes.set(purpose.wireName(), obj().put("granted", c.granted()).put("withdrawn", c.withdrawn())));
      return ok(obj().put("tenant", tenant).set("purposes", purposes));
    }
    if (p.length == 2 && p[1].equals("privacy-requests") && m.equals("GET")) {
      String tenant = requiredQuery(call, "tenant");
      validTenant(tenant);
      boolean overdue = flag(call, "overdue");
      boolean all = flag(call, "all");
      if (overdue && all) {
        throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "use overdue=true or all=true, not both");
      }
      List<PrivacyRequest> list = all ? gov.requests().all(tenant, 1000)
          : overdue ? gov.requests().overdue(tenant, 1000) : gov.requests().queue(tenant, 1000);
      return ok(AdminJson.requests(list));
    }
    if (p.length == 4 && p[1].equals("privacy-requests") && m.equals("POST")) {
      if (!REQUEST_ID.matcher(p[2]).matches() || !requestExists(p[2])) {
        throw notFound("no such privacy request");
      }
      PrivacyRequest r = switch (p[3]) {
        case "verify" -> gov.requests().markVerified(p[2]);
        case "deny" -> gov.requests().deny(p[2], denialReason(requiredText(body(call), "reason")));
        default -> throw notFound("unknown action; use verify or deny (erasure and export complete through /privacy or veil dsr)");
      };
      audit(r.tenant(), r.subject(), "/admin/privacy-requests/" + p[3], AuditAction.ADMIN);
      return ok(AdminJson.request(r));
    }
    if (p.length == 3 && p[1].equals("audit") && p[2].equals("verify") && m.equals("GET")) {
      AuditVerification v = gov.verifier().verify();
      return new JsonAnswer(v.valid() ? 200 : 409, AdminJson.verification(v));
    }
    if (p.length == 3 && p[1].equals("audit") && p[2].equals("export") && m.equals("GET")) {
      return new StreamAnswer(200, out -> gov.verifier().export(out));
    }
    if (p.length == 3 && p[1].equals("retention") && p[2].equals("run") && m.equals("POST")) {
      io.veil.store.RetentionPurger.Report r = gov.runRetention();
      adminAudit("system", "/admin/retention/run");
      Map<io.veil.store.DataClass, Duration> periods = new java.util.EnumMap<>(io.veil.store.DataClass.class);
      for (io.veil.store.DataClass c : io.veil.store.DataClass.values()) {
        periods.put(c, gov.retention().periodOf(c));
      }
      return ok(AdminJson.retention(periods, r));
    }
    if (p.length == 3 && p[1].equals("master-key") && p[2].equals("rotate") && m.equals("POST")) {
      int keysInSet = gov.keyManager().rotateMaster();
      int rewrapped = gov.subjectKeys().rewrapAll();
      adminAudit("system", "/admin/master-key/rotate");
      return ok(AdminJson.rotation(keysInSet, rewrapped));
    }
    if (p.length == 2 && p[1].equals("consent") && m.equals("POST")) {
      // consent recorded by the operator on the user's behalf (e.g. `veil consent grant` while the
      // gateway holds the store): provenance is the operator's channel, never "privacy-link" or "api"
      ObjectNode b = body(call);
      String tenant = requiredText(b, "tenant");
      validTenant(tenant);
      Subject s = new Subject(tenant, PrivacyInterceptor.validUser(requiredText(b, "user")));
      String source = b.path("source").asText("admin");
      if (!ADMIN_CONSENT_SOURCES.contains(source)) {
        throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "'source' must be one of " + ADMIN_CONSENT_SOURCES);
      }
      ConsentDecision d = recordConsent(s, b, source);
      privacyAudit(s, "/admin/consent", AuditAction.PRIVACY_CHANGE);
      return ok(AdminJson.decision(d));
    }
    if (p.length == 2 && p[1].equals("privacy-links") && m.equals("POST")) {
      ObjectNode b = body(call);
      String tenant = requiredText(b, "tenant");
      validTenant(tenant);
      Subject s = new Subject(tenant, PrivacyInterceptor.validUser(requiredText(b, "user")));
      long ttl = wholeNumber(b, "ttl_seconds", 900, 1, PrivacyLinks.MAX_TTL.toSeconds());
      String link = links.mint(s, Duration.ofSeconds(ttl));
      // a link is a credential to the subject's data (export, erase): who was given one belongs in the trail, and
      // none is handed out whose record could not be written (fail closed, as veil privacy link; review16)
      try {
        gov.auditAction(s.tenant(), gov.subjectKeys().pseudonymOf(s), "/admin/privacy-links", AuditAction.ADMIN,
            Governance.ActionSource.API);
      } catch (RuntimeException e) {
        LOG.error("audit record could not be written, no privacy link issued: {}", e.getClass().getSimpleName());
        throw PrivacyInterceptor.unavailable();
      }
      return new JsonAnswer(201, AdminJson.privacyLink(link, ttl));
    }
    if (console != null) {
      Answer a = console.admin(call, p);
      if (a != null) {
        return a;
      }
    }
    Answer wrongMethod = methodNotAllowed(call);
    if (wrongMethod != null) {
      return wrongMethod;
    }
    throw notFound("unknown admin route");
  }

  // ---------------------------------------------------------------- privacy

  private Answer privacyRoute(Call call) {
    String m = call.method();
    String path = call.path();
    if (path.startsWith("/privacy/notice") && m.equals("GET")) {
      boolean html = path.equals("/privacy/notice.html") || "html".equals(call.query().get("format"))
          || !path.equals("/privacy/notice.json") && call.header("accept") != null && call.header("accept").contains("text/html");
      if (!path.equals("/privacy/notice") && !path.equals("/privacy/notice.html") && !path.equals("/privacy/notice.json")) {
        throw notFound("unknown privacy route");
      }
      return html ? new HtmlAnswer(200, notice.html()) : ok(notice.json());
    }
    Caller caller = caller(call);
    Subject s = caller.subject();
    switch (path) {
      case "/privacy/consent" -> {
        if (m.equals("GET")) {
          return ok(consentJson(s, caller.profile(), PrivacyInterceptor.gpcSignal(call.header(PrivacyInterceptor.GPC_HEADER))));
        }
        if (m.equals("POST") || m.equals("PUT")) {
          ConsentDecision d = recordConsent(s, body(call), caller.source());
          privacyAudit(s, "/privacy/consent", AuditAction.PRIVACY_CHANGE);
          return ok(AdminJson.decision(d));
        }
      }
      case "/privacy/settings" -> {
        if (m.equals("GET")) {
          return ok(settingsJson(gov.settings().get(s).orElse(PrivacySettings.DEFAULT)));
        }
        if (m.equals("POST") || m.equals("PUT")) {
          ObjectNode b = body(call);
          PrivacySettings cur = gov.settings().get(s).orElse(PrivacySettings.DEFAULT);
          PrivacySettings next = new PrivacySettings(
              b.has("logging") ? PrivacySettings.Logging.fromWire(b.get("logging").asText()) : cur.logging(),
              b.has("mode") ? PrivacySettings.Mode.fromWire(b.get("mode").asText()) : cur.mode());
          gov.settings().put(s, next);
          privacyAudit(s, "/privacy/settings", AuditAction.PRIVACY_CHANGE);
          return ok(settingsJson(next));
        }
      }
      case "/privacy/export" -> {
        if (m.equals("GET") || m.equals("POST")) {
          PrivacyRequest r = gov.requests().open(s, PrivacyRequest.Kind.ACCESS, caller.profile());
          gov.requests().markVerified(r.id());
          return new StreamAnswer(200, out -> {
            gov.exporter().export(s, out);
            gov.requests().complete(r.id());
            privacyAudit(s, "/privacy/export", AuditAction.SUBJECT_EXPORT);
          });
        }
      }
      case "/privacy/erase" -> {
        if (m.equals("POST") || m.equals("DELETE")) {
          PrivacyRequest r = gov.requests().open(s, PrivacyRequest.Kind.ERASURE, caller.profile());
          gov.requests().markVerified(r.id());
          ErasureReceipt receipt = gov.erase(s);
          PrivacyRequest done = gov.requests().complete(r.id());
          adminAuditAction(s.tenant(), "/privacy/erase", AuditAction.SUBJECT_ERASURE);
          return ok(AdminJson.erasure(done, receipt, gov.keyManager().signingPublicKeyset()));
        }
      }
      case "/privacy/requests" -> {
        if (m.equals("GET")) {
          ArrayNode arr = Json.MAPPER.createArrayNode();
          gov.requests().ofSubject(s).forEach(r -> arr.add(AdminJson.request(r)));
          return ok(obj().set("data", arr));
        }
      }
      case "/privacy/history" -> {
        if (m.equals("GET") && console != null) {
          return console.history(call, s);
        }
        if (console == null) {
          throw notFound("unknown privacy route");
        }
      }
      default -> throw notFound("unknown privacy route");
    }
    Answer wrongMethod = methodNotAllowed(call);
    if (wrongMethod != null) {
      return wrongMethod;
    }
    throw new GatewayException(405, ErrorCodes.TYPE_INVALID_REQUEST, "veil_method_not_allowed",
        "method not allowed on this privacy route");
  }

  /** Records {@code {purpose, granted, notice_version?}} for the subject with the given provenance. */
  private ConsentDecision recordConsent(Subject s, ObjectNode b, String source) {
    Purpose purpose = Purpose.fromWire(requiredText(b, "purpose"));
    JsonNode g = b.get("granted");
    if (g == null || !g.isBoolean()) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "'granted' must be true or false");
    }
    String nv = b.path("notice_version").asText(notice.version());
    ConsentStore cs = gov.consent();
    return g.asBoolean() ? cs.grant(s, purpose, source, nv) : cs.withdraw(s, purpose, source, nv);
  }

  /**
   * The regulation profile a privacy link's subject is served under. A link names a tenant, not a key, so this is
   * the profile of the policies of that tenant's live keys when they agree; the configured default profile when
   * the tenant has no key or keys under policies with different profiles. (The global default answered a CCPA
   * tenant's user that nothing was permitted, and gave their privacy requests the GDPR due date.)
   */
  private RegulationProfile tenantProfile(String tenant) {
    java.util.Set<RegulationProfile> profiles = java.util.EnumSet.noneOf(RegulationProfile.class);
    for (ClientKey k : keys.list()) {
      GatewayPolicy policy = config.policies().get(k.policy());
      if (k.tenant().equals(tenant) && k.revokedAt() == null && policy != null) {
        profiles.add(policy.profile());
      }
    }
    return profiles.size() == 1 ? profiles.iterator().next() : gov.config().profile();
  }

  /** Who is calling the privacy API on behalf of which subject. */
  record Caller(Subject subject, String source, RegulationProfile profile) {}

  private Caller caller(Call call) {
    String link = call.query().get("token");
    if (link == null) {
      link = call.header(LINK_HEADER);
    }
    if (link != null) {
      Subject s = links.verify(link).orElseThrow(() -> new GatewayException(401, ErrorCodes.TYPE_AUTH,
          "veil_invalid_privacy_link", "The privacy link is invalid or has expired; ask for a new one"));
      return new Caller(s, "privacy-link", tenantProfile(s.tenant()));
    }
    String auth = call.header("authorization");
    String secret = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip()
        : call.header("api-key");
    Optional<ClientKey> key = secret == null || secret.isBlank() ? Optional.empty() : keys.authenticate(secret.strip());
    if (key.isEmpty()) {
      throw new GatewayException(401, ErrorCodes.TYPE_AUTH, ErrorCodes.INVALID_API_KEY,
          "Send the app's Veil key ('Authorization: Bearer <key>') with X-Veil-User, or a privacy link token");
    }
    String user = call.header(PrivacyInterceptor.USER_HEADER);
    if (user == null || user.isBlank()) {
      throw new GatewayException(400, ErrorCodes.TYPE_INVALID_REQUEST, ErrorCodes.USER_REQUIRED,
          "The privacy API needs the end user's id in the X-Veil-User header");
    }
    GatewayPolicy policy = config.policies().get(key.get().policy());
    RegulationProfile profile = policy == null ? gov.config().profile() : policy.profile();
    return new Caller(new Subject(key.get().tenant(), PrivacyInterceptor.validUser(user.strip())), "api", profile);
  }

  // ---------------------------------------------------------------- JSON

  /**
   * The consent view. {@code gpc}: the request carried {@code Sec-GPC: 1}; under CCPA the gateway treats
   * such requests as opted out of sale-sharing and logging, so the view says the same ({@code effective}
   * false, {@code gpc_opt_out} true) whatever is recorded.
   */
  private ObjectNode consentJson(Subject s, RegulationProfile profile, boolean gpc) {
    Map<Purpose, ConsentDecision> current = gov.consent().current(s);
    boolean gpcApplies = gpc && profile == RegulationProfile.CCPA;
    ObjectNode purposes = obj();
    for (Purpose p : Purpose.values()) {
      ConsentDecision d = current.get(p);
      ObjectNode n = obj();
      boolean optedOutByGpc = gpcApplies && (p == Purpose.SALE_SHARING || p == Purpose.LOGGING);
      n.put("effective", !optedOutByGpc && (d != null ? d.granted() : profile == RegulationProfile.CCPA));
      n.put("recorded", d != null);
      if (optedOutByGpc) {
        n.put("gpc_opt_out", true);
      }
      if (d != null) {
        n.set("decision", AdminJson.decision(d));
      }
      purposes.set(p.wireName(), n);
    }
    ArrayNode history = Json.MAPPER.createArrayNode();
    gov.consent().history(s).forEach(d -> history.add(AdminJson.decision(d)));
    ObjectNode out = obj().put("profile", profile.wireName()).put("notice_version", notice.version())
        .put("gpc", gpcApplies);
    out.set("purposes", purposes);
    out.set("history", history);
    return out;
  }

  private static ObjectNode settingsJson(PrivacySettings s) {
    return obj().put("logging", s.logging().wireName()).put("mode", s.mode().wireName());
  }

  // ---------------------------------------------------------------- audit of privacy operations

  private void privacyAudit(Subject s, String endpoint, AuditAction action) {
    audit(s.tenant(), gov.subjectKeys().pseudonymOf(s), endpoint, action);
  }

  private void adminAudit(String tenant, String endpoint) {
    adminAuditAction(tenant, endpoint, AuditAction.ADMIN);
  }

  private void adminAuditAction(String tenant, String endpoint, AuditAction action) {
    audit(tenant, null, endpoint, action);
  }

  /** One successful privacy-API or admin record: tenant, subject pseudonym (or null), endpoint, action. */
  private void audit(String tenant, Pseudonym subjectRef, String endpoint, AuditAction action) {
    try {
      gov.auditAction(tenant, subjectRef, endpoint, action, Governance.ActionSource.API);
    } catch (RuntimeException e) {
      LOG.error("audit record could not be written: {}", e.getClass().getSimpleName());
    }
  }

  // ---------------------------------------------------------------- helpers

  private static ObjectNode obj() {
    return Json.MAPPER.createObjectNode();
  }

  private static JsonAnswer ok(JsonNode n) {
    return new JsonAnswer(200, n);
  }

  private static GatewayException notFound(String what) {
    return new GatewayException(404, ErrorCodes.TYPE_INVALID_REQUEST, ErrorCodes.UNKNOWN_ENDPOINT, what);
  }

  static ObjectNode body(Call call) {
    if (call.body().length == 0) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "a JSON object body is required");
    }
    try {
      JsonNode n = Json.MAPPER.readTree(call.body());
      if (n instanceof ObjectNode o) {
        return o;
      }
    } catch (IOException e) {
      throw GatewayException.badRequest(ErrorCodes.MALFORMED_JSON, "the body is not valid JSON");
    }
    throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "the body must be a JSON object");
  }

  /**
   * An optional whole-number field: absent or null gives {@code dflt}; anything else must be an integral JSON
   * number in {@code [min, max]}. Jackson's {@code asInt}/{@code asLong} would turn {@code "x"} into the
   * default, {@code 1.5} into 1, {@code true} into 1 and wrap large numbers, so a mistyped request would
   * create a key or a link other than the one asked for.
   */
  static long wholeNumber(JsonNode b, String field, long dflt, long min, long max) {
    JsonNode n = b.get(field);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST,
          "'" + field + "' must be a whole number from " + min + " to " + max);
    }
    return n.asLong();
  }

  private static String requiredText(JsonNode b, String field) {
    JsonNode n = b.get(field);
    if (n == null || !n.isTextual() || n.asText().isBlank()) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "'" + field + "' (a non-empty string) is required");
    }
    return n.asText().strip();
  }

  private boolean requestExists(String id) {
    try {
      return gov.requests().get(id).isPresent();
    } catch (IllegalArgumentException e) {
      return false; // not an id the store could have issued
    }
  }

  private static PrivacyRequest.DenialReason denialReason(String wire) {
    for (PrivacyRequest.DenialReason r : PrivacyRequest.DenialReason.values()) {
      if (r.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-').equals(wire)) {
        return r;
      }
    }
    throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST,
        "reason must be identity-not-verified, manifestly-unfounded, excessive or legal-exemption");
  }

  /** A boolean query parameter: absent, {@code true} or {@code false}; anything else is a 400, not a silent "no". */
  private static boolean flag(Call call, String name) {
    String v = call.query().get(name);
    if (v == null || v.equals("false")) {
      return false;
    }
    if (v.equals("true")) {
      return true;
    }
    throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "query parameter '" + name + "' must be true or false");
  }

  private static String requiredQuery(Call call, String name) {
    String v = call.query().get(name);
    if (v == null || v.isBlank()) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "query parameter '" + name + "' is required");
    }
    return v;
  }

  private static void validTenant(String tenant) {
    if (!tenant.matches("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "tenant must be 1-128 characters of [A-Za-z0-9_.:-]");
    }
  }

  /** Writes an answer to the servlet response. */
  static void write(HttpServletResponse res, Answer a) {
    res.setStatus(a.status());
    res.setHeader("Cache-Control", "no-store");
    try {
      switch (a) {
        case MethodNotAllowed n -> {
          res.setHeader("Allow", n.allow());
          byte[] b = Json.bytes(n.body());
          res.setContentType("application/json");
          res.setContentLength(b.length);
          try (OutputStream out = res.getOutputStream()) {
            out.write(b);
          }
        }
        case JsonAnswer j -> {
          byte[] b = Json.bytes(j.body());
          res.setContentType("application/json");
          res.setContentLength(b.length);
          try (OutputStream out = res.getOutputStream()) {
            out.write(b);
          }
        }
        case HtmlAnswer h -> {
          byte[] b = h.html().getBytes(StandardCharsets.UTF_8);
          res.setContentType("text/html; charset=utf-8");
          res.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
          res.setContentLength(b.length);
          try (OutputStream out = res.getOutputStream()) {
            out.write(b);
          }
        }
        case StreamAnswer s -> {
          res.setContentType("application/json");
          try (OutputStream out = res.getOutputStream()) {
            s.body().writeTo(out);
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("client went away before the answer was written");
    } catch (RuntimeException e) {
      LOG.error("streamed governance answer failed: {}", e.getClass().getSimpleName());
    }
  }
}
