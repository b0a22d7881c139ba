package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pool's read bound: the URL's own {@code socketTimeout} wins over the default. */
class PostgresReadBoundTest {

  @ParameterizedTest(name = "{0} -> {1} s")
  @CsvSource(delimiter = '|', textBlock = """
      jdbc:postgresql://db.internal:5432/veil                                        | 30 | false
      jdbc:postgresql://db.internal/veil?sslmode=require                             | 30 | false
      jdbc:postgresql://db.internal/veil?socketTimeout=5                             | 5  | true
      jdbc:postgresql://db.internal/veil?sslmode=require&socketTimeout=120           | 120| true
      jdbc:postgresql://db.internal/veil?socketTimeout=0                             | 0  | true
      jdbc:postgresql://a:5432,b:5432/veil?targetServerType=primary&socketTimeout=7  | 7  | true
      jdbc:postgresql://db.internal/veil?connectTimeout=5&tcpKeepAlive=false         | 30 | false
      jdbc:postgresql://db.internal/veil?SOCKETTIMEOUT=5                             | 30 | false
      """)
  void theUrlsOwnSocketTimeoutWins(String url, long seconds, boolean setByUrl) {
    assertThat(PostgresReadBound.of(url)).isEqualTo(Duration.ofSeconds(seconds));
    assertThat(PostgresReadBound.setByUrl(url)).isEqualTo(setByUrl);
  }

  @ParameterizedTest
  @CsvSource({"jdbc:postgresql://db.internal/veil?tcpKeepAlive=false, false",
      "jdbc:postgresql://db.internal/veil, "})
  void urlPropertiesAreReadAsPgjdbcReadsThem(String url, String tcpKeepAlive) {
    assertThat(PostgresReadBound.urlProperty(url, "tcpKeepAlive")).isEqualTo(tcpKeepAlive);
  }
}
