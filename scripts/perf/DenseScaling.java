import io.veil.core.Analyzer;
import io.veil.core.Finding;
import io.veil.core.Policy;
import io.veil.core.PseudonymizedText;
import io.veil.core.Scope;
import io.veil.core.Veil;
import io.veil.core.vault.InMemoryTokenVault;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import net.datafaker.Faker;

/**
 * Doubling experiment for PII-dense input: generates text made almost only of personal data (names, e-mails,
 * phones, IBANs, cards separated by short words, fixed seed) at doubling sizes and times each step of the core
 * path — analyze, pseudonymize (fresh scope), pseudonymize again in the same scope (second turn: the vault
 * already holds every value), restore — in wall time, best of {@code reps}. Prints size → seconds → ratio to
 * the previous size; a linear step shows ratios near 2.
 *
 * <pre>
 * java -cp VEIL_CORE_CLASSES:DEPS scripts/perf/DenseScaling.java [smallestChars] [doublings] [reps] [surrogate]
 * </pre>
 */
public class DenseScaling {
  /** The in-memory vault without its per-scope bound (10,000 values by default), which dense texts exceed. */
  static final Supplier<InMemoryTokenVault> VAULT =
      () -> InMemoryTokenVault.builder().maxEntriesPerScope(Integer.MAX_VALUE).build();

  public static String dense(int chars, long seed) {
    Faker f = new Faker(Locale.ENGLISH, new Random(seed));
    String[] glue = {"and", "or", "then", "call", "mail", "pay", "to", "from", "cc", "re:"};
    StringBuilder sb = new StringBuilder(chars + 64);
    Random r = new Random(seed ^ 0x5DEECE66DL);
    while (sb.length() < chars) {
      String v = switch (r.nextInt(5)) {
        case 0 -> f.name().fullName();
        case 1 -> f.internet().emailAddress();
        case 2 -> f.phoneNumber().cellPhone();
        case 3 -> f.finance().iban("DE");
        default -> f.finance().creditCard().replace("-", " ");
      };
      sb.append(v).append(' ').append(glue[r.nextInt(glue.length)]).append(' ');
    }
    sb.setLength(chars);
    return sb.toString();
  }

  static double time(int reps, Supplier<Object> task) {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      task.get();
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return best;
  }

  public static void main(String[] a) {
    int smallest = a.length > 0 ? Integer.parseInt(a[0]) : 12_500;
    int doublings = a.length > 1 ? Integer.parseInt(a[1]) : 5;
    int reps = a.length > 2 ? Integer.parseInt(a[2]) : 3;
    // a fourth argument "surrogate": EMAIL and PHONE get surrogates instead of placeholders
    // (PERSON is left out: in a text made of names every surrogate name clashes and the mint fails closed)
    Policy policy = a.length > 3 && a[3].equals("surrogate")
        ? Policy.parse("version: dense\nentities:\n  EMAIL: surrogate\n  PHONE: surrogate\n")
        : Policy.defaults();
    Analyzer analyzer = policy.newAnalyzer();
    // warm-up
    for (int i = 0; i < 3; i++) {
      Veil v = Veil.builder().policy(policy).analyzer(analyzer).vault(VAULT.get()).build();
      String t = dense(20_000, 99 + i);
      v.restore(new Scope("t", "w"), v.pseudonymize(new Scope("t", "w"), t).text());
    }
    String[] steps = {"analyze", "pseudonymize", "2nd turn", "restore", "500-char msgs"};
    double[] prev = null;
    System.out.printf("%10s %9s", "chars", "findings");
    for (String s : steps) System.out.printf(" %14s %5s", s + " s", "x");
    System.out.println();
    for (int d = 0; d <= doublings; d++) {
      int n = smallest << d;
      String text = dense(n, 42);
      List<Finding> findings = analyzer.analyze(text, null);
      double[] t = new double[5];
      t[0] = time(reps, () -> analyzer.analyze(text, null));
      PseudonymizedText[] out = new PseudonymizedText[1];
      Veil[] veil = new Veil[1];
      Scope scope = new Scope("t", "dense");
      t[1] = time(reps, () -> {
        veil[0] = Veil.builder().policy(policy).analyzer(analyzer).vault(VAULT.get()).build();
        return out[0] = veil[0].pseudonymize(scope, text);
      });
      t[2] = time(reps, () -> veil[0].pseudonymize(scope, text));
      t[3] = time(reps, () -> veil[0].restore(scope, out[0].text()));
      t[4] = time(reps, () -> {
        // a conversation: the same text as messages of about 500 characters, one scope, one call each
        Veil conv = Veil.builder().policy(policy).analyzer(analyzer).vault(VAULT.get()).build();
        Scope c = new Scope("t", "conversation");
        int sum = 0;
        for (int i = 0; i < text.length(); i += 500) {
          sum += conv.pseudonymize(c, text.substring(i, Math.min(text.length(), i + 500))).text().length();
        }
        return sum;
      });
      if (!veil[0].restore(scope, out[0].text()).equals(text)) {
        System.out.println("  (restore differs from the input at " + n + " chars)");
      }
      System.out.printf("%10d %9d", n, findings.size());
      for (int k = 0; k < t.length; k++) {
        System.out.printf(" %14.3f %5s", t[k], prev == null ? "" : String.format("%.2f", t[k] / prev[k]));
      }
      System.out.println();
      prev = t;
    }
  }
}
