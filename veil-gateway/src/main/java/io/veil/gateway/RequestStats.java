package io.veil.gateway;

import io.veil.core.EntityType;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counters of one request: entities removed by type and fields dropped. Holds counts only, never
 * values, so it may be logged. Confined to the request's thread.
 */
final class RequestStats {
  private final Map<String, Integer> entities = new TreeMap<>();
  private int fieldsDropped;
  private String keyId;
  private String tenant;

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
    counts.forEach((type, n) -> entities.merge(type.name(), n, Integer::sum));
  }

  void fieldDropped() {
    fieldsDropped++;
  }

  Map<String, Integer> entities() {
    return entities;
  }

  int entityCount() {
    return entities.values().stream().mapToInt(Integer::intValue).sum();
  }

  int fieldsDropped() {
    return fieldsDropped;
  }
}
