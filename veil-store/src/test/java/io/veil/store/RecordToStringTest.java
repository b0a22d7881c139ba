package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The vault's decrypted snapshot of a scope prints no token and no value (review8). */
class RecordToStringTest {
  @Test
  void aScopeSnapshotShowsNoValue() throws Exception {
    Class<?> c = Class.forName("io.veil.store.JdbcTokenVault$Snapshot");
    Constructor<?> k = c.getDeclaredConstructor(Map.class, long.class, long.class, long.class);
    k.setAccessible(true);
    Object snapshot = k.newInstance(Map.of("<EMAIL_1>", "jane.doe@example.com"), 0L, 0L, Long.MAX_VALUE);
    assertThat(snapshot.toString()).doesNotContain("jane.doe@example.com").doesNotContain("<EMAIL_1>")
        .contains("entries=1");
  }
}
