package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The retention purge in chunks on a backlog larger than several chunks: exact counts, appends that do not wait
 * for the whole purge, and an audit trail that verifies after a purge stopped between chunks.
 */
@ParameterizedClass
@EnumSource(TestDatabases.class)
class RetentionChunksIT {
  static final int CHUNK = 40;
  static final int AUDIT_RECORDS = 400; // ten chunks
  static final long DAY = Duration.ofDays(1).toMillis();

  @Parameter TestDatabases backend;
  @TempDir Path keyDir;

  MutableClock clock;
  DatabaseConfig config;
  Database db;
  KeyManager km;
  AuditLog audit;
  RetentionPolicy policy;

  @BeforeEach
  void open() {
    clock = new MutableClock();
    config = backend.fresh(clock);
    db = Database.open(config);
    km = KeyManager.openOrCreate(keyDir);
    audit = new AuditLog(db, km, 7, Duration.ofDays(365)); // a checkpoint every 7 records: steps end between them
    policy = RetentionPolicy.defaults(RegulationProfile.GDPR)
        .with(DataClass.VAULT_ENTRIES, Duration.ofDays(30))
        .with(DataClass.AUDIT_RECORDS, Duration.ofDays(30))
        .with(DataClass.CONSENT_HISTORY, Duration.ofDays(30))
        .with(DataClass.PRIVACY_REQUESTS, Duration.ofDays(30));
  }

  @AfterEach
  void close() {
    db.close();
  }

  void appendAudit(int n) {
    for (int i = 0; i < n; i++) {
      audit.append(new AuditRecord("acme", null, "/v1/models", null, new TreeMap<>(), AuditAction.FORWARDED,
          "p1", 200, 1));
    }
  }

  /** Rows of every purged kind, some old and some young, interleaved; with gaps in the keys. */
  void backlog(int rows) throws Exception {
    long now = clock.millis();
    try (Connection c = jdbc()) {
      c.createStatement().executeUpdate("INSERT INTO vault_scopes (tenant, conversation) VALUES ('acme', 'c1')");
      long scope;
      try (ResultSet rs = c.createStatement().executeQuery("SELECT MAX(id) FROM vault_scopes")) {
        rs.next();
        scope = rs.getLong(1);
      }
      try (PreparedStatement v = c.prepareStatement("INSERT INTO vault_entries (scope_id, entity_type, token,"
              + " lookup_hash, subject_ref, ciphertext, created_at, expires_at) VALUES (?,?,?,?,?,?,?,?)");
          PreparedStatement e = c.prepareStatement("INSERT INTO consent_events (tenant, subject_ref, purpose,"
              + " granted, decided_at, source, notice_version, recorded_at) VALUES (?,?,?,?,?,?,?,?)");
          PreparedStatement r = c.prepareStatement("INSERT INTO privacy_requests (id, tenant, subject_ref, kind,"
              + " profile, status, received_at, due_at, closed_at) VALUES (?,?,?,?,?,?,?,?,?)")) {
        for (int i = 0; i < rows; i++) {
          long created = now - (i % 3 == 0 ? 40 : 5) * DAY;
          long expires = now + (i % 5 == 0 ? -DAY : DAY);
          v.setLong(1, scope);
          v.setString(2, "PERSON");
          v.setString(3, "<PERSON_" + i + ">");
          v.setString(4, "h" + i);
          v.setString(5, "s" + (i % 17));
          v.setBytes(6, new byte[] {1});
          v.setLong(7, created);
          v.setLong(8, expires);
          v.addBatch();
          e.setString(1, "acme");
          e.setString(2, "s" + (i % 17));
          e.setString(3, "LLM_PROCESSING");
          e.setBoolean(4, true);
          e.setLong(5, now - (i % 2 == 0 ? 60 : 1) * DAY);
          e.setString(6, "api");
          e.setString(7, "n1");
          e.setLong(8, now - (i % 2 == 0 ? 60 : 1) * DAY);
          e.addBatch();
          r.setString(1, String.format("%08d-0000-0000-0000-%012d", (i * 7919) % 100_000, i));
          r.setString(2, "acme");
          r.setString(3, "s" + (i % 17));
          r.setString(4, "ACCESS");
          r.setString(5, "GDPR");
          r.setString(6, i % 4 == 0 ? "OPEN" : "COMPLETED");
          r.setLong(7, now - 90 * DAY);
          r.setLong(8, now - 60 * DAY);
          if (i % 4 == 0) {
            r.setNull(9, java.sql.Types.BIGINT);
          } else {
            r.setLong(9, now - (i % 3 == 0 ? 1 : 45) * DAY);
          }
          r.addBatch();
        }
        v.executeBatch();
        e.executeBatch();
        r.executeBatch();
      }
      // gaps in the keys (rows deleted earlier), and current decisions that point at old events
      c.createStatement().executeUpdate("DELETE FROM vault_entries WHERE MOD(id, 11) = 0");
      c.createStatement().executeUpdate("DELETE FROM consent_events WHERE MOD(id, 13) = 0");
      c.createStatement().executeUpdate("INSERT INTO consent_state (subject_ref, purpose, tenant, granted,"
          + " last_event_id) SELECT subject_ref, 'LLM_PROCESSING', 'acme', TRUE, MIN(id) FROM consent_events"
          + " GROUP BY subject_ref");
    }
  }

