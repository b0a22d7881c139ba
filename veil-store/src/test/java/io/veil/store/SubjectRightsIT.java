package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.core.EntityType;
import io.veil.core.Scope;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Access (export) and erasure of one subject, and retention, end to end. */
@ParameterizedClass
@EnumSource(TestDatabases.class)
class SubjectRightsIT {
  @Parameter TestDatabases backend;
  @TempDir Path keyDir;

  static final Subject ALICE = new Subject("acme", "alice@example.org");
  static final Subject BOB = new Subject("acme", "bob@example.org");
  static final Scope SCOPE = new Scope("acme", "c1");

  MutableClock clock;
  DatabaseConfig config;
  Database db;
  KeyManager km;
  SubjectKeys keys;
  JdbcTokenVault vault;
  AuditLog audit;
  ConsentStore consents;
  PrivacySettingsStore settings;

  @BeforeEach
  void open() {
    clock = new MutableClock();
    config = backend.fresh(clock);
    db = Database.open(config);
    km = KeyManager.openOrCreate(keyDir);
    keys = new SubjectKeys(db, km);
    vault = new JdbcTokenVault(db, keys, Duration.ofHours(24), SubjectResolver.perConversation());
    audit = new AuditLog(db, km, 3, Duration.ofMinutes(5));
    consents = new ConsentStore(db, keys);
    settings = new PrivacySettingsStore(db, keys);
  }

  @AfterEach
  void close() {
    db.close();
  }

  void populate(Subject s, String name) {
    vault.tokenize(SCOPE, s, EntityType.PERSON, name, n -> "<PERSON_" + n + ">");
    vault.tokenize(SCOPE, s, EntityType.EMAIL, s.id(), n -> "<EMAIL_" + n + ">");
    consents.grant(s, Purpose.LLM_PROCESSING, "api", "n1");
    settings.put(s, new PrivacySettings(PrivacySettings.Logging.NONE, PrivacySettings.Mode.PSEUDONYMIZE));
    TreeMap<EntityType, Integer> counts = new TreeMap<>();
    counts.put(EntityType.PERSON, 1);
    for (int i = 0; i < 2; i++) {
      audit.append(new AuditRecord("acme", keys.pseudonymOf(s), "/v1/chat/completions", "gpt-4o", counts,
          AuditAction.PSEUDONYMIZED, "p1", 200, 10));
    }
  }

