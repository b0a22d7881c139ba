package io.veil.core.ner;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.NerEngine;
import io.veil.core.Recognizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The built-in named-entity engine: people, places, organizations and street addresses, found with
 * bundled gazetteers (US Census and SSA name frequencies, GeoNames cities, countries, an English word
 * list) and context cues ("my name is", titles, "works at", "in", legal suffixes, street suffixes).
 *
 * <p>One linear pass over the tokens with hash lookups; no regular expressions. The lexicon is loaded
 * once, lazily, on the first {@link #load()} (about 0.25 s of CPU, ~10 MB of heap) and shared.
 *
 * <p>Output: findings of {@link EntityType#PERSON}, {@link EntityType#LOCATION},
 * {@link EntityType#ORGANIZATION} and {@link EntityType#ADDRESS}, never overlapping one another.
 * Scores are below 0.5 where the evidence is weak (a lone word that is also a common English word,
 * a city that is also a surname), so the {@link io.veil.core.Analyzer}'s default threshold drops them.
 *
 * <p>Language: tuned for English. For German ("de", or an unknown language in a text that looks
 * German) a capitalised word needs lexicon or cue evidence, because every German noun is capitalised.
 *
 * <p>Thread safety: immutable and shared; {@link #analyze} keeps no state between calls.
 *
 * <p><b>Security:</b> a gazetteer engine misses names it has never seen and that no cue announces;
 * do not rely on it alone where a missed name is costly.
 */
public final class GazetteerNerEngine implements NerEngine {
  private static final Set<EntityType> TYPES =
      Set.of(EntityType.PERSON, EntityType.LOCATION, EntityType.ORGANIZATION, EntityType.ADDRESS);
  private static final GazetteerNerEngine INSTANCE = new GazetteerNerEngine();

  private static final class Holder {
    static final Lexicon LEXICON = Lexicon.loadBundled();
  }

  private GazetteerNerEngine() {}

  /**
   * Returns the shared engine, loading the bundled gazetteers on first use (idempotent, thread-safe).
   *
   * @throws IllegalStateException if the bundled resources are missing or damaged
   */
  public static NerEngine load() {
    lexicon();
    return INSTANCE;
  }

  /**
   * Street addresses only (house number, street, unit, city, state, postal code, country; also
   * multi-line), for pipelines that want addresses without names. Same contract as the engine.
   */
  public static Recognizer addressRecognizer() {
    lexicon();
    return AddressOnly.INSTANCE;
  }

  static Lexicon lexicon() {
    try {
      return Holder.LEXICON;
    } catch (ExceptionInInitializerError e) {
      throw e.getCause() instanceof IllegalStateException ise ? ise : new IllegalStateException("NER lexicon failed to load");
    }
  }

  @Override
  public String name() {
    return "gazetteer";
  }

  @Override
  public Set<EntityType> entityTypes() {
    return TYPES;
  }

  /** Empty (any language): tuned for English, conservative on German, harmless on other Latin-script texts. */
  @Override
  public Set<String> languages() {
    return Set.of();
  }

  /**
   * The rule layer's findings, then the mentions elsewhere in the text of the names it is sure of
   * ({@link NameMentions}).
   */
  @Override
  public List<Finding> analyze(String text, String language) {
    if (text.isEmpty()) {
      return List.of();
    }
    Tokens tokens = new Tokens(text, lexicon());
    boolean conservative = conservative(tokens, language);
    int lang = conservative ? NameMentions.GERMAN : language == null || language.equals("en") ? 0 : NameMentions.OTHER;
    List<Finding> found = scan(tokens, conservative);
    if (lang != 0 && !found.isEmpty() && caseless(text)) {
      // outside English, where case says nothing, a name needs a well-known name word or a title ("la santé")
      found.removeIf(f -> f.type().equals(EntityType.PERSON) && !ModelNerEngine.nameEvidence(text, f.start(), f.end()));
    }
    return NameMentions.apply(text, found, lang, name());
  }

  private static boolean caseless(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (CharClass.isUpperCase(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The rule layer's findings alone, each judged on its own (no {@link NameMentions}): what the model reads as
   * features, exactly as it was trained on.
   */
  static List<Finding> rules(String text, String language) {
    if (text.isEmpty()) {
      return List.of();
    }
    Tokens tokens = new Tokens(text, lexicon());
    return scan(tokens, conservative(tokens, language));
  }

  private static List<Finding> scan(Tokens tokens, boolean conservative) {
    List<Span> spans = new ArrayList<>();
    boolean[] taken = new boolean[tokens.size];
    new AddressScanner(tokens, conservative).scan(spans, taken);
    new EntityScanner(tokens, conservative).scan(spans, taken);
    return resolve(spans, "gazetteer");
  }

  /** German mode: every noun is capitalised there, so unknown capitalised words prove nothing. */
  static boolean conservative(Tokens tokens, String language) {
    if (language != null) {
      return language.equals("de");
    }
    // sniff: German function words among the first tokens (counted by the tokenizer)
    int german = tokens.germanWords;
    int english = tokens.englishWords;
    return german >= 1 && german > english;
  }


  /** A candidate before overlap resolution. */
  record Span(int start, int end, EntityType type, double score) {}

  /** Higher score first ({@link Double#compare}), then longer, then earlier. */
  private static final Comparator<Span> BEST_FIRST = (a, b) -> {
    int c = Double.compare(b.score(), a.score());
    if (c != 0) {
      return c;
    }
    c = Integer.compare(b.end() - b.start(), a.end() - a.start());
    return c != 0 ? c : Integer.compare(a.start(), b.start());
  };

  /**
   * Keeps the best spans (higher score, then longer, then earlier) that overlap no better one; returns them
   * sorted by start. The kept spans stay in a start-sorted list searched by bisection (a text yields a few
   * dozen spans at most, so inserting into the list costs less than a tree map's nodes).
   */
  static List<Finding> resolve(List<Span> spans, String recognizer) {
    if (spans.isEmpty()) {
      return List.of();
    }
    spans.sort(BEST_FIRST);
    List<Span> kept = new ArrayList<>(spans.size());
    for (Span s : spans) {
      int at = firstStartingAtOrAfter(kept, s.start());
      boolean clash = at > 0 && kept.get(at - 1).end() > s.start()
          || at < kept.size() && kept.get(at).start() < s.end();
      if (!clash) {
        kept.add(at, s);
      }
    }
    List<Finding> out = new ArrayList<>(kept.size());
    for (Span s : kept) {
      out.add(new Finding(s.start(), s.end(), s.type(), Math.min(1.0, Math.max(0.0, s.score())), recognizer));
    }
    return out;
  }

  private static int firstStartingAtOrAfter(List<Span> sorted, int start) {
    int lo = 0;
    int hi = sorted.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted.get(mid).start() < start) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The address part alone, as its own recognizer. */
  private static final class AddressOnly implements Recognizer {
    static final AddressOnly INSTANCE = new AddressOnly();

    @Override
    public String name() {
      return "address";
    }

    @Override
    public Set<EntityType> entityTypes() {
      return Set.of(EntityType.ADDRESS);
    }

    @Override
    public List<Finding> analyze(String text, String language) {
      if (text.isEmpty()) {
        return List.of();
      }
      Tokens tokens = new Tokens(text, lexicon());
      List<Span> spans = new ArrayList<>();
      new AddressScanner(tokens, conservative(tokens, language)).scan(spans, new boolean[tokens.size]);
      return resolve(spans, name());
    }
  }
}
