package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.core.EntityType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(TestDatabases.class)
class AuditLogIT {
  @Parameter TestDatabases backend;
  @TempDir Path keyDir;

  MutableClock clock;
  DatabaseConfig config;
  Database db;
  KeyManager keys;
  SubjectKeys subjectKeys;
  AuditLog log;
  AuditVerifier verifier;

  @BeforeEach
  void open() {
    clock = new MutableClock();
    config = backend.fresh(clock);
    db = Database.open(config);
    keys = KeyManager.openOrCreate(keyDir);
    subjectKeys = new SubjectKeys(db, keys);
    log = new AuditLog(db, keys, 5, Duration.ofMinutes(10));
    verifier = new AuditVerifier(db, keys);
  }

  @AfterEach
  void close() {
    db.close();
  }

  AuditRecord record(String user) {
    TreeMap<EntityType, Integer> counts = new TreeMap<>();
    counts.put(EntityType.PERSON, 2);
    counts.put(EntityType.EMAIL, 1);
    return new AuditRecord("acme", user == null ? null : subjectKeys.pseudonymOf(new Subject("acme", user)),
        "/v1/chat/completions", "gpt-4o-mini", counts, AuditAction.PSEUDONYMIZED, "policy-3", 200, 42);
  }

  void appendN(int n) {
    for (int i = 0; i < n; i++) {
      log.append(record(i % 3 == 0 ? null : "user-" + (i % 4)));
      clock.advance(Duration.ofSeconds(1));
    }
  }

