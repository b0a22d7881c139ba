package io.veil.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Runs the write units of concurrent callers of this process in shared transactions, one commit per group
 * instead of one per caller (an H2 file with {@code WRITE_DELAY=0} writes a chunk per commit; the commit, not
 * the rows, was most of a write's cost). Same protocol as {@link AuditLog#append}: each caller queues its unit
 * and takes the writer lock; the holder runs every queued unit (up to {@value #MAX_GROUP}) in one transaction,
 * each under a savepoint of its own, commits, and hands each caller its outcome; a caller whose unit was run
 * meanwhile returns at once. Nobody waits for a group to fill: a group is what queued while the previous one
 * was being written.
 *
 * <p>Outcomes: a unit returns an outcome; {@code keep.test(outcome)} false means "store nothing of mine" (a
 * conflict the caller resolves itself, such as a unique violation it will look up again): its savepoint is
 * rolled back and the others' work stays. A unit that throws is rolled back to its savepoint and its caller
 * gets the failure ({@link StoreException}), the others are not affected. If the group's transaction itself
 * fails (the commit, a connection failure, a rollback to a savepoint that fails), every unit of the group is
 * run again alone in a transaction of its own, so a failure reaches exactly the callers whose unit could not
 * be stored, as a lone transaction would report it. <b>No caller returns before its unit is committed, and no
 * unit is dropped</b>: each caller gets its committed outcome or an exception.
 *
 * <p>Also serializes this process's writers in front of the database: two units of this process never wait
 * for each other's row locks inside the database (H2's lock wait spun on both carrier threads of the
 * virtual-thread scheduler and starved the holder, see docs/notes/vaultspeed.md); waiting for the writer
 * lock parks a virtual thread without holding a carrier.
 *
 * <p>Thread safety: safe for concurrent use. A unit runs on whichever caller's thread writes its group, so
 * it must not rely on thread-locals and must not call back into this group commit.
 */
final class GroupCommit {
  /** Most units written in one transaction. */
  static final int MAX_GROUP = 64;

  /** One caller's writes, run inside a shared transaction. */
  @FunctionalInterface
  interface Unit<T> {
    T run(Connection c) throws SQLException;
  }

  private final Database db;
  private final String what;
  private final ReentrantLock writer = new ReentrantLock();
  private final ConcurrentLinkedQueue<Pending<?>> queue = new ConcurrentLinkedQueue<>();
  private final LongAdder commits = new LongAdder();
  private final LongAdder units = new LongAdder();

  /** @param what names the operation in failures (never data) */
  GroupCommit(Database db, String what) {
    this.db = Objects.requireNonNull(db, "db");
    this.what = Objects.requireNonNull(what, "what");
  }

  /**
   * Runs {@code unit} in this process's next group transaction and returns its outcome once that is committed
   * (or, when {@code keep} refuses it, once the unit's writes have been rolled back).
   *
   * @throws StoreException (or {@link StoreUnavailableException}) when the unit could not be run and committed
   */
  <T> T run(Unit<T> unit, Predicate<? super T> keep) {
    return run("", unit, keep);
  }

  /**
   * As {@link #run(Unit, Predicate)}; a group runs its units in the order of their {@code order} keys (then in
   * arrival order). Units that lock rows should pass the key of the first row they lock: the group then takes its
   * row locks in one ascending order, as other transactions that lock several of those rows do (a retention
   * purge locks its page of subject keys in key order), and cannot deadlock with them.
   */
  <T> T run(String order, Unit<T> unit, Predicate<? super T> keep) {
    Objects.requireNonNull(order, "order");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(keep, "keep");
    Pending<T> mine = new Pending<>(order, unit, keep);
    queue.add(mine);
    writer.lock();
    try {
      while (!mine.done) {
        List<Pending<?>> group = new ArrayList<>();
        Pending<?> p;
        while (group.size() < MAX_GROUP && (p = queue.poll()) != null) {
          group.add(p);
        }
        if (!group.contains(mine)) { // its unit is further back than MAX_GROUP (or was taken by a failed writer)
          queue.remove(mine);
          group.add(mine);
        }
        group.sort(Comparator.comparing(x -> x.order)); // stable: arrival order among equal keys
        write(group);
      }
    } finally {
      writer.unlock();
    }
    if (mine.failure != null) {
      throw mine.failure;
    }
    return mine.outcome;
  }

  /** Group transactions committed (a group retried unit by unit counts each of its units). */
  long commits() {
    return commits.sum();
  }

  /** Units committed (kept or refused). */
  long units() {
    return units.sum();
  }

  private void write(List<Pending<?>> group) {
    try {
      db.inTransaction(what, c -> {
        for (Pending<?> p : group) {
          p.runIn(c, group.size() > 1);
        }
        return null;
      });
      commits.increment();
      units.add(group.size());
      for (Pending<?> p : group) {
        p.done = true; // outcome or the unit's own failure
      }
    } catch (RuntimeException | Error e) {
      for (Pending<?> p : group) {
        p.reset();
      }
      if (group.size() == 1) {
        Pending<?> p = group.getFirst();
        p.failure = e instanceof StoreException s ? s : new StoreException("failure during " + what, e);
        p.done = true;
        if (e instanceof Error err) {
          throw err;
        }
        return;
      }
      for (Pending<?> p : group) { // isolate the failure: each unit in a transaction of its own
        write(List.of(p));
      }
    }
  }

  /** A queued unit and its result (guarded by the writer lock). */
  private final class Pending<T> {
    final String order;
    final Unit<T> unit;
    final Predicate<? super T> keep;
    boolean done;
    T outcome;
    StoreException failure;

    Pending(String order, Unit<T> unit, Predicate<? super T> keep) {
      this.order = order;
      this.unit = unit;
      this.keep = keep;
    }

    void reset() {
      outcome = null;
      failure = null;
    }

    /**
     * Runs the unit in the group's transaction; shared: under a savepoint, rolled back to it when the unit fails
     * or its outcome is not kept; alone: the whole transaction is rolled back instead (SQLException from a
     * rollback or a broken connection fails the group, which is then retried unit by unit).
     */
    void runIn(Connection c, boolean shared) throws SQLException {
      Savepoint sp = shared ? c.setSavepoint() : null;
      try {
        T out = unit.run(c);
        if (!keep.test(out)) {
          undo(c, sp);
        } else if (sp != null) {
          c.releaseSavepoint(sp);
        }
        outcome = out;
      } catch (SQLException e) {
        if (Database.isConnectionFailure(e) || (shared && Database.isTransactionConflict(e))) {
          throw e; // the group cannot go on (or was a deadlock victim): retried unit by unit
        }
        undo(c, sp);
        failure = Database.translate(what, e);
      } catch (RuntimeException e) {
        undo(c, sp);
        failure = e instanceof StoreException s ? s : new StoreException("failure during " + what, e);
      }
    }

    private void undo(Connection c, Savepoint sp) throws SQLException {
      if (sp != null) {
        c.rollback(sp);
      } else {
        c.rollback();
      }
    }
  }
}