  /** What the single unchunked statements the purge used to run would delete, counted before the purge. */
  long[] unchunkedCounts() throws Exception {
    long now = clock.millis();
    long cutoff = now - 30 * DAY;
    return new long[] {
        count("SELECT COUNT(*) FROM vault_entries WHERE expires_at <= ? OR created_at <= ?", now, cutoff),
        count("SELECT COUNT(*) FROM consent_events WHERE recorded_at <= ? AND id NOT IN"
            + " (SELECT last_event_id FROM consent_state WHERE last_event_id IS NOT NULL)", cutoff),
        count("SELECT COUNT(*) FROM privacy_requests WHERE closed_at IS NOT NULL AND closed_at <= ?", cutoff)};
  }

  @Test
  void chunkedCountsEqualTheUnchunkedStatementsOnABacklogOfManyChunks() throws Exception {
    backlog(CHUNK * 12);
    long[] expected = unchunkedCounts();
    assertThat(expected[0]).isGreaterThan(3 * CHUNK);
    long vaultBefore = count("SELECT COUNT(*) FROM vault_entries");
    long consentBefore = count("SELECT COUNT(*) FROM consent_events");
    long requestsBefore = count("SELECT COUNT(*) FROM privacy_requests");

    // between two chunks, what is still due has shrunk by one chunk at most: no statement deleted more
    AtomicLong due = new AtomicLong(expected[0] + expected[1] + expected[2]);
    AtomicInteger chunks = new AtomicInteger();
    RetentionPurger.Report report = new RetentionPurger(db, policy, CHUNK, () -> {
      try {
        long now = LongStream.of(unchunkedCounts()).sum();
        assertThat(due.getAndSet(now) - now).isBetween(0L, (long) CHUNK);
        chunks.incrementAndGet();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }).run();

    assertThat(chunks.get()).isGreaterThan((int) ((expected[0] + expected[1] + expected[2]) / CHUNK));
    assertThat(report.deleted().get(DataClass.VAULT_ENTRIES)).isEqualTo(expected[0]);
    assertThat(report.deleted().get(DataClass.CONSENT_HISTORY)).isEqualTo(expected[1]);
    assertThat(report.deleted().get(DataClass.PRIVACY_REQUESTS)).isEqualTo(expected[2]);
    assertThat(count("SELECT COUNT(*) FROM vault_entries")).isEqualTo(vaultBefore - expected[0]);
    assertThat(count("SELECT COUNT(*) FROM consent_events")).isEqualTo(consentBefore - expected[1]);
    assertThat(count("SELECT COUNT(*) FROM privacy_requests")).isEqualTo(requestsBefore - expected[2]);
    assertThat(unchunkedCounts()).containsExactly(0, 0, 0); // nothing due is left
    // the current decisions survive even where they are old
    assertThat(count("SELECT COUNT(*) FROM consent_state s JOIN consent_events e ON e.id = s.last_event_id"))
        .isEqualTo(17);
    assertThat(new RetentionPurger(db, policy, CHUNK, () -> {}).run().total()).isZero();
  }

  @Test
  void auditPurgeInChunksDeletesWhatOneStatementDidAndVerifies() throws Exception {
    appendAudit(AUDIT_RECORDS);
    clock.advance(Duration.ofDays(40));
    appendAudit(5);
    long anchor = newestCheckpointOlderThanThePeriod();
    AtomicInteger steps = new AtomicInteger();

    RetentionPurger.Report report = new RetentionPurger(db, policy, CHUNK, steps::incrementAndGet).run();

    assertThat(report.deleted().get(DataClass.AUDIT_RECORDS)).isEqualTo(anchor);
    assertThat(steps.get()).isGreaterThanOrEqualTo(AUDIT_RECORDS / CHUNK);
    assertThat(count("SELECT MIN(seq) FROM audit_records")).isEqualTo(anchor + 1);
    assertVerifies(AUDIT_RECORDS + 5 - anchor);
  }

  @Test
  void anAuditAppendDoesNotWaitForTheWholePurge() throws Exception {
    appendAudit(AUDIT_RECORDS);
    clock.advance(Duration.ofDays(40));
    ExecutorService appender = Executors.newSingleThreadExecutor();
    AtomicLong appendedSeq = new AtomicLong();
    AtomicLong leftWhenAppended = new AtomicLong();
    try {
      new RetentionPurger(db, policy, CHUNK, () -> {
        if (appendedSeq.get() != 0) {
          return;
        }
        // the purge is between two steps, most of it still to come: an append from another thread gets through
        Future<Long> f = appender.submit(() -> audit.append(new AuditRecord("acme", null, "/v1/models", null,
            new TreeMap<>(), AuditAction.FORWARDED, "p1", 200, 1)));
        try {
          appendedSeq.set(f.get(30, TimeUnit.SECONDS));
          leftWhenAppended.set(count("SELECT COUNT(*) FROM audit_records WHERE seq <= " + AUDIT_RECORDS));
        } catch (Exception e) {
          throw new AssertionError("an audit append waited for the purge", e);
        }
      }).run();
    } finally {
      appender.shutdownNow();
    }
    assertThat(appendedSeq.get()).isEqualTo(AUDIT_RECORDS + 1);
    assertThat(leftWhenAppended.get()).isGreaterThan(AUDIT_RECORDS / 2);
    assertThat(count("SELECT COUNT(*) FROM audit_records WHERE seq <= " + AUDIT_RECORDS)).isLessThan(CHUNK);
    AuditVerification v = new AuditVerifier(db, km).verify();
    assertThat(v.valid()).as(v.problem()).isTrue();
  }

  @Test
  void anAuditPurgeStoppedBetweenChunksLeavesATrailThatVerifies() throws Exception {
    appendAudit(AUDIT_RECORDS);
    clock.advance(Duration.ofDays(40));
    appendAudit(3);
    AtomicInteger steps = new AtomicInteger();
    RetentionPurger interrupted = new RetentionPurger(db, policy, CHUNK, () -> {
      if (steps.incrementAndGet() == 3) {
        throw new IllegalStateException("stopped"); // a crash or shutdown between two committed steps
      }
    });
    long anchor = newestCheckpointOlderThanThePeriod();
    assertThatThrownBy(interrupted::run).hasMessage("stopped");
    long left = count("SELECT COUNT(*) FROM audit_records");
    assertThat(left).isLessThan(AUDIT_RECORDS + 3).isGreaterThan(AUDIT_RECORDS / 2);
    assertVerifies(AUDIT_RECORDS + 3 - anchor); // the chain after the anchor; the rows left before it are not in it

    // the next run finishes the job: together the two delete what one uninterrupted purge would
    long second = new RetentionPurger(db, policy, CHUNK, () -> {}).run().deleted().get(DataClass.AUDIT_RECORDS);
    assertThat(AUDIT_RECORDS + 3 - left + second).isEqualTo(anchor);
    assertVerifies(AUDIT_RECORDS + 3 - anchor);
  }

  /** Where one unchunked purge would cut the trail: everything up to it goes. */
  long newestCheckpointOlderThanThePeriod() throws Exception {
    return count("SELECT MAX(k.seq) FROM audit_checkpoints k JOIN audit_records r ON r.seq = k.seq"
        + " WHERE r.recorded_at <= ?", clock.millis() - 30 * DAY);
  }

  void assertVerifies(long records) {
    AuditVerification v = new AuditVerifier(db, km).verify();
    assertThat(v.valid()).as(v.problem()).isTrue();
    assertThat(v.recordsChecked()).isEqualTo(records);
  }

  Connection jdbc() throws Exception {
    return DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
  }

  long count(String sql, long... params) throws Exception {
    try (Connection c = jdbc(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setLong(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

}
