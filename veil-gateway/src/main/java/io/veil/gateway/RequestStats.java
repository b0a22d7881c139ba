package io.veil.gateway;

import io.veil.core.EntityType;
import io.veil.store.AuditAction;
import io.veil.store.PrivacySettings;
import io.veil.store.Pseudonym;
import io.veil.store.Subject;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counters and governance facts of one request: entities removed by type, fields dropped, the
 * identified end user and their settings, the action taken. Confined to the request's thread.
 *
 * <p><b>Security:</b> {@link #subject()} holds the end user's id (possibly personal data); it is
 * never logged, and only its keyed {@link #pseudonym()} reaches the audit trail.
 */
final class RequestStats {
  private final Map<String, Integer> entities = new TreeMap<>();
  private int entityCount;
  private int fieldsDropped;
  private String keyId;
  private String tenant;
  private Subject subject;
  private Pseudonym pseudonym;
  private PrivacySettings.Mode mode = PrivacySettings.Mode.PSEUDONYMIZE;
  private PrivacySettings.Logging logging = PrivacySettings.Logging.METADATA;
  private String model;
  private String policyVersion;
  private AuditAction action;
  private String requestId;

  /** Sets the correlation id, already checked by {@link RequestId#accept}. */
  void requestId(String id) {
    this.requestId = id;
  }

  /** The correlation id; a random one is drawn on first use when none was set. */
  String requestId() {
    if (requestId == null) {
      requestId = RequestId.generate();
    }
    return requestId;
  }

  void identified(Subject s, Pseudonym p) {
    this.subject = s;
    this.pseudonym = p;
  }

  Subject subject() {
    return subject;
  }

  Pseudonym pseudonym() {
    return pseudonym;
  }

  void settings(PrivacySettings.Mode m, PrivacySettings.Logging l) {
    this.mode = m;
    this.logging = l;
  }

  PrivacySettings.Mode mode() {
    return mode;
  }

  PrivacySettings.Logging logging() {
    return logging;
  }

  void model(String m) {
    this.model = m;
  }

  String model() {
    return model;
  }

  void policyVersion(String v) {
    this.policyVersion = v;
  }

  String policyVersion() {
    return policyVersion;
  }

  void action(AuditAction a) {
    this.action = a;
  }

  AuditAction action() {
    return action;
  }

  void authenticated(String keyId, String tenant) {
    this.keyId = keyId;
    this.tenant = tenant;
  }

  String keyId() {
    return keyId;
  }

  String tenant() {
    return tenant;
  }

  void addEntities(Map<EntityType, Integer> counts) {
    counts.forEach((type, n) -> {
      entities.merge(type.name(), n, Integer::sum);
      entityCount += n;
    });
  }

  void fieldDropped() {
    fieldsDropped++;
  }

  Map<String, Integer> entities() {
    return java.util.Collections.unmodifiableMap(entities);
  }

  int entityCount() {
    return entityCount;
  }

  int fieldsDropped() {
    return fieldsDropped;
  }
}
