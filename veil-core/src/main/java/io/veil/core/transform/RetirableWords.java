package io.veil.core.transform;

import io.veil.core.TokenIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A necessary condition for {@link Restorer#collisions}: whether any surrogate (or surrogate-name part) of a
 * scope can occur in a text at all, answered in time linear in the text and independent of how many values
 * the scope holds. The collision check used to build the scope's whole restore index for every text of a
 * conversation (O(texts × values)); it now builds it only for a text this index cannot rule out.
 *
 * <p>Why it is exact to skip: a retirable target of {@link RestoreIndex} (a surrogate, or the first or last
 * word of a surrogate name) matches only where its case-folded key equals the folded text, at word
 * boundaries wherever the key begins or ends with a letter or digit. Call a maximal run of letters and
 * digits in a folded string a <em>run</em> ({@link Character#isLetterOrDigit} is unchanged by
 * {@link RestoreIndex#fold(char)} for every UTF-16 unit; a test checks all of them). Inside a match, the
 * key's non-run characters face non-run characters of the text, and at its edges the boundary check sees a
 * non-run character or the text's end. So a match's runs are a window of <em>consecutive</em> runs of the
 * text, equal to the key's runs. This index keys every candidate by its runs joined; a text is a candidate
 * only if some window of its runs hits a key, and that key (folded) is a substring of the folded text. It
 * registers a superset of the retirable targets (every surrogate whatever its type, its first and last
 * whitespace-separated word whatever the name-part rules decide), minus those retired, so "no" is exact.
 *
 * <p>Cost per text: O(text length × the number of distinct run counts among the keys), plus at most
 * {@link #MAX_SUBSTRING_CHECKS} substring checks (past those it answers "maybe"). Memory: O(keys).
 *
 * <p>Thread safety: not thread-safe; the vault serialises {@link #add} and queries ({@link TokenIndex}).
 *
 * <p><b>Security:</b> holds surrogates (not original values); {@link #toString()} prints only counts.
 */
final class RetirableWords implements TokenIndex {
  /** Keys whose runs a text holds but whose substring check failed, before answering "maybe". */
  static final int MAX_SUBSTRING_CHECKS = 16;
  private static final char JOIN = '\u0000';

  private record Key(String raw, String folded) {}

  /** Keys by their runs joined with {@link #JOIN}. */
  private final Map<String, List<Key>> byRuns = new HashMap<>();
  /** How many keys have each run count (the window sizes to try), by run count. */
  private final Map<Integer, Integer> runCounts = new HashMap<>();
  /** Keys with no letter or digit: they can occur anywhere, so any text is a candidate. */
  private final List<Key> runless = new ArrayList<>();
  /** Raw keys retired in the scope: {@link RestoreIndex#build} makes no target of them. */
  private final Set<String> retired = new HashSet<>();

  @Override
  public void add(String token) {
    if (token.startsWith(RestoreIndex.RETIRED_PREFIX)) {
      retired.add(token.substring(RestoreIndex.RETIRED_PREFIX.length()));
      return;
    }
    if (!RestoreIndex.mayBeRetirable(token)) {
      return;
    }
    register(token);
    // name parts as RestoreIndex.addNameParts / putPart cut them, for any type (a superset)
    String[] words = token.strip().split("\\s+");
    if (words.length >= 2) {
      registerPart(words[0]);
      registerPart(words[words.length - 1]);
    }
  }

  private void registerPart(String part) {
    if (part.length() >= 2 && RestoreIndex.isWord(part.charAt(0))
        && RestoreIndex.isWord(part.charAt(part.length() - 1))) {
      register(part);
    }
  }

  private void register(String raw) {
    String folded = RestoreIndex.fold(raw);
    List<String> runs = runs(folded);
    Key key = new Key(raw, folded);
    if (runs.isEmpty()) {
      runless.add(key);
      return;
    }
    byRuns.computeIfAbsent(String.join(String.valueOf(JOIN), runs), k -> new ArrayList<>(1)).add(key);
    runCounts.merge(runs.size(), 1, Integer::sum);
  }

  /**
   * False only if no surrogate or surrogate-name part of the scope that is not retired can match in
   * {@code text}; true if one may (then the caller runs the full check).
   */
  boolean mayOccurIn(String text) {
    for (Key k : runless) {
      if (!retired.contains(k.raw())) {
        return true;
      }
    }
    if (byRuns.isEmpty()) {
      return false;
    }
    String folded = RestoreIndex.fold(text);
    List<int[]> runs = runBounds(folded);
    int checks = 0;
    StringBuilder window = new StringBuilder();
    for (int size : new TreeSet<>(runCounts.keySet())) {
      for (int j = 0; j + size <= runs.size(); j++) {
        window.setLength(0);
        for (int r = j; r < j + size; r++) {
          if (r > j) {
            window.append(JOIN);
          }
          window.append(folded, runs.get(r)[0], runs.get(r)[1]);
        }
        List<Key> keys = byRuns.get(window.toString());
        if (keys == null) {
          continue;
        }
        for (Key k : keys) {
          if (retired.contains(k.raw())) {
            continue;
          }
          if (++checks > MAX_SUBSTRING_CHECKS || folded.contains(k.folded())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The maximal runs of letters and digits of a folded string. */
  static List<String> runs(String folded) {
    List<String> out = new ArrayList<>();
    for (int[] r : runBounds(folded)) {
      out.add(folded.substring(r[0], r[1]));
    }
    return out;
  }

  /** The {start, end} bounds of the maximal runs of letters and digits of a folded string. */
  private static List<int[]> runBounds(String folded) {
    List<int[]> out = new ArrayList<>();
    int n = folded.length();
    for (int i = 0; i < n; ) {
      if (!Character.isLetterOrDigit(folded.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      while (i < n && Character.isLetterOrDigit(folded.charAt(i))) {
        i++;
      }
      out.add(new int[] {start, i});
    }
    return out;
  }

  @Override
  public String toString() {
    return "RetirableWords[keys=" + (runless.size() + runCounts.values().stream().mapToInt(Integer::intValue).sum())
        + ", retired=" + retired.size() + "]";
  }
}
