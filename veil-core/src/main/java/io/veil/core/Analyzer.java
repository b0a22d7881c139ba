package io.veil.core;

import io.veil.core.ner.CarriedNames;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The detection engine: runs every {@link Recognizer} and the {@link NerEngine} over a text, raises
 * scores where context words support a finding, drops findings under their type's threshold or on
 * the allow-list, adds deny-list terms, and resolves overlaps.
 *
 * <p>Overlap rule: findings are ranked by score (higher first), then by length (longer first), then
 * by start (earlier first); each is kept unless it overlaps one already kept. The result is sorted
 * by start and no two findings overlap, so every character is replaced at most once.
 *
 * <pre>{@code
 * Analyzer analyzer = Analyzer.builder().addRecognizers(myRecognizers).build();
 * for (Finding f : analyzer.analyze("Call me at +44 20 7946 0958")) { ... }
 * }</pre>
 *
 * <p>Speed: before running the recognizers, one pass over the text computes its {@link TextTraits}
 * (ASCII characters present, digit count, longest token); a recognizer whose
 * {@link Recognizer#trigger() trigger} (read once, when the analyzer is built, and tested with a few bit
 * tests per text) or, for one without a trigger, {@link Recognizer#mayFind(TextTraits)} is false, or that {@linkplain Recognizer#findingsContainDigit()
 * needs a digit} in a digit-free text, is not run, which changes no result. The same traits (which
 * include the text's word spans) are handed to each recognizer through
 * {@link Recognizer#analyze(String, String, TextTraits)}, so that the built-ins visit only the word
 * starts they can open at instead of each walking every character. A text without candidates returns
 * {@code List.of()} without further allocation.
 *
 * <p>Thread safety: immutable once built; one instance serves all threads.
 *
 * <p>Failure: if a recognizer throws, {@link #analyze} throws {@link DetectionException} (without
 * any part of the text) so callers fail closed.
 */
public final class Analyzer {
  private final List<Recognizer> recognizers;
  /** Each recognizer's context words, prepared once (same order as {@link #recognizers}). */
  private final List<ContextWords> contextWords;
  /** Per recognizer: {@link Recognizer#findingsContainDigit()}, read once. */
  private final boolean[] needsDigit;
  /**
   * The recognizers' triggers as one flat table of clauses, read once: recognizer ri's clauses are
   * {@code [clauseFrom[ri], clauseFrom[ri + 1])}; none where it has no trigger ({@link #callMayFind}).
   * A recognizer that {@linkplain Recognizer#findingsContainDigit() needs a digit} has at least one
   * digit in each of its clauses. Per clause: the fewest ASCII digits, the shortest longest graphic run,
   * and the ASCII character set of which one must be present (both halves zero: no character needed).
   */
  private final int[] clauseFrom;
  private final int[] clauseDigits;
  private final int[] clauseRun;
  private final long[] clauseLow;
  private final long[] clauseHigh;
  /** Per recognizer: it has no trigger, so {@link Recognizer#mayFind(TextTraits)} is called per text. */
  private final boolean[] callMayFind;
  private final Map<EntityType, Double> thresholds;
  private final double defaultThreshold;
  private final Set<String> allowList;
  private final Map<String, EntityType> denyList;
  private final Set<EntityType> enabled;
  private final ContextEnhancer contextEnhancer;

  private Analyzer(Builder b) {
    this.recognizers = List.copyOf(b.recognizers);
    this.contextWords = recognizers.stream().map(r -> ContextWords.of(r.contextWords())).toList();
    this.needsDigit = new boolean[recognizers.size()];
    for (int i = 0; i < needsDigit.length; i++) {
      needsDigit[i] = recognizers.get(i).findingsContainDigit();
    }
    int n = recognizers.size();
    Trigger[] triggers = new Trigger[n];
    this.callMayFind = new boolean[n];
    this.clauseFrom = new int[n + 1];
    int clauses = 0;
    for (int i = 0; i < n; i++) {
      triggers[i] = recognizers.get(i).trigger();
      callMayFind[i] = triggers[i] == null;
      clauseFrom[i] = clauses;
      clauses += triggers[i] == null ? 1 : triggers[i].low.length;
    }
    clauseFrom[n] = clauses;
    this.clauseDigits = new int[clauses];
    this.clauseRun = new int[clauses];
    this.clauseLow = new long[clauses];
    this.clauseHigh = new long[clauses];
    for (int i = 0; i < n; i++) {
      Trigger t = triggers[i];
      int at = clauseFrom[i];
      int min = needsDigit[i] ? 1 : 0;
      if (t == null) {
        // one clause that holds for every text with the digit the recognizer may need; mayFind decides
        clauseDigits[at] = min;
        continue;
      }
      for (int c = 0; c < t.low.length; c++, at++) {
        clauseDigits[at] = Math.max(min, t.minDigits[c]);
        clauseRun[at] = t.minRun[c];
        clauseLow[at] = t.needsChar[c] ? t.low[c] : 0;
        clauseHigh[at] = t.needsChar[c] ? t.high[c] : 0;
      }
    }
    this.thresholds = Map.copyOf(b.thresholds);
    this.defaultThreshold = b.defaultThreshold;
    this.allowList = Set.copyOf(b.allowList);
    this.denyList = Map.copyOf(b.denyList);
    this.enabled = b.enabled == null ? null : Set.copyOf(b.enabled);
    this.contextEnhancer = new ContextEnhancer(b.contextWindow, b.contextBoost);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Analyses a text of unknown language. */
  public List<Finding> analyze(String text) {
    return analyze(text, null);
  }

  /**
   * Returns the non-overlapping findings in {@code text}, sorted by start.
   *
   * <p>Hidden characters do not hide personal data: detection runs on a view of the text with
   * format characters (zero-width space, joiners, soft hyphen, BOM) removed and full-width forms,
   * other compatibility forms and non-ASCII digits folded to ASCII; each finding's span is mapped
   * back to the original text and covers the hidden characters inside the value.
   *
   * @param language ISO 639-1 code, or null to let engines guess
   * @throws DetectionException if a recognizer fails
   */
  public List<Finding> analyze(String text, String language) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      return List.of();
    }
    // detection reads what a reader sees: zero-width and other format characters dropped,
    // full-width and other compatibility forms and non-ASCII digits folded (see DetectionText);
    // findings are mapped back to spans of the original text, hidden characters included
    // one pass computes the text's traits (see analyzeView); it also tells whether any character is
    // one DetectionText may fold or drop (outside Latin-1, a no-break space or a soft hyphen): a text
    // without one (ASCII, accented Latin-1 letters) is its own view and DetectionText's scan is skipped
    TextTraits traits = TextTraits.of(text);
    // a backslash may begin a JSON escape of a non-ASCII letter (json.dumps), which DetectionText reads as the letter
    if (!traits.mayNeedView() && !traits.mayContain('\\')) {
      return analyzeView(text, language, traits);
    }
    DetectionText view = DetectionText.of(text);
    if (!view.changed()) {
      return analyzeView(text, language, traits);
    }
    List<Finding> found = analyzeView(view.view(), language, TextTraits.of(view.view()));
    if (found.isEmpty()) {
      return found;
    }
    List<Finding> out = new ArrayList<>(found.size());
    for (Finding f : found) {
      out.add(view.toOriginal(f));
    }
    return out;
  }

  /** Detection on the view {@code text}, whose traits are {@code traits}. */
  private List<Finding> analyzeView(String text, String language, TextTraits traits) {
    List<Finding> candidates = null;
    // trigger-first: recognizers that cannot report anything in a text with these traits (no digit,
    // no '@', no long token, ...) are not run at all
    int digits = traits.asciiDigits();
    int run = traits.longestAsciiGraphicRun();
    long low = traits.asciiLow();
    long high = traits.asciiHigh();
    for (int ri = 0; ri < recognizers.size(); ri++) {
      if (!gateOpen(ri, digits, run, low, high)) {
        continue;
      }
      Recognizer r = recognizers.get(ri);
      List<Finding> found;
      try {
        if (callMayFind[ri] && !r.mayFind(traits)) {
          continue;
        }
        found = r.analyze(text, language, traits);
      } catch (RuntimeException | StackOverflowError e) {
        throw new DetectionException("recognizer " + r.name() + " failed: " + e.getClass().getSimpleName());
      }
      if (found.isEmpty()) {
        continue;
      }
      if (candidates == null) {
        candidates = new ArrayList<>();
      }
      ContextWords context = contextWords.get(ri);
      for (Finding f : found) {
        if (enabled != null && !enabled.contains(f.type())) {
          continue;
        }
        if (f.end() > text.length()) {
          throw new DetectionException("recognizer " + r.name() + " returned a span outside the text");
        }
        candidates.add(contextEnhancer.enhance(text, f, context, traits));
      }
    }
    if (!denyList.isEmpty()) {
      if (candidates == null) {
        candidates = new ArrayList<>();
      }
      addDenied(text, candidates);
    }
    if (candidates == null || candidates.isEmpty()) {
      return List.of();
    }
    if (candidates.size() == 1) {
      // (what the general path below returns for one candidate, without its lists)
      Finding f = candidates.get(0);
      return reported(text, f) ? List.of(f) : List.of();
    }
    List<Finding> kept = new ArrayList<>(candidates.size());
    for (Finding f : candidates) {
      if (reported(text, f)) {
        kept.add(f);
      }
    }
    return OverlapResolver.resolve(kept);
  }

  /** True unless {@code f} scores under its type's threshold or its value is on the allow-list. */
  private boolean reported(String text, Finding f) {
    double min = defaultThreshold;
    if (!thresholds.isEmpty()) {
      Double own = thresholds.get(f.type());
      if (own != null) {
        min = own;
      }
    }
    if (f.score() < min) {
      return false;
    }
    return allowList.isEmpty() || !allowList.contains(f.value(text).toLowerCase(Locale.ROOT));
  }

  /** True if one of recognizer {@code ri}'s trigger clauses holds for a text with these traits. */
  private boolean gateOpen(int ri, int digits, int run, long low, long high) {
    for (int c = clauseFrom[ri], to = clauseFrom[ri + 1]; c < to; c++) {
      long l = clauseLow[c];
      long h = clauseHigh[c];
      if (digits >= clauseDigits[c] && run >= clauseRun[c]
          && ((l | h) == 0 || (low & l) != 0 || (high & h) != 0)) {
        return true;
      }
    }
    return false;
  }

  /** Characters analysed at once by {@link #analyze(Reader, String, Consumer)}. */
  static final int WINDOW = 128 * 1024;
  /**
   * Characters shared by neighbouring windows on each side: more than the longest built-in entity
   * (a PEM private-key block, at most 16 Ki characters) plus the context a recognizer looks at.
   */
  static final int OVERLAP = 20_000;

  /**
   * Analyses a text of any length read from {@code reader} with bounded memory: the text is cut into
   * windows of {@value #WINDOW} characters that overlap by {@value #OVERLAP} characters on each side,
   * each window is analysed like a whole text, and each finding is reported once, by the window in
   * whose central part it starts, with offsets relative to the start of the whole text (UTF-16
   * units). Findings arrive in increasing start order and never overlap. For a text up to the length
   * of an entity plus its context from a window edge, the result equals
   * {@link #analyze(String, String)} on the whole text.
   *
   * <p>Names: a sure PERSON finding of one window ("Wiremu Tapsell") is carried to the windows after
   * it ({@link CarriedNames}), so a later mention of the name or one of its parts ("Tapsell") is
   * reported as the whole-text analysis reports it. A name reaches forward only: a mention before
   * the window of the name's first sure finding is found only if that window's engine finds it. A NER
   * engine reads a window, not the whole text, so a name may still be judged differently near a
   * window's edge (another type, or a name the whole text does not report).
   *
   * <p>Memory: about {@value #WINDOW} characters plus the findings of one window, and at most
   * {@link CarriedNames}' bounded set of names, whatever the length of the input. The reader is read
   * to its end but not closed.
   *
   * @param sink receives each finding; it runs on the calling thread
   * @throws IOException if reading fails (findings already delivered stay delivered)
   * @throws DetectionException if a recognizer fails
   */
  public void analyze(Reader reader, String language, Consumer<Finding> sink) throws IOException {
    analyzeWindows(reader, language, sink, WINDOW, OVERLAP);
  }

  /** {@link #analyze(Reader, String, Consumer)} collecting the findings in a list. */
  public List<Finding> analyze(Reader reader, String language) throws IOException {
    List<Finding> out = new ArrayList<>();
    analyze(reader, language, out::add);
    return out;
  }

  void analyzeWindows(Reader reader, String language, Consumer<Finding> sink, int window, int overlap)
      throws IOException {
    Objects.requireNonNull(reader, "reader");
    Objects.requireNonNull(sink, "sink");
    if (window <= 3 * overlap || overlap < 0) {
      throw new IllegalArgumentException("window must exceed three overlaps");
    }
    char[] buf = new char[window];
    int len = 0;       // chars in buf
    long base = 0;     // absolute offset of buf[0]
    long commitFrom = 0;
    boolean eof = false;
    CarriedNames names = new CarriedNames(language);
    while (true) {
      while (!eof && len < window) {
        int r = reader.read(buf, len, window - len);
        if (r < 0) {
          eof = true;
        } else {
          len += r;
        }
      }
      long commitTo;
      if (eof) {
        commitTo = base + len;
      } else {
        int cut = len - overlap;
        // never split a surrogate pair
        if (Character.isLowSurrogate(buf[cut]) && Character.isHighSurrogate(buf[cut - 1])) {
          cut--;
        }
        commitTo = base + cut;
      }
      if (len > 0) {
        String text = new String(buf, 0, len);
        List<Finding> found = analyze(text, language);
        List<Finding> named = names.next(text, found, (int) (commitFrom - base), (int) (commitTo - base));
        for (Finding f : named) {
          if (named != found && !reported(text, f)) {
            continue; // a carried name's mention on the allow-list (the rest pass again unchanged)
          }
          long start = base + f.start();
          if (start >= commitFrom && start < commitTo) {
            long end = base + f.end();
            if (end > Integer.MAX_VALUE) {
              throw new DetectionException("text too long for int offsets");
            }
            sink.accept(new Finding((int) start, (int) end, f.type(), f.score(), f.recognizer()));
          }
        }
      }
      if (eof) {
        return;
      }
      // the next window starts one overlap before the commit boundary
      long nextBase = commitTo - overlap;
      if (Character.isLowSurrogate(buf[(int) (nextBase - base)])) {
        nextBase--;
      }
      int shift = (int) (nextBase - base);
      System.arraycopy(buf, shift, buf, 0, len - shift);
      len -= shift;
      base = nextBase;
      commitFrom = commitTo;
    }
  }

  private void addDenied(String text, List<Finding> out) {
    if (denyList.isEmpty()) {
      return;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.length() != text.length()) {
      lower = TextCase.lowerSameLength(text);
    }
    for (Map.Entry<String, EntityType> e : denyList.entrySet()) {
      String term = e.getKey();
      int from = 0;
      int at;
      while ((at = lower.indexOf(term, from)) >= 0) {
        int end = at + term.length();
        if (TextCase.isWordBoundary(text, at) && TextCase.isWordBoundary(text, end)) {
          out.add(new Finding(at, end, e.getValue(), 1.0, "deny-list"));
        }
        from = at + 1;
      }
    }
  }

  /** The recognizers this analyzer runs, in order. */
  public List<Recognizer> recognizers() {
    return recognizers;
  }

  /** The types this analyzer can report. */
  public Set<EntityType> entityTypes() {
    Set<EntityType> types = new LinkedHashSet<>();
    for (Recognizer r : recognizers) {
      types.addAll(r.entityTypes());
    }
    types.addAll(denyList.values());
    if (enabled != null) {
      types.retainAll(enabled);
    }
    return Collections.unmodifiableSet(types);
  }

  /** Builds an {@link Analyzer}. Not thread-safe; build once, share the result. */
  public static final class Builder {
    private final List<Recognizer> recognizers = new ArrayList<>();
    private final Map<EntityType, Double> thresholds = new HashMap<>();
    private double defaultThreshold = 0.5;
    private final Set<String> allowList = new LinkedHashSet<>();
    private final Map<String, EntityType> denyList = new HashMap<>();
    private Set<EntityType> enabled;
    private int contextWindow = 48;
    private double contextBoost = 0.35;

    private Builder() {}

    public Builder addRecognizer(Recognizer recognizer) {
      recognizers.add(Objects.requireNonNull(recognizer, "recognizer"));
      return this;
    }

    public Builder addRecognizers(Iterable<? extends Recognizer> rs) {
      rs.forEach(this::addRecognizer);
      return this;
    }

    /** Findings of this type with a lower score are dropped. */
    public Builder threshold(EntityType type, double minScore) {
      thresholds.put(Objects.requireNonNull(type), checkScore(minScore));
      return this;
    }

    /** Threshold for types without their own; 0.5 by default. */
    public Builder defaultThreshold(double minScore) {
      this.defaultThreshold = checkScore(minScore);
      return this;
    }

    /** Values that are never reported (compared case-insensitively with the whole finding). */
    public Builder allow(String value) {
      allowList.add(value.toLowerCase(Locale.ROOT));
      return this;
    }

    /** Terms that are always reported as {@code type} where they stand as whole words. */
    public Builder deny(EntityType type, String term) {
      if (term.isBlank()) {
        throw new IllegalArgumentException("deny-list terms must not be blank");
      }
      denyList.put(term.toLowerCase(Locale.ROOT), Objects.requireNonNull(type));
      return this;
    }

    /** Restricts reporting to these types; null (the default) reports every type. */
    public Builder enabledTypes(Set<EntityType> types) {
      this.enabled = types == null ? null : new LinkedHashSet<>(types);
      return this;
    }

    /** How many characters around a finding are searched for context words; 48 by default. */
    public Builder contextWindow(int chars) {
      if (chars < 0 || chars > 1000) {
        throw new IllegalArgumentException("context window must be 0-1000 characters");
      }
      this.contextWindow = chars;
      return this;
    }

    /** How much a context word raises a score; 0.35 by default (Presidio's value). */
    public Builder contextBoost(double boost) {
      this.contextBoost = checkScore(boost);
      return this;
    }

    public Analyzer build() {
      return new Analyzer(this);
    }

    private static double checkScore(double s) {
      if (!(s >= 0.0 && s <= 1.0)) {
        throw new IllegalArgumentException("scores are in [0, 1], got " + s);
      }
      return s;
    }
  }
}
