import io.veil.core.Analyzer;
import io.veil.core.Policy;
import io.veil.core.Scope;
import io.veil.core.Veil;
import io.veil.store.Database;
import io.veil.store.DatabaseConfig;
import io.veil.store.JdbcTokenVault;
import io.veil.store.KeyManager;
import io.veil.store.SubjectKeys;
import io.veil.store.SubjectResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Doubling experiment for the gateway's vault path: dense text ({@link DenseScaling#dense}) pseudonymized with
 * a {@link JdbcTokenVault} over a fresh H2 file database, inside one {@code batched} call as the gateway's
 * {@code PiiInterceptor} runs a request, as one message and as messages of about 500 characters (a
 * conversation), each in a fresh scope. Prints size → seconds → ratio to the previous size.
 *
 * <pre>
 * java -cp VEIL_CORE_CLASSES:VEIL_STORE_CLASSES:DEPS scripts/perf/DenseVaultScaling.java [smallestChars] [doublings]
 * </pre>
 * (JDK 22+ finds DenseScaling.java next to it: multi-file source launch)
 */
public class DenseVaultScaling {
  public static void main(String[] a) throws Exception {
    int smallest = a.length > 0 ? Integer.parseInt(a[0]) : 6_250;
    int doublings = a.length > 1 ? Integer.parseInt(a[1]) : 4;
    Path dir = Files.createTempDirectory("dense-vault");
    try (Database db = Database.open(DatabaseConfig.h2(dir.resolve("db")))) {
      KeyManager keys = KeyManager.openOrCreate(dir.resolve("keys"));
      JdbcTokenVault vault = new JdbcTokenVault(db, new SubjectKeys(db, keys), Duration.ofHours(1),
          SubjectResolver.perConversation());
      Analyzer analyzer = Policy.defaults().newAnalyzer();
      Veil veil = Veil.builder().analyzer(analyzer).vault(vault).build();
      int[] run = {0};
      java.util.function.BiFunction<String, Integer, Double> time = (text, piece) -> {
        Scope scope = new Scope("t", "run-" + run[0]++);
        long t0 = System.nanoTime();
        vault.batched(() -> {
          for (int i = 0; i < text.length(); i += piece) {
            veil.pseudonymize(scope, text.substring(i, Math.min(text.length(), i + piece)));
          }
          return null;
        });
        return (System.nanoTime() - t0) / 1e9;
      };
      time.apply(DenseScaling.dense(20_000, 7), 500); // warm-up
      time.apply(DenseScaling.dense(20_000, 8), 20_000);
      System.out.printf("%10s %14s %5s %16s %5s%n", "chars", "one message s", "x", "500-char msgs s", "x");
      double p1 = 0;
      double p2 = 0;
      for (int d = 0; d <= doublings; d++) {
        int n = smallest << d;
        String text = DenseScaling.dense(n, 42);
        double one = time.apply(text, n);
        double msgs = time.apply(text, 500);
        System.out.printf("%10d %14.3f %5s %16.3f %5s%n", n, one, d == 0 ? "" : String.format("%.2f", one / p1),
            msgs, d == 0 ? "" : String.format("%.2f", msgs / p2));
        p1 = one;
        p2 = msgs;
      }
    }
  }
}
