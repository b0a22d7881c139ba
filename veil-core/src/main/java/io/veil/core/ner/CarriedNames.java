package io.veil.core.ner;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Name consistency across the windows of one streamed text ({@link io.veil.core.Analyzer#analyze(java.io.Reader,
 * String, java.util.function.Consumer)}): the engines find "Wiremu Tapsell" in one window and, by
 * {@link NameMentions}, the lone "Tapsell" later in that window, but a window sees nothing of the windows before it,
 * so the lone surname two windows later went to the sink unreported. This class carries the sure names of the windows
 * already analysed to the windows after them, with the rules of the engines' own pass (seeds, parts, conflicts, case;
 * see {@link NameMentions}), so that a streamed text finds the mentions the whole-text analysis finds after a name.
 *
 * <p>Use: one instance per stream; for each window in order, {@link #next} with the window's findings as the
 * analyzer reported them (sorted by start, not overlapping) and the part of the window the caller delivers. It first
 * remembers the seeds of that part and the words of its places, organizations and addresses, then adds the mentions
 * of every remembered name that no remembered conflict stops, anywhere in the window. So a mention the engine's own
 * pass lost to a guess at the window's cut edge is found too. Each window is read as detection reads it, in its
 * {@link io.veil.core.DetectionText} view, and the mentions are reported with their original spans. A name first seen in a later window does not reach
 * back to the windows already delivered; a place seen later does not take back the mentions already delivered (the
 * whole-text pass would drop the name everywhere).
 *
 * <p>Memory is bounded whatever the length of the stream: at most {@value #MAX_SEEDS} seeds of at most
 * {@value #MAX_SEED_CHARS} characters are kept (copies, not the windows), the least recently seen dropped first, and at
 * most {@value #MAX_CONFLICTS} conflicting words of at most {@value #MAX_SEED_CHARS} characters (a longer one is part
 * of no seed), the oldest dropped first. A text with no PERSON finding costs one
 * look at each finding's type per window.
 *
 * <p>Only adds PERSON findings (recognizer {@value #RECOGNIZER}) scored as their best seed; a finding given to
 * {@link #next} is returned unchanged unless it scored under 0.5 and a mention takes its place (as in
 * {@link NameMentions}).
 *
 * <p>Thread safety: not thread-safe; one instance serves one stream on one thread.
 *
 * <p><b>Security:</b> it holds copies of the names of the stream (at most {@value #MAX_SEEDS}) until it is dropped:
 * keep it no longer than the stream and never log it. It only ever adds findings, so using it can hide more, never
 * less.
 */
public final class CarriedNames {
  /** The recognizer name of the findings it adds. */
  public static final String RECOGNIZER = RequestNames.RECOGNIZER;
  /** Most seeds kept; the least recently seen goes first. */
  static final int MAX_SEEDS = 64;
  /** A longer PERSON finding is no seed (no name is this long; the bound keeps the copies small). */
  static final int MAX_SEED_CHARS = 128;
  /** Most conflicting words (of places, organizations, addresses) kept; the oldest goes first. */
  static final int MAX_CONFLICTS = 1024;

  private final String language;
  /** Seed text (a copy) by its lower-case form, with its best score; in access order, eldest first. */
  private final LinkedHashMap<String, Seed> seeds = new LinkedHashMap<>(16, 0.75f, true);
  /** Lower-case words written inside a sure LOCATION, ORGANIZATION or ADDRESS finding, oldest first. */
  private final LinkedHashSet<String> conflicts = new LinkedHashSet<>();

  private record Seed(String text, double score) {}

  /** @param language the stream's ISO 639-1 code, or null to guess it per window ({@link LanguageGuess}) */
  public CarriedNames(String language) {
    this.language = language;
  }

  /** {@link #next(String, List, int, int)} for a window whose every finding is delivered. */
  public List<Finding> next(String text, List<Finding> findings) {
    return next(text, findings, 0, text.length());
  }

  /**
   * {@code findings} of the window {@code text} with the mentions of the names of the earlier windows and of this
   * one added, sorted by start, not overlapping ({@code findings} itself when there is none). Only the findings that
   * start in {@code [from, to)}, the part of the window the caller delivers, count as names and as conflicts: the
   * window's edges cut sentences, and a guess made there (a lone surname called ORGANIZATION before a cut) would
   * otherwise stop a name that the whole text does not stop. The next window sees those edges again, whole.
   */
  public List<Finding> next(String text, List<Finding> findings, int from, int to) {
    // in the window's view, where detection found the findings: "Tap\u200Bsell" is a mention of "Tapsell"
    return NameMentions.onView(text, findings,
        (read, found, offset) -> carry(read, found, offset.applyAsInt(from), offset.applyAsInt(to)));
  }

  /** {@link #next} in the text detection read. */
  private List<Finding> carry(String text, List<Finding> findings, int from, int to) {
    remember(text, findings, from, to);
    if (seeds.isEmpty() || text.isEmpty()) {
      return findings;
    }
    NameMentions.Parts parts = new NameMentions.Parts();
    for (Seed s : seeds.values()) {
      parts.addWords(s.text(), new Finding(0, s.text().length(), EntityType.PERSON, s.score(), RECOGNIZER));
    }
    for (String word : conflicts) {
      parts.drop(word);
    }
    if (parts.size == 0) {
      return findings;
    }
    // the language is guessed only if a candidate mention needs it (as in RequestNames)
    int lang = language != null ? NameMentions.languageCode(language) : NameMentions.UNGUESSED;
    return NameMentions.apply(text, findings, parts, lang, RECOGNIZER);
  }

  /** Keeps the seeds and the conflicting words of the {@code findings} starting in {@code [from, to)}, within bounds. */
  private void remember(String text, List<Finding> findings, int from, int to) {
    for (Finding f : findings) {
      if (f.start() < from || f.start() >= to) {
        continue;
      }
      if (f.type().equals(EntityType.PERSON)) {
        if (f.length() <= MAX_SEED_CHARS && NameMentions.seed(text, f)) {
          String value = f.value(text);
          String key = value.toLowerCase(Locale.ROOT);
          Seed old = seeds.get(key); // (moves it to the most recent end)
          if (old == null || old.score() < f.score()) {
            seeds.put(key, new Seed(value, f.score()));
          }
          if (seeds.size() > MAX_SEEDS) {
            Iterator<Map.Entry<String, Seed>> eldest = seeds.entrySet().iterator();
            eldest.next();
            eldest.remove();
          }
        }
      } else if (NameMentions.conflicting(f)) {
        int i = f.start();
        while ((i = NameMentions.nextLetter(text, i, f.end())) < f.end()) {
          int e = NameMentions.wordEnd(text, i, f.end());
          // a word longer than a seed is no part of one: keeping it would only make memory grow with the input (the
          // model labels a 20,000-letter word ORGANIZATION, and 1,024 of them would stay for the whole stream)
          if (e - i >= NameMentions.MIN_PART && e - i <= MAX_SEED_CHARS) {
            String word = text.substring(i, e).toLowerCase(Locale.ROOT);
            conflicts.remove(word); // (re-added as the newest)
            conflicts.add(word);
            if (conflicts.size() > MAX_CONFLICTS) {
              conflicts.remove(conflicts.iterator().next());
            }
          }
          i = e;
        }
      }
    }
  }

  /** How many seeds are kept (for tests). */
  int seedCount() {
    return seeds.size();
  }

  /** How many conflicting words are kept (for tests). */
  int conflictCount() {
    return conflicts.size();
  }
}
