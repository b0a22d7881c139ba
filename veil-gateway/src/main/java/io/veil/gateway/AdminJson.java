package io.veil.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.gateway.keys.ClientKey;
import io.veil.store.AuditVerification;
import io.veil.store.ConsentDecision;
import io.veil.store.DataClass;
import io.veil.store.ErasureReceipt;
import io.veil.store.PrivacyRequest;
import io.veil.store.RetentionPurger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON of the governance records, one writer for the admin API ({@code /admin/*}, {@code /privacy/erase}) and
 * for {@code veil … --json}, so that a command prints the same document whether it opened the store itself or went
 * through a running gateway, with the API's snake_case names. Field names are a contract for scripts: add fields,
 * never rename or remove one.
 *
 * <p>Thread safety: stateless. Failure: never throws for a valid record.
 *
 * <p><b>Security:</b> these documents carry tenant names, key ids, pseudonyms (hex) and timestamps, never an end
 * user's id or personal data; the one secret is {@link #issuedKey}'s {@code secret}, to be shown once to whoever
 * created the key and never logged.
 */
public final class AdminJson {
  private AdminJson() {}

  private static ObjectNode obj() {
    return Json.MAPPER.createObjectNode();
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** A client key, never its secret: {@code id, tenant, policy, rate_per_minute, created_at, revoked[, revoked_at][, expires_at, expired]}. */
  public static ObjectNode key(ClientKey k) {
    ObjectNode n = obj().put("id", k.id()).put("tenant", k.tenant()).put("policy", k.policy())
        .put("rate_per_minute", k.ratePerMinute()).put("created_at", k.createdAt().toString())
        .put("revoked", k.revoked());
    if (k.revokedAt() != null) {
      n.put("revoked_at", k.revokedAt().toString());
    }
    if (k.expiresAt() != null) {
      n.put("expires_at", k.expiresAt().toString());
      n.put("expired", k.expiredAt(Instant.now()));
    }
    return n;
  }

  /** {@code {"data":[key, …]}}. */
  public static ObjectNode keys(List<ClientKey> keys) {
    return data(keys, AdminJson::key);
  }

  /** {@code {"data":[…]}}: the admin API's list envelope. */
  private static <T> ObjectNode data(List<T> items, java.util.function.Function<T, ObjectNode> each) {
    ObjectNode out = obj();
    ArrayNode arr = out.putArray("data");
    items.forEach(i -> arr.add(each.apply(i)));
    return out;
  }

  /** A key just created: {@link #key} and its {@code secret}. <b>Security:</b> the one document with a secret. */
  public static ObjectNode issuedKey(ClientKey k, String secret) {
    return key(k).put("secret", secret);
  }

  /** {@code {"id":…,"revoked":true}}. */
  public static ObjectNode revoked(String id) {
    return obj().put("id", id).put("revoked", true);
  }

  /**
   * A privacy link just minted: {@code token, expires_in} (seconds), {@code path} (the consent page with the token
   * in the query) and {@code center_path} (the Privacy Center, the token in the URL fragment, which browsers never
   * send). <b>Security:</b> the token is a credential to the subject's data until it expires; shown to whoever asked
   * for it, never logged.
   */
  public static ObjectNode privacyLink(String token, long expiresInSeconds) {
    return obj().put("token", token).put("expires_in", expiresInSeconds)
        .put("path", "/privacy/consent?token=" + token)
        .put("center_path", ConsolePages.PRIVACY_PATH + "#token=" + token);
  }

  /** {@code {"keys_in_keyset":…,"rewrapped":…}}: a master-key rotation. */
  public static ObjectNode rotation(int keysInKeyset, int rewrapped) {
    return obj().put("keys_in_keyset", keysInKeyset).put("rewrapped", rewrapped);
  }

  /**
   * A retention run: {@code periods} (ISO-8601 durations) and {@code deleted} (counts) per data class, lower case,
   * every class listed (0 where nothing was deleted), and {@code deleted.idle_subject_keys}.
   */
  public static ObjectNode retention(Map<DataClass, Duration> periods, RetentionPurger.Report report) {
    ObjectNode p = obj();
    ObjectNode d = obj();
    for (DataClass c : DataClass.values()) {
      p.put(lower(c), periods.get(c).toString());
      d.put(lower(c), report.deleted().getOrDefault(c, 0L));
    }
    d.put("idle_subject_keys", report.subjectKeysPurged());
    ObjectNode out = obj();
    out.set("periods", p);
    out.set("deleted", d);
    return out;
  }

  /** A data-subject request; {@code subject} is the pseudonym's hex, never the user's id. */
  public static ObjectNode request(PrivacyRequest r) {
    ObjectNode n = obj().put("id", r.id()).put("tenant", r.tenant()).put("subject", r.subject().hex())
        .put("kind", lower(r.kind())).put("profile", r.profile().wireName()).put("status", lower(r.status()))
        .put("received_at", r.receivedAt().toString()).put("due_at", r.dueAt().toString()).put("overdue", r.overdue());
    r.verifiedAt().ifPresent(t -> n.put("verified_at", t.toString()));
    r.closedAt().ifPresent(t -> n.put("closed_at", t.toString()));
    r.denialReason().ifPresent(d -> n.put("denial_reason", lower(d)));
    return n;
  }

  /** {@code {"data":[request, …]}}. */
  public static ObjectNode requests(List<PrivacyRequest> list) {
    return data(list, AdminJson::request);
  }

  /**
   * A completed erasure: {@code request}, the signed {@code receipt}, the {@code public_keyset} that verifies it.
   *
   * @throws IllegalStateException if the receipt's own JSON does not parse (a bug)
   */
  public static ObjectNode erasure(PrivacyRequest done, ErasureReceipt receipt, String publicKeyset) {
    ObjectNode out = obj();
    out.set("request", request(done));
    try {
      out.set("receipt", Json.MAPPER.readTree(receipt.toJson()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("receipt not JSON");
    }
    out.put("public_keyset", publicKeyset);
    return out;
  }

  /** An audit-trail verification: {@code valid, records_checked, checkpoints_checked, last_signed_seq, problem[, first_bad_seq]}. */
  public static ObjectNode verification(AuditVerification v) {
    ObjectNode n = obj().put("valid", v.valid()).put("records_checked", v.recordsChecked())
        .put("checkpoints_checked", v.checkpointsChecked()).put("last_signed_seq", v.lastSignedSeq())
        .put("problem", v.problem());
    if (v.firstBadSeq().isPresent()) {
      n.put("first_bad_seq", v.firstBadSeq().getAsLong());
    }
    return n;
  }

  /** A consent decision: {@code purpose, granted, decided_at, source, notice_version}. */
  public static ObjectNode decision(ConsentDecision d) {
    return decision(d.purpose().wireName(), d.granted(), d.decidedAt().toString(), d.source(), d.noticeVersion());
  }

  /** A consent decision from its printed parts (the CLI reads them back from the API). */
  public static ObjectNode decision(String purpose, boolean granted, String decidedAt, String source,
      String noticeVersion) {
    return obj().put("purpose", purpose).put("granted", granted).put("decided_at", decidedAt).put("source", source)
        .put("notice_version", noticeVersion);
  }
}
