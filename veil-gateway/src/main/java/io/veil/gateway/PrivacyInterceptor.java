package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.store.ConsentDecision;
import io.veil.store.PrivacySettings;
import io.veil.store.Purpose;
import io.veil.store.RegulationProfile;
import io.veil.store.StoreException;
import io.veil.store.StoreUnavailableException;
import io.veil.store.Subject;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Identity, consent and privacy settings, before anything else touches the request's content:
 * <ol>
 *   <li>the end user is the {@code X-Veil-User} header, else the body's {@code user} field (read here,
 *       before minimization replaces it with a hash); the subject is (key's tenant, that id);
 *   <li>the database is checked first: unreachable → 503 {@code veil_store_unavailable}, nothing forwarded;
 *   <li>an identified user must hold the consent the policy requires: GDPR counts only a recorded
 *       grant (opt-in), CCPA everything but a recorded withdrawal (opt-out); {@code Sec-GPC: 1} under CCPA
 *       withdraws {@code sale-sharing} and {@code logging} for the request, and for an identified user it
 *       is also recorded as a withdrawal of {@code sale-sharing} (source {@code gpc}, 11 CCR §7025: the
 *       signal is the consumer's opt-out request, applied to the known consumer), once per change, with a
 *       {@code PRIVACY_CHANGE} audit record. Missing → 403 {@code consent_required};
 *   <li>the user's settings ({@code mode}, {@code logging}) go into the request's stats for the later stages;
 *   <li>a request without a user is refused when the policy says {@code requireIdentity}, else processed
 *       with the default settings and audited without a subject.
 * </ol>
 *
 * <p><b>Security:</b> fail closed on every store failure. Error messages never repeat the user id.
 */
final class PrivacyInterceptor implements Interceptor {
  static final String USER_HEADER = "x-veil-user";
  static final String GPC_HEADER = "sec-gpc";
  private static final Logger LOG = LoggerFactory.getLogger(PrivacyInterceptor.class);
  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/@+-]{0,127}");
  /** An e-mail address inside a model name: '@' then a dotted domain ending in letters. */
  private static final Pattern EMAIL_SHAPE = Pattern.compile("@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");

  private final Governance governance;

  PrivacyInterceptor(Governance governance) {
    this.governance = governance;
  }

  /**
   * The model name as the audit record may hold it, or null. The field is the client's free text:
   * only a name shaped like a model id is kept, and never one that holds an e-mail address
   * ({@code "model": "jane@example.com"} would otherwise land in the audit trail verbatim).
   * {@code @} stays allowed for version suffixes such as {@code claude-3-5-sonnet@20240620}.
   */
  static String auditableModel(String model) {
    if (model == null || !MODEL.matcher(model).matches() || EMAIL_SHAPE.matcher(model).find()) {
      return null;
    }
    return model;
  }

  @Override
  public GatewayResponse intercept(Chain chain) {
    GatewayRequest request = chain.request();
    RequestStats stats = request.stats();
    GatewayPolicy policy = request.policy();
    stats.policyVersion(policy.version());
    if (request.json() != null) {
      JsonNode m = request.json().get("model");
      if (m != null && m.isTextual()) {
        stats.model(auditableModel(m.asText()));
      }
    }
    String userId = userId(request);
    boolean gpc = gpcSignal(request.header(GPC_HEADER));
    try {
      governance.database().ping();
      if (userId == null) {
        if (policy.requireIdentity()) {
          throw new GatewayException(403, ErrorCodes.TYPE_PERMISSION, ErrorCodes.USER_REQUIRED,
              "This policy requires the end user's id (X-Veil-User header or the 'user' field); nothing was forwarded");
        }
        PrivacySettings.Logging logging = gpc && policy.profile() == RegulationProfile.CCPA
            ? PrivacySettings.Logging.NONE : PrivacySettings.DEFAULT.logging();
        stats.settings(PrivacySettings.DEFAULT.mode(), logging);
        return chain.proceed(request);
      }
      Subject subject = new Subject(request.key().tenant(), userId);
      stats.identified(subject, governance.subjectKeys().pseudonymOf(subject));
      if (gpc && policy.profile() == RegulationProfile.CCPA) {
        recordGpcOptOut(subject);
      }
      // listing models sends nothing of the user's: consent governs requests that carry content
      for (Purpose p : request.endpoint().hasBody() ? policy.requiredPurposes() : Set.<Purpose>of()) {
        if (!permitted(subject, p, policy.profile(), gpc)) {
          throw new GatewayException(403, ErrorCodes.TYPE_PERMISSION, ErrorCodes.CONSENT_REQUIRED,
              "The end user has not given consent to '" + p.wireName() + "' (" + policy.profile().wireName()
                  + " profile); nothing was forwarded. Record it with POST /privacy/consent");
        }
      }
      PrivacySettings settings = governance.settings().get(subject).orElse(PrivacySettings.DEFAULT);
      PrivacySettings.Logging logging = permitted(subject, Purpose.LOGGING, RegulationProfile.CCPA, gpc
          && policy.profile() == RegulationProfile.CCPA) ? settings.logging() : PrivacySettings.Logging.NONE;
      stats.settings(settings.mode(), logging);
    } catch (StoreUnavailableException e) {
      throw unavailable();
    } catch (StoreException e) {
      LOG.error("governance lookup failed: {}", e.getMessage());
      throw unavailable();
    }
    return chain.proceed(request);
  }

  /** The notice version a withdrawal recorded from the browser signal names: no notice was shown for it. */
  static final String GPC_NOTICE = "sec-gpc";

  /**
   * An identified user's GPC signal under CCPA is their request to opt out of sale and sharing: recorded as
   * a withdrawal of {@code sale-sharing} unless the current decision already is one, so that the
   * consent view, the consent statistics and every later request of the user (with or without the
   * signal, on any device) agree with how this request is treated.
   */
  private void recordGpcOptOut(Subject subject) {
    Optional<ConsentDecision> current = governance.consent().current(subject, Purpose.SALE_SHARING);
    if (current.isPresent() && !current.get().granted()) {
      return;
    }
    governance.consent().withdraw(subject, Purpose.SALE_SHARING, Governance.ActionSource.GPC.recorded(), GPC_NOTICE);
    governance.auditAction(subject.tenant(), governance.subjectKeys().pseudonymOf(subject), "/privacy/consent",
        io.veil.store.AuditAction.PRIVACY_CHANGE, Governance.ActionSource.GPC);
  }

  /**
   * Whether the subject may be processed for {@code purpose}: a recorded decision wins; without one,
   * GDPR says no (opt-in) and CCPA yes (opt-out); under CCPA a GPC signal withdraws sale-sharing and
   * logging whatever was recorded.
   */
  private boolean permitted(Subject subject, Purpose purpose, RegulationProfile profile, boolean gpc) {
    if (gpc && profile == RegulationProfile.CCPA && (purpose == Purpose.SALE_SHARING || purpose == Purpose.LOGGING)) {
      return false;
    }
    Optional<ConsentDecision> d = governance.consent().current(subject, purpose);
    if (d.isPresent()) {
      return d.get().granted();
    }
    return profile == RegulationProfile.CCPA;
  }

  static GatewayException unavailable() {
    return new GatewayException(503, ErrorCodes.TYPE_UNAVAILABLE, ErrorCodes.STORE_UNAVAILABLE,
        "Veil's database is unreachable; the request was not forwarded");
  }

  /** The end user's id: the header, else the body's {@code user}; null if neither. */
  static String userId(GatewayRequest request) {
    String h = request.header(USER_HEADER);
    if (h != null) {
      return validUser(h.strip());
    }
    if (request.json() != null) {
      JsonNode u = request.json().get("user");
      if (u != null && u.isTextual() && !u.asText().isBlank()) {
        return validUser(u.asText().strip());
      }
    }
    return null;
  }

  static String validUser(String id) {
    if (id.isEmpty() || id.length() > 256 || id.chars().anyMatch(Character::isISOControl)) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_USER,
          "The end user's id (X-Veil-User or 'user') must be 1-256 characters without control characters");
    }
    return id;
  }

  private static String strip(String s) {
    return s == null ? null : s.strip();
  }

  /** True when a {@code Sec-GPC} header value is the Global Privacy Control signal ({@code 1}). */
  static boolean gpcSignal(String headerValue) {
    return "1".equals(strip(headerValue));
  }
}
