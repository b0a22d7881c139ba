package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

/**
 * The driver properties the pool adds to a PostgreSQL URL, as pgjdbc will read them together with the URL: the URL's
 * own {@code socketTimeout} (and {@code tcpKeepAlive}) win, the pool's defaults fill in what it leaves out.
 */
class DatabaseTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      jdbc:postgresql://db.internal:5432/veil                                        | 15  | true
      jdbc:postgresql://db.internal/veil?sslmode=require                             | 15  | true
      jdbc:postgresql://db.internal/veil?socketTimeout=5                             | 5   | true
      jdbc:postgresql://db.internal/veil?sslmode=require&socketTimeout=120           | 120 | true
      jdbc:postgresql://db.internal/veil?socketTimeout=0                             | 0   | true
      jdbc:postgresql://a:5432,b:5432/veil?targetServerType=primary&socketTimeout=7  | 7   | true
      jdbc:postgresql://db.internal/veil?tcpKeepAlive=false                          | 15  | false
      """)
  void theUrlsOwnParametersWinOverThePoolsDefaults(String url, int socketTimeoutSeconds, boolean keepAlive)
      throws SQLException {
    // pgjdbc's Driver.connect reads the URL over the properties it is given (HikariCP's data-source properties)
    Properties effective = Driver.parseURL(url, Database.postgresDefaults());
    assertThat(PGProperty.SOCKET_TIMEOUT.getInt(effective)).isEqualTo(socketTimeoutSeconds);
    assertThat(PGProperty.TCP_KEEP_ALIVE.getBoolean(effective)).isEqualTo(keepAlive);
    assertThat(PGProperty.REWRITE_BATCHED_INSERTS.getBoolean(effective)).isTrue();
  }
}
