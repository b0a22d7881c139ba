package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link H2FileCompactor} reaches H2's MVStore through a pooled connection and compacts the file: after
 * deletes leave its chunks mostly empty, the live pages move together, the emptied chunks are freed, and no
 * committed row is lost; without the compactor the same chunks stay (checked: 24 chunks, 1 % live, before
 * and after). Under gateway load the growth it prevents was ~48,000 chunks and a 1.2 GB file after
 * 11 minutes at 4 clients (soak, BENCHMARKS.md); its budget follows the writes since commits at random keys
 * outran a fixed one (34,000 chunks in 15 minutes at 64 clients, docs/notes/h2flat.md).
 */
class H2FileCompactorIT {
  @TempDir
  Path dir;

  private static long info(Connection c, String name) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = ?")) {
      p.setString(1, name);
      try (ResultSet rs = p.executeQuery()) {
        assertThat(rs.next()).as(name).isTrue();
        return Long.parseLong(rs.getString(1));
      }
    }
  }

  /** A pool on an H2 file as Veil opens it (WRITE_DELAY=0: no H2 background writer), retention 0 (no waiting). */
  private HikariDataSource h2File(String name) {
    HikariDataSource ds = new HikariDataSource();
    ds.setJdbcUrl("jdbc:h2:file:" + dir.resolve(name) + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;RETENTION_TIME=0");
    ds.setUsername("veil");
    ds.setMaximumPoolSize(2);
    return ds;
  }

  @Test
  void aMostlyEmptyFileIsCompactedThroughThePoolAndKeepsItsRows() throws Exception {
    try (HikariDataSource ds = h2File("db")) {
      try (H2FileCompactor compactor = H2FileCompactor.start(ds, Duration.ofDays(1)); // runs only when called
           Connection c = ds.getConnection(); Statement s = c.createStatement()) {
        assertThat(H2FileCompactor.mvStore(c)).as("the MVStore behind a pooled connection").isNotNull();
        // each commit writes pages of both tables into one chunk; dropping the big table then leaves every
        // chunk with only the small table's pages live: mostly empty chunks that H2 alone never frees
        s.execute("CREATE TABLE big(id INT PRIMARY KEY, v VARCHAR(2000))");
        s.execute("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(2000))");
        c.setAutoCommit(false);
        try (PreparedStatement big = c.prepareStatement("INSERT INTO big VALUES(?, ?)");
             PreparedStatement small = c.prepareStatement("INSERT INTO t VALUES(?, ?)")) {
          for (int i = 0; i < 20_000; i++) {
            big.setInt(1, i);
            big.setString(2, Integer.toString(i).repeat(200));
            big.addBatch();
            if (i % 20 == 0) {
              small.setInt(1, i / 20);
              small.setString(2, Integer.toString(i).repeat(50));
              small.addBatch();
            }
            if (i % 1000 == 999) {
              big.executeBatch();
              small.executeBatch();
              c.commit();
            }
          }
        }
        s.execute("DROP TABLE big");
        c.commit();
        c.setAutoCommit(true);
        long chunksBefore = info(c, "info.CHUNK_COUNT");
        long fillBefore = info(c, "info.CHUNKS_FILL_RATE");
        for (int i = 0; i < 20; i++) {
          compactor.runOnce();
          s.execute("INSERT INTO t VALUES(" + (100_000 + i) + ", 'x')"); // commits, which free emptied chunks
        }
        long chunksAfter = info(c, "info.CHUNK_COUNT");
        long fillAfter = info(c, "info.CHUNKS_FILL_RATE");
        System.out.printf("H2FileCompactorIT: chunks %d -> %d, live %d%% -> %d%%%n", chunksBefore, chunksAfter,
            fillBefore, fillAfter);
        assertThat(fillBefore).as("live share of the chunks after the deletes").isLessThan(30);
        assertThat(fillAfter).as("live share of the chunks after compaction").isGreaterThan(60);
        assertThat(chunksAfter).as("chunks after compaction").isLessThan(chunksBefore);
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(LENGTH(v)) FROM t")) {
          rs.next();
          assertThat(rs.getInt(1)).as("rows kept").isEqualTo(1000 + 20);
        }
        assertThat(compactor.failures()).isZero();
      }
    }
  }

  @Test
  void commitsAtRandomKeysFasterThanTheFloorBudgetLeaveTheChunksBounded() throws Exception {
    try (HikariDataSource ds = h2File("burst")) {
      try (H2FileCompactor compactor = H2FileCompactor.start(ds, Duration.ofDays(1)); // runs only when called
           Connection c = ds.getConnection(); Statement s = c.createStatement()) {
        // the gateway's shape with distinct prompts: every commit inserts rows at random keys (new conversations,
        // new subjects), so each chunk keeps a few live leaves of several trees and most of it turns to garbage
        // later; between two runs the commits write several times the floor budget (1 MB)
        s.execute("CREATE TABLE t(k VARCHAR(64) PRIMARY KEY, v VARCHAR(1000))");
        s.execute("CREATE INDEX t_v ON t(v)");
        var random = new java.util.Random(7);
        long peak = 0;
        c.setAutoCommit(false);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO t VALUES(?, ?)")) {
          for (int round = 0; round < 30; round++) {
            for (int commit = 0; commit < 300; commit++) { // one burst: 300 commits, each a chunk
              for (int row = 0; row < 4; row++) {
                insert.setString(1, Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
                insert.setString(2, Long.toHexString(random.nextLong()).repeat(40));
                insert.executeUpdate();
              }
              c.commit();
            }
            compactor.runOnce();
            peak = Math.max(peak, info(c, "info.CHUNK_COUNT"));
          }
        }
        c.setAutoCommit(true);
        long chunks = info(c, "info.CHUNK_COUNT");
        long fill = info(c, "info.CHUNKS_FILL_RATE");
        System.out.printf("H2FileCompactorIT random keys: chunks at the end %d, peak %d, live %d%%, file %d MB%n",
            chunks, peak, fill, info(c, "info.FILE_SIZE") >> 20);
        // a budget that follows the writes frees chunks about as fast as the commits empty them: 1,000 chunks, 26 %
        // live, 218 MB; the fixed 1 MB budget before it did not (checked: 2,272 chunks, 14 % live, 378 MB)
        assertThat(fill).as("live share of the chunks after 30 bursts").isGreaterThanOrEqualTo(20);
        assertThat(chunks).as("chunks after 30 bursts of 300 commits").isLessThanOrEqualTo(1_500);
        assertThat(compactor.failures()).isZero();
      }
    }
  }

  @Test
  void veilsH2DatabaseStartsACompactorAndStopsItOnClose() throws Exception {
    DatabaseConfig cfg = DatabaseConfig.h2(dir.resolve("veil-data"));
    assertThat(cfg.isH2File()).isTrue();
    long before = compactorThreads();
    try (Database db = Database.open(cfg)) {
      assertThat(compactorThreads()).isEqualTo(before + 1);
    }
    assertThat(compactorThreads()).as("stopped by close()").isEqualTo(before);
  }

  private static long compactorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().equals("veil-h2-compactor")).count();
  }
}
