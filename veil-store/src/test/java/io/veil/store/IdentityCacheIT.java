package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.EntityType;
import io.veil.core.Scope;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Schema V4: on H2 the identity sequences a request inserts into cache 1,000 values (H2 commits the store each
 * time a sequence's cache runs out); ids stay unique and increasing across a restart. PostgreSQL is unchanged.
 */
class IdentityCacheIT {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(TestDatabases.class)
  void h2IdentitiesCacheAThousandValuesAndPostgresIsUnchanged(TestDatabases backend) throws Exception {
    DatabaseConfig config = backend.fresh();
    try (Database db = Database.open(config);
         Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(backend == TestDatabases.H2
             ? "SELECT IDENTITY_CACHE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'VAULT_ENTRIES' AND COLUMN_NAME = 'ID'"
             : "SELECT seqcache FROM pg_sequence WHERE seqrelid = pg_get_serial_sequence('vault_entries', 'id')::regclass")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(backend == TestDatabases.H2 ? 1000 : 1);
    }
  }

  @Test
  void idsStayUniqueAndIncreasingAcrossARestart() throws Exception {
    DatabaseConfig config = DatabaseConfig.h2(dir.resolve("db"));
    List<Long> ids = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      try (Database db = Database.open(config)) {
        JdbcTokenVault vault = new JdbcTokenVault(db, new SubjectKeys(db, KeyManager.openOrCreate(dir.resolve("keys"))),
            Duration.ofHours(1), SubjectResolver.perConversation());
        Scope scope = new Scope("acme", "run-" + run);
        for (int i = 0; i < 40; i++) {
          vault.tokenize(scope, EntityType.PERSON, "Person " + i, n -> "<PERSON_" + n + ">");
        }
        ids.addAll(db.withConnection("ids", c -> {
          List<Long> out = new ArrayList<>();
          try (Statement s = c.createStatement();
               ResultSet rs = s.executeQuery("SELECT v.id FROM vault_entries v JOIN vault_scopes s ON s.id = v.scope_id WHERE s.conversation = '"
                   + scope.conversation() + "' ORDER BY v.created_at, v.id")) {
            while (rs.next()) {
              out.add(rs.getLong(1));
            }
          }
          return out;
        }));
      }
    }
    assertThat(ids).hasSize(80).doesNotHaveDuplicates().isSorted();
  }
}
