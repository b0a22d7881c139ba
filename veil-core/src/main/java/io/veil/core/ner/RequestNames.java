package io.veil.core.ner;

import io.veil.core.DetectionText;
import io.veil.core.Finding;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Name consistency across the texts of one request: a chat request carries its whole history, so "John Smith" in
 * turn 1 and "what did Smith say?" in turn 3 are the same person, and the lone surname must not reach the provider
 * in clear beside the placeholder of the full name. The NER engines already do this within one text
 * ({@link ModelNerEngine}, {@link GazetteerNerEngine}); this class does it across texts, for any engine, from what
 * the {@link io.veil.core.Analyzer} reported.
 *
 * <p>Built once per request from every text and its findings: the seeds are the sure PERSON findings of all texts,
 * their parts are the name words, and a part written inside a sure LOCATION, ORGANIZATION or ADDRESS finding of any
 * of the texts is not used (the rules of the engines' own pass, which this shares). {@link #extend} then adds to one
 * text's findings the whole-word mentions of those parts that no finding covers. The language of a text is
 * guessed ({@link LanguageGuess}) when one of its candidate mentions needs it. Every text is read as detection reads
 * it, in its {@link DetectionText} view (a zero-width space inside a name, full-width letters), and the
 * mentions are reported with their original spans.
 *
 * <p>Only adds PERSON findings (recognizer {@value #RECOGNIZER}) scored as their seed: a finding the analyzer
 * reported is returned unchanged, unless it scored under 0.5 and a mention takes its place.
 *
 * <p>Thread safety: immutable once built; {@link #extend} may be called from any thread.
 *
 * <p><b>Security:</b> the object holds the request's texts (its names' words point into them) in memory; keep it
 * no longer than the request and never log it. It only ever adds findings, so using it can hide more, never less.
 */
public final class RequestNames {
  /** The recognizer name of the findings it adds. */
  public static final String RECOGNIZER = "name-mentions";
  private static final RequestNames NONE = new RequestNames(new NameMentions.Parts(), new IdentityHashMap<>());

  private final NameMentions.Parts parts;
  /**
   * The views {@link #of} read, by text instance: {@link #extend} of the same text (the gateway's real pass reads the
   * same strings) does not scan it again. Read-only once built.
   */
  private final IdentityHashMap<String, DetectionText> views;

  private RequestNames(NameMentions.Parts parts, IdentityHashMap<String, DetectionText> views) {
    this.parts = parts;
    this.views = views;
  }

  /**
   * The names of a request whose texts are {@code texts} and whose findings (each text's, as the analyzer reported
   * them, sorted by start and not overlapping) are {@code findings}, in the same order.
   *
   * @throws IllegalArgumentException if the two lists differ in size
   */
  public static RequestNames of(List<String> texts, List<List<Finding>> findings) {
    if (texts.size() != findings.size()) {
      throw new IllegalArgumentException("one list of findings per text");
    }
    // names and conflicts are read where detection read them, in each text's view (DetectionText)
    List<String> read = new ArrayList<>(texts.size());
    List<List<Finding>> found = new ArrayList<>(texts.size());
    IdentityHashMap<String, DetectionText> views = new IdentityHashMap<>();
    NameMentions.Parts parts = null;
    for (int t = 0; t < texts.size(); t++) {
      String text = texts.get(t);
      List<Finding> own = findings.get(t);
      DetectionText view = DetectionText.of(text);
      views.put(text, view);
      if (!own.isEmpty()) {
        List<Finding> mapped = NameMentions.inView(view, own);
        if (mapped != null) {
          text = view.view();
          own = mapped;
        }
      }
      read.add(text);
      found.add(own);
      for (Finding f : own) {
        if (NameMentions.seed(text, f)) {
          if (parts == null) {
            parts = new NameMentions.Parts();
          }
          parts.addWords(text, f);
        }
      }
    }
    if (parts == null) {
      return NONE;
    }
    for (int t = 0; t < texts.size() && parts.size > 0; t++) {
      parts.dropConflicts(read.get(t), found.get(t));
    }
    parts.settle(); // read-only from here on
    return parts.size == 0 ? NONE : new RequestNames(parts, views);
  }

  /** Whether no text of the request holds a name to propagate. */
  public boolean isEmpty() {
    return parts.size == 0;
  }

  /**
   * {@code findings} of {@code text} (one of the request's texts, or any text of it such as a joined message) with
   * the mentions of the request's names added, sorted by start, not overlapping; {@code findings} itself when there
   * is none.
   */
  public List<Finding> extend(String text, List<Finding> findings) {
    if (parts.size == 0 || text.isEmpty()) {
      return findings;
    }
    // the language is guessed only if a candidate mention needs it (most texts of a request have none)
    // in the text's view, where detection found the findings: "Tap\u200Bsell" is a mention of "Tapsell"
    DetectionText view = views.get(text);
    return NameMentions.onView(text, view != null ? view : DetectionText.of(text), findings,
        (read, found, offset) -> NameMentions.apply(read, found, parts, NameMentions.UNGUESSED, RECOGNIZER));
  }
}
