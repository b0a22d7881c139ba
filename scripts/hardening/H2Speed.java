import java.sql.*;

/**
 * What WRITE_DELAY=0 costs: microseconds per committed single-row insert (5000 after 500 warm-up).
 * {@code java -cp $J H2Speed.java /tmp/h2s/db ""} and {@code ... ";WRITE_DELAY=0"} on a fresh directory each.
 */
public class H2Speed {
  public static void main(String[] a) throws Exception {
    String url = "jdbc:h2:file:" + a[0] + ";DB_CLOSE_ON_EXIT=FALSE" + a[1];
    try (Connection c = DriverManager.getConnection(url, "veil", "")) {
      c.createStatement().execute("CREATE TABLE IF NOT EXISTS t(id INT PRIMARY KEY, v VARCHAR(200))");
      PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES(?, ?)");
      for (int i = 0; i < 500; i++) { p.setInt(1, i); p.setString(2, "x".repeat(100)); p.executeUpdate(); }
      long t0 = System.nanoTime();
      for (int i = 500; i < 5500; i++) { p.setInt(1, i); p.setString(2, "x".repeat(100)); p.executeUpdate(); }
      System.out.printf("%s: %.1f us per committed insert%n", a[1], (System.nanoTime() - t0) / 5000 / 1000.0);
    }
  }
}
