package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The result of {@link Doctor#examine()}: every check in a fixed order, and the overall status (the
 * worst check). Its JSON form is the wire contract of {@code GET /admin/doctor} and
 * {@code veil doctor --json}:
 *
 * <pre>{"status":"ok|warn|fail","checks":[{"id":"...","status":"ok|warn|fail","title":"...","message":"...","fix":"..."}]}</pre>
 *
 * <p>Thread safety: immutable.
 */
public record DoctorReport(DoctorStatus status, List<DoctorCheck> checks) {
  public DoctorReport {
    Objects.requireNonNull(status, "status");
    checks = List.copyOf(checks);
  }

  /** A report over these checks; its status is the worst of them (ok when empty). */
  public static DoctorReport of(List<DoctorCheck> checks) {
    DoctorStatus s = DoctorStatus.OK;
    for (DoctorCheck c : checks) {
      s = s.worst(c.status());
    }
    return new DoctorReport(s, checks);
  }

  /** The check with this id, if present. */
  public java.util.Optional<DoctorCheck> check(String id) {
    return checks.stream().filter(c -> c.id().equals(id)).findFirst();
  }

  /**
   * This report with the checks of {@code other} replacing those of the same id (and appended where
   * this report has none); used to fill in store checks answered by a running gateway.
   */
  public DoctorReport replacing(List<DoctorCheck> other) {
    Map<String, DoctorCheck> byId = new LinkedHashMap<>();
    checks.forEach(c -> byId.put(c.id(), c));
    other.forEach(c -> byId.put(c.id(), c));
    return of(new ArrayList<>(byId.values()));
  }

  /** The wire form. */
  public ObjectNode toJson() {
    ObjectNode root = Json.MAPPER.createObjectNode().put("status", status.wireName());
    ArrayNode arr = root.putArray("checks");
    for (DoctorCheck c : checks) {
      arr.addObject().put("id", c.id()).put("status", c.status().wireName()).put("title", c.title())
          .put("message", c.message()).put("fix", c.fix());
    }
    return root;
  }

  /**
   * Reads the wire form (as a running gateway answers it).
   *
   * @throws IllegalArgumentException if it does not have the shape
   */
  public static DoctorReport fromJson(JsonNode root) {
    if (root == null || !root.path("checks").isArray()) {
      throw new IllegalArgumentException("not a doctor report");
    }
    List<DoctorCheck> out = new ArrayList<>();
    for (JsonNode c : root.path("checks")) {
      out.add(new DoctorCheck(c.path("id").asText(), status(c.path("status").asText()), c.path("title").asText(),
          c.path("message").asText(), c.path("fix").asText("")));
    }
    return of(out);
  }

  private static DoctorStatus status(String wire) {
    try {
      return DoctorStatus.valueOf(wire.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown check status");
    }
  }

  /** Human-readable: one block per check, problems first, then a summary line. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    List<DoctorCheck> sorted = new ArrayList<>(checks);
    sorted.sort((a, b) -> b.status().compareTo(a.status()));
    for (DoctorCheck c : sorted) {
      sb.append(String.format(Locale.ROOT, "%-4s  %-24s %s%n", c.status().name(), c.id(), c.title()));
      sb.append("      ").append(c.message()).append(System.lineSeparator());
      if (!c.fix().isEmpty()) {
        sb.append("      fix: ").append(c.fix()).append(System.lineSeparator());
      }
    }
    long warn = checks.stream().filter(c -> c.status() == DoctorStatus.WARN).count();
    long fail = checks.stream().filter(c -> c.status() == DoctorStatus.FAIL).count();
    sb.append(System.lineSeparator()).append("veil doctor: ").append(status.wireName()).append(" (")
        .append(checks.size()).append(" checks, ").append(fail).append(fail == 1 ? " failure, " : " failures, ")
        .append(warn).append(warn == 1 ? " warning)" : " warnings)").append(System.lineSeparator());
    return sb.toString();
  }
}