  void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
        Statement s = c.createStatement()) {
      s.executeUpdate(statement);
    }
  }

  @Test
  void intactChainVerifies() {
    appendN(12);
    AuditVerification v = verifier.verify();
    assertThat(v.valid()).as(v.problem()).isTrue();
    assertThat(v.recordsChecked()).isEqualTo(12);
    assertThat(v.checkpointsChecked()).isEqualTo(2);
    assertThat(v.lastSignedSeq()).isEqualTo(10);
    assertThat(log.checkpoint()).isEqualTo(12);
    assertThat(verifier.verify().lastSignedSeq()).isEqualTo(12);
  }

  @Test
  void timeBasedCheckpoints() {
    AuditLog slow = new AuditLog(db, keys, 1000, Duration.ofSeconds(30));
    slow.append(record("a")); // starts the timer
    clock.advance(Duration.ofSeconds(10));
    slow.append(record("a"));
    clock.advance(Duration.ofSeconds(31));
    slow.append(record("a"));
    AuditVerification v = verifier.verify();
    assertThat(v.valid()).isTrue();
    assertThat(v.lastSignedSeq()).isEqualTo(3);
    assertThat(v.checkpointsChecked()).isEqualTo(1);
  }

  @Test
  void changedFieldIsDetected() throws Exception {
    appendN(12);
    sql("UPDATE audit_records SET status = 500 WHERE seq = 7");
    AuditVerification v = verifier.verify();
    assertThat(v.valid()).isFalse();
    assertThat(v.firstBadSeq()).hasValue(7);
  }

  @Test
  void changedSubjectIsDetected() throws Exception {
    appendN(12);
    String other = subjectKeys.pseudonymOf(new Subject("acme", "someone-else")).hex();
    sql("UPDATE audit_records SET subject_ref = '" + other + "' WHERE seq = 2");
    assertThat(verifier.verify().firstBadSeq()).hasValue(2);
  }

  @Test
  void deletedRowIsDetected() throws Exception {
    appendN(12);
    sql("DELETE FROM audit_records WHERE seq = 4");
    AuditVerification v = verifier.verify();
    assertThat(v.valid()).isFalse();
    assertThat(v.firstBadSeq()).hasValue(4);
  }

  @Test
  void reorderedRowsAreDetected() throws Exception {
    appendN(12);
    sql("UPDATE audit_records SET seq = -1 WHERE seq = 3");
    sql("UPDATE audit_records SET seq = 3 WHERE seq = 4");
    sql("UPDATE audit_records SET seq = 4 WHERE seq = -1");
    AuditVerification v = verifier.verify();
    assertThat(v.valid()).isFalse();
    assertThat(v.firstBadSeq()).hasValue(3);
  }

  @Test
  void truncatedTailAfterCheckpointIsDetected() throws Exception {
    appendN(12); // checkpoints at 5 and 10
    sql("DELETE FROM audit_records WHERE seq >= 9");
    sql("UPDATE audit_head SET last_seq = 8");
    AuditVerification v = verifier.verify();
    assertThat(v.valid()).isFalse();
    assertThat(v.firstBadSeq()).hasValue(9);
    assertThat(v.problem()).contains("truncated");
  }

  @Test
  void truncatedUnsignedTailIsDetectedThroughTheHead() throws Exception {
    appendN(12);
    sql("DELETE FROM audit_records WHERE seq > 10");
    AuditVerification v = verifier.verify();
    assertThat(v.valid()).isFalse();
    assertThat(v.firstBadSeq()).hasValue(11);
  }

  @Test
  void forgedCheckpointIsDetected() throws Exception {
    appendN(12);
    // re-sign with a different key: the signature does not verify under the real public key
    KeyManager forger = KeyManager.openOrCreate(keyDir.resolve("forger"));
    sql("UPDATE audit_checkpoints SET signature = '"
        + java.util.Base64.getEncoder().encodeToString(forger.sign(AuditChain.checkpointBytes(5, "0".repeat(64), 1)))
        + "', hash = '" + "0".repeat(64) + "' WHERE seq = 5");
    AuditVerification v = verifier.verify();
    assertThat(v.valid()).isFalse();
    assertThat(v.firstBadSeq()).hasValue(5);
  }

  @Test
  void rewrittenChainWithoutTheSigningKeyIsDetected() throws Exception {
    appendN(12);
    // an attacker changes record 7 and recomputes every later hash, but cannot re-sign checkpoint 10
    sql("UPDATE audit_records SET status = 500 WHERE seq = 7");
    try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password())) {
      String prev;
      try (var rs = c.createStatement().executeQuery("SELECT hash FROM audit_records WHERE seq = 6")) {
        rs.next();
        prev = rs.getString(1);
      }
      for (long seq = 7; seq <= 12; seq++) {
        try (var rs = c.createStatement().executeQuery("SELECT recorded_at, tenant, subject_commitment, endpoint,"
            + " model, entity_counts, action, policy_version, status, latency_ms FROM audit_records WHERE seq = " + seq)) {
          rs.next();
          String h = AuditChain.hash(prev, seq, rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
              rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getInt(9), rs.getLong(10));
          c.createStatement().executeUpdate("UPDATE audit_records SET prev_hash = '" + prev + "', hash = '" + h
              + "' WHERE seq = " + seq);
          prev = h;
        }
      }
      c.createStatement().executeUpdate("UPDATE audit_head SET last_hash = '" + prev + "'");
    }
    AuditVerification v = verifier.verify();
    assertThat(v.valid()).isFalse();
    assertThat(v.firstBadSeq()).hasValue(10);
  }

  @Test
  void unlinkingASubjectKeepsTheChainValid() throws Exception {
    appendN(12);
    Pseudonym p = subjectKeys.pseudonymOf(new Subject("acme", "user-1"));
    assertThat(log.unlinkSubject(p)).isPositive();
    AuditVerification v = verifier.verify();
    assertThat(v.valid()).as(v.problem()).isTrue();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    verifier.export(out);
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain(p.hex());
  }

  @Test
  void exportWritesJsonLines() throws Exception {
    appendN(6);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    verifier.export(out);
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(6 + 1);
    ObjectMapper om = new ObjectMapper();
    JsonNode first = om.readTree(lines[0]);
    assertThat(first.get("type").asText()).isEqualTo("record");
    assertThat(first.get("seq").asLong()).isEqualTo(1);
    assertThat(first.get("entity_counts").get("PERSON").asInt()).isEqualTo(2);
    assertThat(om.readTree(lines[6]).get("type").asText()).isEqualTo("checkpoint");
    List<StoredAuditRecord> page = log.read(2, 3);
    assertThat(page).extracting(StoredAuditRecord::seq).containsExactly(2L, 3L, 4L);
    assertThat(page.get(0).prevHash()).isEqualTo(log.read(1, 1).get(0).hash());
    assertThat(page.get(0).record().subject()).isEqualTo(subjectKeys.pseudonymOf(new Subject("acme", "user-1")));
    assertThat(page.get(0).record().entityCounts()).containsEntry(EntityType.PERSON, 2);
  }

  @Test
  void verifiesWithOnlyThePublicKeyset() {
    appendN(6);
    assertThat(new AuditVerifier(db, keys.signingPublicKeyset()).verify().valid()).isTrue();
    KeyManager other = KeyManager.openOrCreate(keyDir.resolve("other"));
    assertThat(new AuditVerifier(db, other.signingPublicKeyset()).verify().valid()).isFalse();
  }

  @Test
  void recordsRejectFreeText() {
    assertThatThrownBy(() -> new AuditRecord("acme", null, "/v1/chat completions with Anna", null,
        new TreeMap<>(), AuditAction.FORWARDED, "p1", 200, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AuditRecord("acme", null, "/v1/chat", "model name with spaces",
        new TreeMap<>(), AuditAction.FORWARDED, "p1", 200, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AuditRecord("acme", null, "/v1/chat", null,
        new TreeMap<>(), AuditAction.FORWARDED, "p1", 700, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verificationWhileAppendingSeesAValidPrefix() throws Exception {
    appendN(3);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Future<?> writer = pool.submit(() -> {
      for (int i = 0; i < 60; i++) {
        log.append(record("w"));
      }
      return null;
    });
    while (!writer.isDone()) {
      AuditVerification v = verifier.verify();
      assertThat(v.valid()).as(v.problem()).isTrue();
    }
    writer.get();
    pool.shutdown();
    assertThat(verifier.verify().recordsChecked()).isEqualTo(63);
  }

  @Test
  void concurrentAppendsFromTwoInstancesKeepOneChain() throws Exception {
    Database db2 = Database.open(config);
    try {
      AuditLog log2 = new AuditLog(db2, keys, 5, Duration.ofMinutes(10));
      List<AuditLog> logs = List.of(log, log2);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        AuditLog l = logs.get(t % 2);
        fs.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 25; i++) {
            l.append(record("u" + i));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : fs) {
        f.get();
      }
      pool.shutdown();
      AuditVerification v = verifier.verify();
      assertThat(v.valid()).as(v.problem()).isTrue();
      assertThat(v.recordsChecked()).isEqualTo(200);
      assertThat(v.checkpointsChecked()).isEqualTo(40);
    } finally {
      db2.close();
    }
  }

  @Test
  void groupCommittedAppendsGiveEachCallerItsOwnRecord() throws Exception {
    int threads = 32;
    int each = 10;
    java.util.Map<Long, Long> latencyBySeq = new java.util.concurrent.ConcurrentHashMap<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> fs = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        fs.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < each; i++) {
            long latency = thread * 1000L + i; // unique per call: tells whose record landed where
            AuditRecord r = record(i % 2 == 0 ? null : "u" + thread);
            long seq = log.append(new AuditRecord(r.tenant(), r.subject(), r.endpoint(), r.model(), r.entityCounts(),
                r.action(), r.policyVersion(), r.status(), latency));
            assertThat(latencyBySeq.put(seq, latency)).as("sequence number handed out twice").isNull();
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : fs) {
        f.get();
      }
    }
    int n = threads * each;
    assertThat(latencyBySeq.keySet()).containsExactlyInAnyOrderElementsOf(
        java.util.stream.LongStream.rangeClosed(1, n).boxed().toList());
    for (StoredAuditRecord stored : log.read(1, 1000)) {
      assertThat(stored.record().latencyMillis()).as("record at seq %d", stored.seq())
          .isEqualTo(latencyBySeq.get(stored.seq()));
    }
    AuditVerification v = verifier.verify();
    assertThat(v.valid()).as(v.problem()).isTrue();
    assertThat(v.recordsChecked()).isEqualTo(n);
    assertThat(v.checkpointsChecked()).as("one every 5 records, as one-by-one appends sign them").isEqualTo(n / 5);
  }
  @Test
  void aGroupWaitsForARecordOnItsWaySoBothShareOneCommit() throws Exception {
    java.util.concurrent.atomic.AtomicInteger onTheirWay = new java.util.concurrent.atomic.AtomicInteger(1);
    CountDownLatch writerAsked = new CountDownLatch(1);
    // a long bound: the group must end because the announced record arrived, not because time ran out
    log.groupWait(new AuditLog.GroupWait(Duration.ofSeconds(10), 1, () -> {
      int n = onTheirWay.getAndSet(0); // announced once: the second record is on its way
      writerAsked.countDown();
      return n;
    }));
    long commitsBefore = log.commits();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Long> first = pool.submit(() -> log.append(record("a")));
      writerAsked.await(); // the first caller is the writer and about to wait for the announced record
      Future<Long> second = pool.submit(() -> log.append(record("b")));
      assertThat(List.of(first.get(), second.get())).containsExactlyInAnyOrder(1L, 2L);
    }
    assertThat(log.commits() - commitsBefore).as("both records in one commit").isEqualTo(1);
    assertThat(log.recordsWritten()).isEqualTo(2);
    AuditVerification v = verifier.verify();
    assertThat(v.valid()).as(v.problem()).isTrue();
    assertThat(v.recordsChecked()).isEqualTo(2);
  }

  @Test
  void anInterruptedWriterStillCommitsItsGroupAndKeepsItsInterrupt() throws Exception {
    CountDownLatch writerAsked = new CountDownLatch(1);
    log.groupWait(new AuditLog.GroupWait(Duration.ofSeconds(10), 1, () -> {
      writerAsked.countDown();
      return 1; // announced, never comes: only the interrupt ends the wait early
    }));
    java.util.concurrent.atomic.AtomicLong seq = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicBoolean flag = new java.util.concurrent.atomic.AtomicBoolean();
    Thread writer = Thread.ofVirtual().start(() -> {
      seq.set(log.append(record("a")));
      flag.set(Thread.currentThread().isInterrupted());
    });
    writerAsked.await();
    writer.interrupt();
    writer.join();
    assertThat(seq).hasValue(1);
    assertThat(flag).as("the interrupt is handed back after the commit").isTrue();
    log.groupWait(AuditLog.GroupWait.NONE);
    assertThat(log.append(record("b"))).as("the database still works after the interrupted writer").isEqualTo(2);
    assertThat(verifier.verify().valid()).isTrue();
  }

  @Test
  void aGroupWaitsOnlyWhileEnoughRecordsAreOnTheirWay() {
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    log.groupWait(new AuditLog.GroupWait(Duration.ofSeconds(10), 2, () -> {
      asked.incrementAndGet();
      return 1; // fewer than the minimum: a lightly loaded caller commits at once
    }));
    for (int i = 0; i < 3; i++) {
      assertThat(log.append(record("a"))).isEqualTo(i + 1);
    }
    assertThat(asked).hasValue(3);
    assertThat(log.commits()).isEqualTo(3);
    assertThat(log.recordsWritten()).isEqualTo(3);
    log.groupWait(AuditLog.GroupWait.NONE);
    assertThat(log.append(record("a"))).isEqualTo(4);
    assertThat(asked).as("NONE asks nobody").hasValue(3);
    assertThatThrownBy(() -> new AuditLog.GroupWait(Duration.ofSeconds(11), 1, () -> 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AuditLog.GroupWait(Duration.ofMillis(5), 0, () -> 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void appendsFollowTheHeadRowWhenAnotherInstanceMovedIt() throws Exception {
    Database db2 = Database.open(config);
    try {
      AuditLog log2 = new AuditLog(db2, keys, 5, Duration.ofMinutes(10));
      log.append(record("a"));
      log.append(record("b"));
      for (int i = 0; i < 4; i++) { // crosses the checkpoint at 5 on the other instance
        log2.append(record("c"));
      }
      for (int i = 0; i < 3; i++) { // this instance's remembered head is 4 records old
        log.append(record("d"));
      }
      clock.advance(Duration.ofSeconds(1));
      assertThat(log2.checkpoint()).isEqualTo(9); // moves only the checkpoint columns of the head
      assertThat(log.append(record("e"))).isEqualTo(10);
      assertThat(log.append(record("e"))).isEqualTo(11);
      sql("UPDATE audit_head SET last_time = last_time + 1"); // any change of the row is seen
      assertThat(log.append(record("f"))).isEqualTo(12);
      AuditVerification v = verifier.verify();
      assertThat(v.valid()).as(v.problem()).isTrue();
      assertThat(v.recordsChecked()).isEqualTo(12);
      assertThat(v.checkpointsChecked()).as("at 5 (an append) and 9 (checkpoint()); the next is due at 14").isEqualTo(2);
      assertThat(log.read(1, 100)).extracting(StoredAuditRecord::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L,
          9L, 10L, 11L, 12L);
    } finally {
      db2.close();
    }
  }

  @Test
  void aLoneWriterReadsTheHeadRowOnceNotPerAppend() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(backend == TestDatabases.H2, "H2's query statistics");
    sql("SET QUERY_STATISTICS TRUE");
    try {
      appendN(20);
      long headReads = 0;
      try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
          Statement s = c.createStatement();
          var rs = s.executeQuery("SELECT SQL_STATEMENT, EXECUTION_COUNT FROM INFORMATION_SCHEMA.QUERY_STATISTICS")) {
        while (rs.next()) {
          if (rs.getString(1).contains("FROM audit_head") && rs.getString(1).contains("FOR UPDATE")) {
            headReads += rs.getLong(2);
          }
        }
      }
      assertThat(headReads).as("SELECT ... FOR UPDATE of the head for 20 appends").isEqualTo(1);
    } finally {
      sql("SET QUERY_STATISTICS FALSE");
    }
    AuditVerification v = verifier.verify();
    assertThat(v.valid()).as(v.problem()).isTrue();
    assertThat(v.checkpointsChecked()).isEqualTo(4);
  }
}
