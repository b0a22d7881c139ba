package io.veil.store;

import io.veil.core.EntityType;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One request as the audit trail records it. The type holds no free text: ids validated against
 * narrow character sets, enums, numbers and the subject's keyed {@link Pseudonym} (never its id), so
 * personal data cannot end up in the trail by accident.
 *
 * @param tenant the authenticated tenant
 * @param subject the end user's pseudonym, or null when the request had no identified user
 * @param endpoint the API path, e.g. {@code /v1/chat/completions} (1–64 chars of {@code [A-Za-z0-9_.:/+-]})
 * @param model the model id, or null (1–128 chars of {@code [A-Za-z0-9_.:/@+-]})
 * @param entityCounts how many entities of each type were found (0–1,000,000 each, at most 64 types)
 * @param action what was done
 * @param policyVersion version id of the policy applied (1–64 chars)
 * @param status the HTTP status answered, 100–599
 * @param latencyMillis time spent, 0 – 1 day
 */
public record AuditRecord(
    String tenant,
    Pseudonym subject,
    String endpoint,
    String model,
    SortedMap<EntityType, Integer> entityCounts,
    AuditAction action,
    String policyVersion,
    int status,
    long latencyMillis) {

  public AuditRecord {
    Ids.requireTenant(tenant);
    Ids.requireShortId("endpoint", endpoint);
    if (model != null) {
      Ids.requireModel(model);
    }
    Objects.requireNonNull(entityCounts, "entityCounts");
    Objects.requireNonNull(action, "action");
    Ids.requireShortId("policyVersion", policyVersion);
    if (entityCounts.size() > 64) {
      throw new IllegalArgumentException("at most 64 entity types per record");
    }
    for (Map.Entry<EntityType, Integer> e : entityCounts.entrySet()) {
      if (e.getKey() == null || e.getValue() == null || e.getValue() < 0 || e.getValue() > 1_000_000) {
        throw new IllegalArgumentException("entity counts must be 0-1000000 per type");
      }
    }
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be an HTTP status 100-599");
    }
    if (latencyMillis < 0 || latencyMillis > 86_400_000L) {
      throw new IllegalArgumentException("latencyMillis must be 0-86400000");
    }
    entityCounts = Collections.unmodifiableSortedMap(new TreeMap<>(entityCounts));
  }

  /** Canonical, order-stable text of the counts: {@code EMAIL=2;PERSON=1}. */
  String countsText() {
    StringBuilder sb = new StringBuilder();
    entityCounts.forEach((k, v) -> {
      if (!sb.isEmpty()) {
        sb.append(';');
      }
      sb.append(k.name()).append('=').append(v);
    });
    return sb.toString();
  }

  static SortedMap<EntityType, Integer> parseCounts(String text) {
    SortedMap<EntityType, Integer> m = new TreeMap<>();
    if (text == null || text.isEmpty()) {
      return m;
    }
    for (String part : text.split(";")) {
      int eq = part.indexOf('=');
      m.put(EntityType.of(part.substring(0, eq)), Integer.parseInt(part.substring(eq + 1)));
    }
    return m;
  }
}
