package io.veil.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * The append-only, tamper-evident audit trail: one {@link AuditRecord} per request, chained by
 * SHA-256 and anchored by Ed25519-signed checkpoints (see {@link AuditChain} for the encodings).
 *
 * <p>Appends are serialized through the single {@code audit_head} row ({@code SELECT ... FOR UPDATE}):
 * several gateway instances appending to one PostgreSQL still build one gap-free chain. A checkpoint
 * is signed inside the append that reaches {@code checkpointEvery} records or {@code checkpointInterval}
 * since the last one, and by {@link #checkpoint()}.
 *
 * <p>Subjects: the chain hash covers a salted commitment to the subject's pseudonym, not the
 * pseudonym itself. {@link #unlinkSubject(Pseudonym)} (erasure) deletes the pseudonym and the salt; the
 * commitment stays, so the chain still verifies, but nothing links the record to the subject any more.
 *
 * <p>Thread safety: safe for concurrent use, also across processes. Concurrent appends within one
 * process are group-committed (see {@link #append}).
 *
 * <p>Failure: {@link StoreUnavailableException} / {@link StoreException}; a failed append leaves the
 * chain unchanged. <b>Security:</b> records carry no personal data by construction.
 */
public final class AuditLog {
  /** Most records written in one group-commit transaction. */
  static final int MAX_BATCH = 256;
  private final Database db;
  private final KeyManager keys;
  private final int checkpointEvery;
  private final long checkpointIntervalMillis;
  private final ReentrantLock writer = new ReentrantLock();
  /** Signalled when a record joins the queue while the writer waits for its group (writer lock). */
  private final Condition arrived = writer.newCondition();
  /** Signalled when a group has been written (writer lock). */
  private final Condition written = writer.newCondition();
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  /** True while the writer waits for more records of its group (writer lock). */
  private boolean gathering;
  private volatile GroupWait groupWait = GroupWait.NONE;
  /** Commits (groups) and records written by this instance's appends (writer lock to write, any thread to read). */
  private volatile long commits;
  private volatile long recordsWritten;
  /** The head as this instance last committed it, or null: a hint, confirmed by the head update (writer lock). */
  private Head knownHead;

  /**
   * @param checkpointEvery sign a checkpoint after this many records (1–1,000,000)
   * @param checkpointInterval ... or once this much time passed since the last checkpoint (≥ 1 s)
   */
  public AuditLog(Database db, KeyManager keys, int checkpointEvery, Duration checkpointInterval) {
    this.db = Objects.requireNonNull(db, "db");
    this.keys = Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(checkpointInterval, "checkpointInterval");
    if (checkpointEvery < 1 || checkpointEvery > 1_000_000) {
      throw new IllegalArgumentException("checkpointEvery must be 1-1000000");
    }
    if (checkpointInterval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("checkpointInterval must be at least one second");
    }
    this.checkpointEvery = checkpointEvery;
    this.checkpointIntervalMillis = checkpointInterval.toMillis();
  }

  /** Defaults: a checkpoint every 1,000 records or 5 minutes. */
  public AuditLog(Database db, KeyManager keys) {
    this(db, keys, 1000, Duration.ofMinutes(5));
  }

  /**
   * Appends one record to the chain and returns once it is committed.
   *
   * <p>Group commit: concurrent callers in this process share one transaction. Each caller queues its
   * record and takes the writer lock; the holder writes every queued record (up to
   * {@value #MAX_BATCH}) in chain order under one {@code audit_head} lock and one commit, and hands each
   * caller its sequence number; a caller whose record was written meanwhile returns at once. The chain
   * is exactly what one-by-one appends would produce (one record per call, same hashes, checkpoints at
   * the same positions). If a shared transaction fails, its records are retried one by one, so a
   * failure is reported to exactly the callers whose record could not be written, as before. With a
   * {@link #groupWait} set, the writer may first wait (at most its {@code maxWait}) for records on their
   * way; the records that arrive meanwhile join its group instead of each starting a commit of their own.
   *
   * @return its sequence number
   */
  public long append(AuditRecord r) {
    Objects.requireNonNull(r, "record");
    Pending mine = new Pending(r);
    queue.add(mine);
    queued.incrementAndGet();
    writer.lock();
    try {
      while (!mine.done) {
        if (gathering) { // another caller is the writer and waits for its group: this record joins it
          arrived.signal();
          written.awaitUninterruptibly();
          continue;
        }
        List<Pending> batch = new ArrayList<>();
        boolean interrupted = false;
        try {
          drainInto(batch);
          GroupWait wait = groupWait;
          int coming = wait == GroupWait.NONE ? 0 : wait.onTheirWay().getAsInt();
          if (coming >= wait.minOnTheirWay() && batch.size() < MAX_BATCH) {
            interrupted = gather(batch, Math.min(MAX_BATCH, batch.size() + coming), wait.maxWaitNanos());
          }
          if (!batch.contains(mine)) { // cannot happen (FIFO, one writer at a time); never lose a record
            batch.add(mine);
            if (queue.remove(mine)) {
              queued.decrementAndGet();
            }
          }
          writeBatch(batch);
        } finally {
          written.signalAll(); // also after an Error: a caller whose record was not written becomes the writer
          if (interrupted) {
            Thread.currentThread().interrupt(); // restored only now: an interrupted thread's file I/O would fail
          }
        }
      }
    } finally {
      writer.unlock();
    }
    if (mine.failure != null) {
      throw mine.failure;
    }
    return mine.seq;
  }

  private void drainInto(List<Pending> batch) {
    Pending p;
    while (batch.size() < MAX_BATCH && (p = queue.poll()) != null) {
      queued.decrementAndGet();
      batch.add(p);
    }
  }

  /**
   * Waits (writer lock released meanwhile) until the group holds {@code target} records or {@code maxWaitNanos}
   * passed, whichever comes first; records that arrive meanwhile are queued by their callers and join the group.
   * An interrupt ends the wait early (the group is written as it is).
   *
   * @return true if the thread was interrupted while waiting (its flag is then clear until the caller restores it)
   */
  private boolean gather(List<Pending> batch, int target, long maxWaitNanos) {
    long deadline = System.nanoTime() + maxWaitNanos;
    boolean interrupted = false;
    gathering = true;
    try {
      long left;
      while (batch.size() + queued.get() < target && (left = deadline - System.nanoTime()) > 0) {
        try {
          arrived.awaitNanos(left);
        } catch (InterruptedException e) {
          interrupted = true;
          break;
        }
      }
    } finally {
      gathering = false;
    }
    drainInto(batch);
    return interrupted;
  }

  /**
   * Lets a group commit wait a little for records that are on their way, so that more of them share one
   * commit (the commit, not the records, is most of an append's cost). Only while at least
   * {@code minOnTheirWay} appends are expected — under load; a lone or lightly loaded caller never waits —
   * and never longer than {@code maxWait}: that is what it can add to an append's latency. Each caller still
   * returns only once its own record is committed; the chain is unchanged. Default: {@link GroupWait#NONE}.
   *
   * <p>Thread safety: may be called at any time; groups planned after the call use it.
   */
  public void groupWait(GroupWait wait) {
    this.groupWait = Objects.requireNonNull(wait, "wait");
  }

  /** The group wait in force ({@link GroupWait#NONE} unless set). */
  public GroupWait groupWait() {
    return groupWait;
  }

  /**
   * How a group commit may wait for more records (see {@link AuditLog#groupWait}).
   *
   * @param maxWait the longest a group waits for more records (0 to 10 s; the gateway allows at most 50 ms)
   * @param minOnTheirWay wait only while at least this many appends are on their way (1 or more)
   * @param onTheirWay how many appends are on their way now (e.g. requests in flight that will be audited);
   *     called by the writer under its lock: must be cheap and must not call this log
   */
  public record GroupWait(Duration maxWait, int minOnTheirWay, IntSupplier onTheirWay) {
    /** Never wait: a group is what is queued when the writer gets the lock. */
    public static final GroupWait NONE = new GroupWait(Duration.ZERO, Integer.MAX_VALUE, () -> 0);

    public GroupWait {
      Objects.requireNonNull(maxWait, "maxWait");
      Objects.requireNonNull(onTheirWay, "onTheirWay");
      if (maxWait.isNegative() || maxWait.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException("maxWait must be 0-10 s");
      }
      if (minOnTheirWay < 1) {
        throw new IllegalArgumentException("minOnTheirWay must be at least 1");
      }
    }

    long maxWaitNanos() {
      return maxWait.toNanos();
    }
  }

  /** Commits this instance's appends made (one per group; a failed group retried record by record counts each). */
  public long commits() {
    return commits;
  }

  /** Records this instance's appends committed. */
  public long recordsWritten() {
    return recordsWritten;
  }

  private void writeBatch(List<Pending> batch) {
    try {
      Appended done = db.inTransaction("audit append", c -> appendInTransaction(c, batch));
      knownHead = done.head();
      commits++;
      recordsWritten += batch.size();
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).seq = done.seqs()[i];
        batch.get(i).done = true;
      }
    } catch (RuntimeException e) {
      knownHead = null;
      if (batch.size() == 1) {
        batch.getFirst().failure = e;
        batch.getFirst().done = true;
        return;
      }
      for (Pending p : batch) { // isolate the failure: each record on its own, as a lone append would be
        writeBatch(List.of(p));
      }
    }
  }

  /**
   * Writes the batch after the head this instance committed last, if the head row still holds exactly that
   * (a compare-and-set {@code UPDATE}, which also takes the row lock); otherwise, or with no known head,
   * after the head read under {@code SELECT ... FOR UPDATE}. Either way the records follow the row's head
   * while its lock is held, so several processes still build one gap-free chain; the known head only
   * saves the read when nobody else appended (one gateway on H2 or PostgreSQL).
   */
  private Appended appendInTransaction(Connection c, List<Pending> batch) throws SQLException {
    Head known = knownHead;
    if (known != null) {
      Planned plan = plan(known, batch);
      if (compareAndSetHead(c, known, plan.head())) {
        insert(c, plan);
        return new Appended(plan.seqs(), plan.head());
      }
    }
    Head h = lockHead(c);
    Planned plan = plan(h, batch);
    insert(c, plan);
    updateHead(c, plan.head());
    return new Appended(plan.seqs(), plan.head());
  }

  /** The records of a batch as they will be stored after {@code h}: sequence numbers, hashes, checkpoints. */
  private Planned plan(Head h, List<Pending> batch) {
    long seq = h.lastSeq;
    String prevHash = h.lastHash;
    long time = h.lastTime;
    long cpSeq = h.lastCheckpointSeq;
    long cpAt = h.lastCheckpointAt;
    long[] seqs = new long[batch.size()];
    Row[] rows = new Row[batch.size()];
    List<Checkpoint> checkpoints = new ArrayList<>(1);
    for (int i = 0; i < batch.size(); i++) {
      AuditRecord r = batch.get(i).record;
      seq++;
      long now = Math.max(db.clock().millis(), time);
      String ref = r.subject() == null ? null : r.subject().hex();
      String salt = ref == null ? null : Bytes.randomHex(32);
      String commitment = ref == null ? null : AuditChain.commitment(salt, ref);
      String counts = r.countsText();
      String hash = AuditChain.hash(prevHash, seq, now, r.tenant(), commitment, r.endpoint(), r.model(), counts,
          r.action().name(), r.policyVersion(), r.status(), r.latencyMillis());
      rows[i] = new Row(seq, now, r, ref, salt, commitment, counts, prevHash, hash);
      if (cpAt == 0) {
        cpAt = now; // the first record starts the checkpoint timer
      }
      if (seq - cpSeq >= checkpointEvery || now - cpAt >= checkpointIntervalMillis) {
        checkpoints.add(new Checkpoint(seq, hash, now, keys.sign(AuditChain.checkpointBytes(seq, hash, now))));
        cpSeq = seq;
        cpAt = now;
      }
      seqs[i] = seq;
      prevHash = hash;
      time = now;
    }
    return new Planned(rows, checkpoints, seqs, new Head(seq, prevHash, time, cpSeq, cpAt, h.purgedThrough));
  }

  private static void insert(Connection c, Planned plan) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_records (seq, recorded_at, tenant,"
        + " subject_ref, subject_salt, subject_commitment, endpoint, model, entity_counts, action, policy_version,"
        + " status, latency_ms, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
      for (Row row : plan.rows()) {
        AuditRecord r = row.record();
        ps.setLong(1, row.seq());
        ps.setLong(2, row.at());
        ps.setString(3, r.tenant());
        ps.setString(4, row.ref());
        ps.setString(5, row.salt());
        ps.setString(6, row.commitment());
        ps.setString(7, r.endpoint());
        ps.setString(8, r.model());
        ps.setString(9, row.counts());
        ps.setString(10, r.action().name());
        ps.setString(11, r.policyVersion());
        ps.setInt(12, r.status());
        ps.setLong(13, r.latencyMillis());
        ps.setString(14, row.prevHash());
        ps.setString(15, row.hash());
        ps.executeUpdate();
      }
    }
    for (Checkpoint cp : plan.checkpoints()) {
      insertCheckpoint(c, cp.seq(), cp.hash(), cp.at(), cp.signature());
    }
  }

  private record Row(long seq, long at, AuditRecord record, String ref, String salt, String commitment, String counts,
      String prevHash, String hash) {}

  private record Checkpoint(long seq, String hash, long at, byte[] signature) {}

  private record Planned(Row[] rows, List<Checkpoint> checkpoints, long[] seqs, Head head) {}

  private record Appended(long[] seqs, Head head) {}

  /** A record waiting for the group commit, and its outcome (guarded by the writer lock). */
  private static final class Pending {
    final AuditRecord record;
    boolean done;
    long seq;
    RuntimeException failure;

    Pending(AuditRecord record) {
      this.record = record;
    }
  }

  /**
   * Signs a checkpoint over the current head if records were appended since the last one (call it on
   * shutdown and from a timer).
   *
   * <p>Runs under the appenders' writer lock: this process's appends wait for it in-process (a virtual thread
   * parks there without holding a carrier) instead of inside the database on the head row's lock.
   *
   * @return the sequence number the newest checkpoint covers (0 if the chain is empty)
   */
  public long checkpoint() {
    writer.lock();
    try {
      knownHead = null; // the head row changes: the next group reads it under its lock
      return db.inTransaction("audit checkpoint", c -> {
        Head h = lockHead(c);
        if (h.lastSeq == 0 || h.lastSeq == h.lastCheckpointSeq) {
          return h.lastCheckpointSeq;
        }
        long now = Math.max(db.clock().millis(), h.lastTime);
        insertCheckpoint(c, h.lastSeq, h.lastHash, now, keys.sign(AuditChain.checkpointBytes(h.lastSeq, h.lastHash, now)));
        updateHead(c, new Head(h.lastSeq, h.lastHash, h.lastTime, h.lastSeq, now, h.purgedThrough));
        return h.lastSeq;
      });
    } finally {
      writer.unlock();
    }
  }

  /** Removes the link between a subject and its audit records (erasure); the chain stays verifiable. */
  public int unlinkSubject(Pseudonym subject) {
    Objects.requireNonNull(subject, "subject");
    return db.withConnection("audit unlink", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE audit_records SET subject_ref = NULL, subject_salt = NULL WHERE subject_ref = ?")) {
        ps.setString(1, subject.hex());
        return ps.executeUpdate();
      }
    });
  }

  /**
   * Reads up to {@code limit} (1–1000) records with {@code seq >= fromSeq}, in chain order — for the
   * admin API and for paging through the trail.
   */
  public List<StoredAuditRecord> read(long fromSeq, int limit) {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be 1-1000");
    }
    return db.withConnection("audit read", c -> {
      List<StoredAuditRecord> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT seq, recorded_at, tenant, subject_ref, subject_commitment,"
          + " endpoint, model, entity_counts, action, policy_version, status, latency_ms, prev_hash, hash"
          + " FROM audit_records WHERE seq >= ? ORDER BY seq")) {
        ps.setLong(1, fromSeq);
        ps.setMaxRows(limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String ref = rs.getString(4);
            AuditRecord r = new AuditRecord(rs.getString(3), ref == null ? null : new Pseudonym(ref), rs.getString(6),
                rs.getString(7), AuditRecord.parseCounts(rs.getString(8)), AuditAction.valueOf(rs.getString(9)),
                rs.getString(10), rs.getInt(11), rs.getLong(12));
            out.add(new StoredAuditRecord(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), r, rs.getString(5),
                rs.getString(13), rs.getString(14)));
          }
        }
      }
      return out;
    });
  }

  /**
   * The newest {@code limit} (1–1000) records linked to {@code subject}, newest first — the subject's own
   * history (Privacy Center). Records of an erased subject are unlinked and no longer found.
   */
  public List<StoredAuditRecord> ofSubject(Pseudonym subject, int limit) {
    Objects.requireNonNull(subject, "subject");
    return readWhere("audit of subject", "subject_ref = ? ORDER BY seq DESC", subject.hex(), limit);
  }

  private List<StoredAuditRecord> readWhere(String what, String where, Object param, int limit) {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be 1-1000");
    }
    return db.withConnection(what, c -> {
      List<StoredAuditRecord> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT seq, recorded_at, tenant, subject_ref, subject_commitment,"
          + " endpoint, model, entity_counts, action, policy_version, status, latency_ms, prev_hash, hash"
          + " FROM audit_records WHERE " + where)) {
        ps.setObject(1, param);
        ps.setMaxRows(limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(row(rs));
          }
        }
      }
      return out;
    });
  }

  private static StoredAuditRecord row(ResultSet rs) throws SQLException {
    String ref = rs.getString(4);
    AuditRecord r = new AuditRecord(rs.getString(3), ref == null ? null : new Pseudonym(ref), rs.getString(6),
        rs.getString(7), AuditRecord.parseCounts(rs.getString(8)), AuditAction.valueOf(rs.getString(9)),
        rs.getString(10), rs.getInt(11), rs.getLong(12));
    return new StoredAuditRecord(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), r, rs.getString(5),
        rs.getString(13), rs.getString(14));
  }

  /** Number of the newest record, 0 when empty. */
  public long lastSeq() {
    return db.withConnection("audit head", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM audit_head WHERE id = 1");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  record Head(long lastSeq, String lastHash, long lastTime, long lastCheckpointSeq, long lastCheckpointAt,
      long purgedThrough) {}

  static Head lockHead(Connection c) throws SQLException {
    return readHead(c, true);
  }

  static Head readHead(Connection c, boolean forUpdate) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT last_seq, last_hash, last_time, last_checkpoint_seq,"
        + " last_checkpoint_at, purged_through FROM audit_head WHERE id = 1" + (forUpdate ? " FOR UPDATE" : ""));
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new StoreException("the audit chain head row is missing");
      }
      return new Head(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6));
    }
  }

  private static void insertCheckpoint(Connection c, long seq, String hash, long at, byte[] sig) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO audit_checkpoints (seq, hash, signed_at, signature) VALUES (?,?,?,?)")) {
      ps.setLong(1, seq);
      ps.setString(2, hash);
      ps.setLong(3, at);
      ps.setString(4, Base64.getEncoder().encodeToString(sig));
      ps.executeUpdate();
    }
  }

  private static void updateHead(Connection c, Head h) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET last_seq = ?, last_hash = ?, last_time = ?,"
        + " last_checkpoint_seq = ?, last_checkpoint_at = ? WHERE id = 1")) {
      setHead(ps, h);
      ps.executeUpdate();
    }
  }

  /** Moves the head from {@code expected} to {@code next} if the row still holds {@code expected}; locks the row. */
  private static boolean compareAndSetHead(Connection c, Head expected, Head next) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET last_seq = ?, last_hash = ?, last_time = ?,"
        + " last_checkpoint_seq = ?, last_checkpoint_at = ? WHERE id = 1 AND last_seq = ? AND last_hash = ?"
        + " AND last_time = ? AND last_checkpoint_seq = ? AND last_checkpoint_at = ?")) {
      setHead(ps, next);
      ps.setLong(6, expected.lastSeq);
      ps.setString(7, expected.lastHash);
      ps.setLong(8, expected.lastTime);
      ps.setLong(9, expected.lastCheckpointSeq);
      ps.setLong(10, expected.lastCheckpointAt);
      return ps.executeUpdate() == 1;
    }
  }

  private static void setHead(PreparedStatement ps, Head h) throws SQLException {
    ps.setLong(1, h.lastSeq);
    ps.setString(2, h.lastHash);
    ps.setLong(3, h.lastTime);
    ps.setLong(4, h.lastCheckpointSeq);
    ps.setLong(5, h.lastCheckpointAt);
  }
}
