package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.gateway.ConfigLoader;
import io.veil.gateway.GatewayConfig;
import io.veil.gateway.Governance;
import io.veil.store.AuditAction;
import io.veil.store.AuditRecord;
import io.veil.store.PrivacyRequest;
import io.veil.store.RegulationProfile;
import io.veil.store.Subject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the gateway stopped, the admin commands that act on the store leave the same {@code ADMIN} audit
 * records the admin API writes for them, marked as coming from the CLI (qa3: they left none).
 */
class CliAdminAuditTest {
  @TempDir Path dir;

  /** {@code veil ARGS --data-dir DIR}, in-process. */
  private CliRun.Result veil(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--data-dir";
    all[args.length + 1] = dir.toString();
    return CliRun.cli().run(all);
  }

  private Governance open() {
    GatewayConfig cfg = ConfigLoader.load(null, Map.of()).withDataDir(dir);
    return Governance.open(cfg.governance(), dir, Map.of());
  }

  @Test
  void adminCommandsOnTheStoreAreAuditedAsCliActions() {
    CliRun.withStore(dir);
    CliRun.Result created = veil("keys", "create", "--tenant", "acme");
    assertThat(created.exit()).as(created.err()).isZero();
    Matcher id = Pattern.compile("id:\\s+(vk_\\S+)").matcher(created.out());
    assertThat(id.find()).as(created.out()).isTrue();
    CliRun.Result revoked = veil("keys", "revoke", id.group(1));
    assertThat(revoked.exit()).as(revoked.err()).isZero();

    Subject dana = new Subject("acme", "dana@example.org");
    String toVerify;
    String toDeny;
    String danaRef;
    try (Governance g = open()) {
      toVerify = g.requests().open(dana, PrivacyRequest.Kind.ACCESS, RegulationProfile.GDPR).id();
      toDeny = g.requests().open(dana, PrivacyRequest.Kind.ERASURE, RegulationProfile.GDPR).id();
      danaRef = g.subjectKeys().pseudonymOf(dana).hex();
    }
    CliRun.Result verified = veil("dsr", "verify", toVerify);
    assertThat(verified.exit()).as(verified.err()).isZero();
    CliRun.Result denied = veil("dsr", "deny", toDeny, "--reason", "excessive");
    assertThat(denied.exit()).as(denied.err()).isZero();
    CliRun.Result retention = veil("retention", "run");
    assertThat(retention.exit()).as(retention.err()).isZero();
    assertThat(retention.out()).contains("idle_subject_keys");
    CliRun.Result rotated = veil("keys", "rotate");
    assertThat(rotated.exit()).as(rotated.err()).isZero();

    try (Governance g = open()) {
      List<AuditRecord> admin = g.audit().read(1, 1000).stream().map(r -> r.record())
          .filter(r -> r.action() == AuditAction.ADMIN).toList();
      assertThat(admin).extracting(AuditRecord::endpoint).containsExactly("/admin/keys", "/admin/keys/revoke",
          "/admin/privacy-requests/verify", "/admin/privacy-requests/deny", "/admin/retention/run",
          "/admin/master-key/rotate");
      assertThat(admin).extracting(AuditRecord::policyVersion).containsOnly("cli");
      assertThat(admin).extracting(AuditRecord::tenant).containsExactly("acme", "acme", "acme", "acme", "system", "system");
      assertThat(admin.get(2).subject().hex()).as("a request move is linked to its subject").isEqualTo(danaRef);
      assertThat(admin.get(3).subject().hex()).isEqualTo(danaRef);
      assertThat(g.verifier().verify().valid()).isTrue();
    }
    assertThat(veil("audit", "verify").exit()).isZero();
  }

  /**
   * Consent recorded, an export and an erasure done on the store leave the records the API leaves for the same
   * operations (ops15: through a running gateway they did, on a stopped gateway none), source {@code cli}.
   */
  @Test
  void privacyOperationsOnTheStoreAreAuditedAsTheApiAuditsThem() throws Exception {
    CliRun.withStore(dir);
    Subject erin = new Subject("acme", "erin@example.org");
    CliRun.Result granted = veil("consent", "grant", "--tenant", "acme", "--user", erin.id(), "--purpose",
        "llm-processing", "--notice-version", "v1");
    assertThat(granted.exit()).as(granted.err()).isZero();
    Path exported = dir.resolve("erin.json");
    CliRun.Result export = veil("dsr", "export", "--tenant", "acme", "--user", erin.id(), "--out", exported.toString());
    assertThat(export.exit()).as(export.err()).isZero();
    String erinRef;
    try (Governance g = open()) {
      erinRef = g.subjectKeys().pseudonymOf(erin).hex();
    }
    CliRun.Result erased = veil("dsr", "erase", "--tenant", "acme", "--user", erin.id());
    assertThat(erased.exit()).as(erased.err()).isZero();

    try (Governance g = open()) {
      List<AuditRecord> privacy = g.audit().read(1, 1000).stream().map(r -> r.record())
          .filter(r -> r.action() != AuditAction.ADMIN).toList();
      assertThat(privacy).extracting(AuditRecord::action).containsExactly(AuditAction.PRIVACY_CHANGE,
          AuditAction.SUBJECT_EXPORT, AuditAction.SUBJECT_ERASURE);
      assertThat(privacy).extracting(AuditRecord::endpoint).containsExactly("/admin/consent", "/privacy/export",
          "/privacy/erase");
      assertThat(privacy).extracting(AuditRecord::policyVersion).containsOnly("cli");
      assertThat(privacy).extracting(AuditRecord::tenant).containsOnly("acme");
      assertThat(privacy.get(2).subject()).as("the erasure's record links no subject, as the API's").isNull();
      assertThat(g.verifier().verify().valid()).isTrue();
      assertThat(privacy.toString()).doesNotContain(erin.id()).doesNotContain(erinRef);
    }
  }
}