  JsonNode export(Subject s) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new SubjectExporter(db, keys).export(s, out);
    return new ObjectMapper().readTree(out.toByteArray());
  }

  @Test
  void exportHoldsEverythingAboutTheSubjectAndNothingElse() throws Exception {
    populate(ALICE, "Alice Archer");
    populate(BOB, "Bob Baker");
    new PrivacyRequestStore(db, keys).open(ALICE, PrivacyRequest.Kind.ACCESS, RegulationProfile.GDPR);
    JsonNode e = export(ALICE);
    assertThat(e.get("subject").get("id").asText()).isEqualTo(ALICE.id());
    assertThat(e.get("settings").get("logging").asText()).isEqualTo("none");
    assertThat(e.get("consent").get("current").get(0).get("purpose").asText()).isEqualTo("llm-processing");
    assertThat(e.get("consent").get("history")).hasSize(1);
    assertThat(e.get("privacy_requests")).hasSize(1);
    assertThat(e.get("vault_entries")).hasSize(2);
    assertThat(e.get("vault_entries").toString()).contains("Alice Archer").doesNotContain("Bob");
    assertThat(e.get("audit_records")).hasSize(2);
  }

  @Test
  void exportStreamsLargeSubjectsWithBoundedMemory() throws Exception {
    for (int i = 0; i < 500; i++) {
      vault.tokenize(SCOPE, ALICE, EntityType.PERSON, "Person number " + i, n -> "<PERSON_" + n + ">");
    }
    long[] bytes = {0};
    OutputStream counting = new OutputStream() {
      @Override
      public void write(int b) {
        bytes[0]++;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        bytes[0] += len;
      }
    };
    new SubjectExporter(db, keys).export(ALICE, counting);
    assertThat(bytes[0]).isGreaterThan(500L * 50);
  }

  @Test
  void erasureShredsUnlinksAndSignsAReceipt() throws Exception {
    populate(ALICE, "Alice Archer");
    populate(BOB, "Bob Baker");
    ErasureReceipt r = new SubjectEraser(db, keys, km).erase(ALICE);
    assertThat(r.vaultEntriesDeleted()).isEqualTo(2);
    assertThat(r.subjectKeyDestroyed()).isTrue();
    assertThat(r.auditRecordsUnlinked()).isEqualTo(2);
    assertThat(r.consentRecordsDeleted()).isEqualTo(2);
    assertThat(r.settingsDeleted()).isTrue();
    assertThat(r.verify(km.signingPublicKeyset())).isTrue();
    ErasureReceipt forged = new ErasureReceipt(r.receiptId(), r.tenant(), r.subject(), r.erasedAt(), 99,
        r.subjectKeyDestroyed(), r.auditRecordsUnlinked(), r.consentRecordsDeleted(), r.settingsDeleted(), r.signature());
    assertThat(forged.verify(km.signingPublicKeyset())).isFalse();
    assertThat(r.toJson()).doesNotContain("alice");

    assertThat(keys.hasKey(ALICE)).isFalse();
    assertThat(consents.current(ALICE)).isEmpty();
    assertThat(settings.get(ALICE)).isEmpty();
    JsonNode e = export(ALICE);
    assertThat(e.get("vault_entries")).isEmpty();
    assertThat(e.get("audit_records")).isEmpty();
    // Bob is untouched and the chain still verifies
    assertThat(export(BOB).get("vault_entries")).hasSize(2);
    AuditVerification v = new AuditVerifier(db, km).verify();
    assertThat(v.valid()).as(v.problem()).isTrue();
    assertThat(v.recordsChecked()).isEqualTo(4);
    try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM audit_records WHERE subject_ref = '"
            + r.subject() + "'")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }

  @Test
  void retentionPurgesExpiredRowsFromTheDatabase() throws Exception {
    populate(ALICE, "Alice Archer"); // 2 audit records at t0
    consents.withdraw(ALICE, Purpose.LLM_PROCESSING, "api", "n1"); // supersedes the grant
    PrivacyRequestStore requests = new PrivacyRequestStore(db, keys);
    PrivacyRequest req = requests.open(ALICE, PrivacyRequest.Kind.ACCESS, RegulationProfile.GDPR);
    requests.deny(req.id(), PrivacyRequest.DenialReason.EXCESSIVE);
    PrivacyRequest open = requests.open(ALICE, PrivacyRequest.Kind.ERASURE, RegulationProfile.GDPR);
    TreeMap<EntityType, Integer> none = new TreeMap<>();
    audit.append(new AuditRecord("acme", null, "/v1/models", null, none, AuditAction.FORWARDED, "p1", 200, 1));
    // records 1..3 with a checkpoint at 3; two more later
    clock.advance(Duration.ofDays(200));
    audit.append(new AuditRecord("acme", null, "/v1/models", null, none, AuditAction.FORWARDED, "p1", 200, 1));
    audit.append(new AuditRecord("acme", null, "/v1/models", null, none, AuditAction.FORWARDED, "p1", 200, 1));

    RetentionPolicy policy = RetentionPolicy.defaults(RegulationProfile.GDPR)
        .with(DataClass.CONSENT_HISTORY, Duration.ofDays(30))
        .with(DataClass.PRIVACY_REQUESTS, Duration.ofDays(30));
    RetentionPurger.Report report = new RetentionPurger(db, policy).run();
    assertThat(report.deleted().get(DataClass.VAULT_ENTRIES)).isEqualTo(2);
    assertThat(report.deleted().get(DataClass.AUDIT_RECORDS)).isEqualTo(3);
    assertThat(report.deleted().get(DataClass.CONSENT_HISTORY)).isEqualTo(1);
    assertThat(report.deleted().get(DataClass.PRIVACY_REQUESTS)).isEqualTo(1);

    assertThat(count("vault_entries")).isZero();
    assertThat(count("audit_records")).isEqualTo(2);
    assertThat(count("consent_events")).isEqualTo(1);
    assertThat(count("privacy_requests")).isEqualTo(1);
    assertThat(requests.get(open.id())).isPresent();
    assertThat(consents.current(ALICE, Purpose.LLM_PROCESSING).orElseThrow().granted()).isFalse();
    AuditVerification v = new AuditVerifier(db, km).verify();
    assertThat(v.valid()).as(v.problem()).isTrue();
    assertThat(v.recordsChecked()).isEqualTo(2);
    assertThat(new RetentionPurger(db, policy).run().total()).isZero();
    // deleting the anchor checkpoint after a purge is detected
    try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password())) {
      c.createStatement().executeUpdate("DELETE FROM audit_checkpoints WHERE seq = 3");
    }
    assertThat(new AuditVerifier(db, km).verify().valid()).isFalse();
  }

  long count(String table) throws Exception {
    try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
