package io.veil.core.ner;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.NerEngine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Veil's trained NER engine: a linear-chain model (averaged structured perceptron over hashed features,
 * {@link SequenceModel}) trained by {@code veil ner train} on the labelled corpora of {@code shared/data},
 * combined with the rule layer of {@link GazetteerNerEngine}. The rule layer enters twice: its findings
 * are features of the model (so the model learned how far to trust a gazetteer hit or a "Dr."), and its
 * street addresses are reported as they are (the model does not label addresses). Model spans then pass
 * false-positive suppression: spans without a letter, code identifiers ({@code user_id},
 * {@code getName}, {@code foo.bar()}), a lone function word or month/day name, and a lone common English
 * word at the start of a sentence that no rule supports (scored under the default threshold), unless the name
 * lists know it as one of the most frequent first names and the model tagged a person ("Mark will call"); likewise a
 * lone unknown word in lower case in cased text, or right after a possessive. A person span is continued
 * over particles, initials, a name suffix or a known surname the model left out ("Maika van der Berg"), and
 * a name followed by a house number ("Peter Zuidhove 188") is reported as an ADDRESS. A name does not end on its
 * particle ("rania el amrani"), a lower-case name right after a self-introduction ("my name is krisztian", "call
 * me tendai") or addressed after a greeting or thanks ("hi bill,", "thanks will!", {@link Vocatives}) is a PERSON
 * in English text, a chat abbreviation in lower case ("thx") is none, outside English a PERSON in a text with no
 * capitals needs a well-known name word or a title before it ({@link #nameEvidence}: "la santé" is none), and
 * "Al"/"El" right after a capitalised name is the Arabic article, not
 * the street prefix of an address the rule layer found ("Nasser Al Suwaidi, 54"). In English text (or text
 * of unknown language) a lone LOCATION that the name lists know as one of the most frequent first names and as
 * a town only, with no place cue around it, is reported as a PERSON ("She named him Brandon").
 *
 * <p>Where the model found nothing, the rule layer's own PERSON/LOCATION/ORGANIZATION findings are added:
 * in English text (the language given, else {@link LanguageGuess}) those at or above the default threshold,
 * in other languages only strong ones (score at least {@value #STRONG_RULE}), because the rules were tuned
 * on English. {@link Mode#UNION} adds them in every language.
 *
 * <p>Output: PERSON, LOCATION, ORGANIZATION and ADDRESS findings that never overlap one another. A model span
 * never crosses a line break (what the model tagged as its continuation on the next line is dropped).
 * Long texts are decoded in windows that end at sentence ends (at most {@value #MAX_WINDOW} tokens), so
 * memory stays proportional to the text.
 *
 * <p>Thread safety: immutable; one instance serves all threads. The bundled model loads lazily once
 * ({@link #load()}); about 15 MB of heap.
 *
 * <p><b>Security:</b> a statistical model misses some names and finds some non-names; scores say how
 * sure it is, not that it is right. Where a missed name is costly, combine with deny-lists and block
 * policies.
 */
public final class ModelNerEngine implements NerEngine {
  /** The bundled model, next to this class. */
  public static final String RESOURCE = "ner-model.bin.gz";
  static final int MIN_WINDOW = 40;
  static final int MAX_WINDOW = 300;
  /** Rule-layer findings this sure are kept where the model found nothing (mode MODEL). */
  static final double STRONG_RULE = 0.8;
  /** Score of a street found as a name followed by a house number (above the default threshold). */
  static final double STREET_SCORE = 0.6;
  /** Words that follow a house number in an address ("188 Apt. 4", "32 St."). */
  private static final Set<String> UNIT_WORDS = Set.of("apt", "apartment", "suite", "unit", "floor", "st", "street");
  /** First-name band (log scale, 15 = most frequent) from which a town's name is rather a person's. */
  static final int TOP_FIRST_NAME = 13;
  /** Verbs after which "at" points at someone, not somewhere ("shouted at Gary"). */
  private static final Set<String> AIMED_AT = Set.of("shouted", "yelled", "screamed", "smiled", "laughed",
      "looked", "stared", "glared", "waved", "winked", "nodded", "pointed", "grinned", "snapped", "swore", "shout",
      "yell", "scream", "smile", "laugh", "look", "stare", "glare", "wave", "wink", "nod", "point", "grin", "snap");
  /**
   * Words that, right after a sentence's first word, make that word a verb in the imperative: a determiner,
   * a possessive or an object pronoun ("Mark the date", "Bill your client", "Sue them").
   */
  private static final Set<String> VERB_OBJECTS = Set.of("the", "a", "an", "this", "that", "these", "those",
      "my", "your", "our", "their", "its", "it", "them", "me", "us", "him", "every", "each", "all", "some", "any");
  private static final Set<EntityType> TYPES =
      Set.of(EntityType.PERSON, EntityType.LOCATION, EntityType.ORGANIZATION, EntityType.ADDRESS);

  /** How the model's findings and the rule layer's are combined. */
  public enum Mode {
    /** The model's names, places and organizations, the rule layer's addresses and (see above) its names. */
    MODEL,
    /** As MODEL, but rule-layer findings at or above 0.5 are added in every language, not only English. */
    UNION
  }

  private static final class Holder {
    static final ModelNerEngine BUNDLED = loadBundled();
  }

  private final SequenceModel model;
  private final Mode mode;

  ModelNerEngine(SequenceModel model, Mode mode) {
    this.model = model;
    this.mode = mode;
  }

  /**
   * The engine with the bundled model in the default mode, loaded once (idempotent, thread-safe).
   *
   * @throws IllegalStateException if the bundled model is missing or damaged
   */
  public static NerEngine load() {
    try {
      return Holder.BUNDLED;
    } catch (ExceptionInInitializerError e) {
      throw e.getCause() instanceof IllegalStateException ise ? ise : new IllegalStateException("NER model failed to load");
    }
  }

  /** The bundled model in another combination mode. */
  public static NerEngine load(Mode mode) {
    ModelNerEngine bundled = (ModelNerEngine) load();
    return mode == bundled.mode ? bundled : new ModelNerEngine(bundled.model, mode);
  }

  /**
   * An engine with a model file written by {@code veil ner train}.
   *
   * @throws IllegalStateException if the file cannot be read or is not a model of this version (the
   *     message names the file, not its content)
   */
  public static NerEngine load(Path modelFile, Mode mode) {
    try (InputStream in = Files.newInputStream(modelFile)) {
      GazetteerNerEngine.lexicon();
      return new ModelNerEngine(SequenceModel.read(in), mode);
    } catch (IOException e) {
      throw new IllegalStateException("cannot load NER model " + modelFile + ": " + e.getMessage());
    }
  }

  private static ModelNerEngine loadBundled() {
    try (InputStream in = ModelNerEngine.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("bundled NER model " + RESOURCE + " is missing");
      }
      GazetteerNerEngine.lexicon();
      return new ModelNerEngine(SequenceModel.read(in), Mode.MODEL);
    } catch (IOException e) {
      throw new IllegalStateException("bundled NER model is damaged: " + e.getMessage());
    }
  }

  @Override
  public String name() {
    return mode == Mode.MODEL ? "model" : "model-union";
  }

  @Override
  public Set<EntityType> entityTypes() {
    return TYPES;
  }

  /** Trained on English, German, Spanish, French and Dutch text; usable on any Latin-script text. */
  @Override
  public Set<String> languages() {
    return Set.of();
  }

  /**
   * The language the model's features read a text in: {@code known}, the one given or guessed
   * ({@link LanguageGuess}), else {@value #UNKNOWN_READ_AS} for a text with no function word of any language (a short
   * prompt, a list of names, a signature). Every training text had its language, so the weights of the
   * language-conjoined features were never trained for "unknown"; read as English, the language of most prompts,
   * such text loses fewer names on every English set and on the non-English sets as a whole (docs/notes/names16.md).
   * Which rule-layer findings join the model's still follows {@code known}: an unknown text may be in any language.
   */
  static String featureLanguage(String known) {
    return known != null ? known : UNKNOWN_READ_AS;
  }

  @Override
  public List<Finding> analyze(String text, String language) {
    if (text.isEmpty()) {
      return List.of();
    }
    Lexicon lexicon = GazetteerNerEngine.lexicon();
    String known = language != null ? language : LanguageGuess.guess(text);
    // the rule layer reads the text in the same language as the model: its own German sniff counts Dutch "die" and
    // "den" and French "des" as German, so a guessed text was read otherwise than the same text with its language given
    List<Finding> rules = GazetteerNerEngine.rules(text, known);
    ModelTokens tk = new ModelTokens(text);
    ModelFeatures.Facts facts = new ModelFeatures.Facts(tk, lexicon, rules, featureLanguage(known));
    Intervals ruleRanges = Intervals.of(rules, Finding::start, Finding::end);
    List<GazetteerNerEngine.Span> spans = new ArrayList<>();
    int[] scratch = new int[ModelFeatures.PER_TOKEN];
    float[] emissions = new float[Math.min(tk.size, MAX_WINDOW) * SequenceModel.TAGS];
    int from = 0;
    while (from < tk.size) {
      int to = windowEnd(tk, from);
      int[] tags = model.decode(facts, from, to, scratch, emissions);
      collect(tk, facts, rules, ruleRanges, from, tags, spans);
      from = to;
    }
    selfIntroductions(tk, facts, spans);
    Vocatives.add(tk, facts, spans);
    // the rule layer's street addresses win over model spans inside them (a city within an address)
    List<Finding> addresses = new ArrayList<>(4);
    for (Finding r : rules) {
      if (r.type().equals(EntityType.ADDRESS) && !articleAfterName(text, r.start())) {
        addresses.add(r);
      }
    }
    List<GazetteerNerEngine.Span> out = new ArrayList<>(spans.size() + 4);
    for (Finding r : addresses) {
      out.add(new GazetteerNerEngine.Span(r.start(), r.end(), r.type(), r.score()));
    }
    Intervals strongAddresses = Intervals.of(addresses.stream().filter(r -> r.score() >= 0.5).toList(),
        Finding::start, Finding::end);
    for (GazetteerNerEngine.Span s : spans) {
      if (!strongAddresses.any(s.start(), s.end())) {
        out.add(s);
      }
    }
    // the rule layer is tuned for English: there its usual findings join the model's; elsewhere only strong ones
    boolean english = mode == Mode.UNION || "en".equals(known); // the language given, else guessed
    double unionMin = english ? 0.5 : STRONG_RULE;
    Intervals spanRanges = Intervals.of(spans, GazetteerNerEngine.Span::start, GazetteerNerEngine.Span::end);
    for (Finding r : rules) {
      if (!r.type().equals(EntityType.ADDRESS) && r.score() >= unionMin && !spanRanges.any(r.start(), r.end())
          && !(r.type().equals(EntityType.PERSON) && facts.caseless && facts.lang > 1 && !nameEvidence(text, r.start(), r.end()))) {
        int end = r.type().equals(EntityType.PERSON) ? ruleNameEnd(text, r.start(), r.end()) : r.end();
        int at = handleAt(text, r.start(), end); // a rule-layer name on part of a handle covers it too
        out.add(at < 0 ? new GazetteerNerEngine.Span(r.start(), end, r.type(), r.score())
            : new GazetteerNerEngine.Span(at, handleEnd(text, at, end), r.type(), r.score()));
      }
    }
    // a name found once is found everywhere in the text ("Dear Ms. Jane Okafor" ... "Okafor's account")
    return NameMentions.apply(text, GazetteerNerEngine.resolve(out, name()), facts.lang, name());
  }

  /** The end (exclusive) of the decoding window starting at {@code from}. */
  static int windowEnd(ModelTokens tk, int from) {
    int limit = Math.min(tk.size, from + MAX_WINDOW);
    for (int t = from + MIN_WINDOW; t < limit; t++) {
      if (tk.sentenceEnd(t - 1) || tk.lineBefore[t] && tk.isWord(t)) {
        return t;
      }
    }
    return limit;
  }

  /**
   * The end of a rule-layer name that stops on a particle ("rania el" in "tell rania el amrani"): a name does not
   * end on its particle, so the word after it belongs to the name when no list knows it as a first name, common
   * word or place; the name {@code [start, end)} must hold a word before the particle that is no particle itself
   * ("de la" alone is no name). Returns {@code end} itself otherwise.
   */
  static int surnameAfterParticle(String text, int start, int end) {
    int from = end;
    while (from > start && Character.isLetter(text.charAt(from - 1))) {
      from--;
    }
    int n = text.length();
    if (end - from < 2 || end + 1 >= n || text.charAt(end) != ' ' || (Closed.mask(text, from, end) & Closed.PARTICLES) == 0
        || from - 2 < start || text.charAt(from - 1) != ' ') {
      return end;
    }
    int before = from - 1;
    while (before > start && Character.isLetter(text.charAt(before - 1))) {
      before--;
    }
    if (before == from - 1 || (Closed.mask(text, before, from - 1) & Closed.PARTICLES) != 0) {
      return end;
    }
    int w = end + 1;
    int we = w;
    while (we < n && (Character.isLetter(text.charAt(we)) || we > w && (text.charAt(we) == '-' || text.charAt(we) == '\''))) {
      we++;
    }
    if (we - w < 3 || Character.isUpperCase(text.charAt(w)) != Character.isUpperCase(text.charAt(from))
        || Closed.mask(text, w, we) != 0) {
      return end;
    }
    int lex = GazetteerNerEngine.lexicon().lookup(text, w, we);
    return Lexicon.first(lex) == 0 && (lex & (Lexicon.COMMON | Lexicon.PLACE)) == 0 ? we : end;
  }

  /**
   * The end of a rule-layer name {@code [start, end)}: it goes on over a particle and the surname after it, as a
   * model span does ({@link #nameContinues}): "tell rania el amrani" when the rule layer stopped on the particle
   * ({@link #surnameAfterParticle}), and "Nasser Al Suwaidi, 54" when it stopped before the particle, which is
   * then written in the case of the surname that follows. Returns {@code end} itself otherwise.
   */
  static int ruleNameEnd(String text, int start, int end) {
    int onParticle = surnameAfterParticle(text, start, end);
    if (onParticle != end || end + 1 >= text.length() || text.charAt(end) != ' ') {
      return onParticle;
    }
    int particleEnd = end + 1;
    while (particleEnd < text.length() && Character.isLetter(text.charAt(particleEnd))) {
      particleEnd++;
    }
    int surnameEnd = surnameAfterParticle(text, start, particleEnd);
    return surnameEnd > particleEnd ? surnameEnd : end;
  }

  /**
   * Whether an address the rule layer found at {@code start} really begins with the Arabic article of a name:
   * "Al"/"El" written without a period right after a capitalised word on the same line ("Nasser Al Suwaidi, 54"
   * is a patient and his age, not the Polish "al." of an avenue). A street prefix after a name is written
   * "Al." or starts its own line or clause ("Warszawa, Al. Jerozolimskie 54").
   */
  static boolean articleAfterName(String text, int start) {
    if (start < 3 || start + 3 > text.length() || text.charAt(start + 1) != 'l' || text.charAt(start + 2) != ' '
        || text.charAt(start) != 'A' && text.charAt(start) != 'E' || text.charAt(start - 1) != ' ') {
      return false;
    }
    int wordEnd = start - 1;
    int wordStart = wordEnd;
    while (wordStart > 0 && Character.isLetter(text.charAt(wordStart - 1))) {
      wordStart--;
    }
    return wordEnd - wordStart >= 2 && Character.isUpperCase(text.charAt(wordStart))
        && Character.isLowerCase(text.charAt(wordEnd - 1));
  }

  /**
   * Adds the lower-case names of chat self-introductions that the model left out: one or two words right after
   * "my name is", "name is", "call me", "i'm"/"im" or "this is" in English text (or text of unknown language):
   * "my name is krisztian", "call me tendai", "hi im oluwaseun adeyemi from lagos". A word counts when it is
   * written in lower case, has at least three letters and is no common English word, place or closed-list word
   * ({@link #lowerNameWord}).
   * After "i'm" and "this is", which also introduce states ("im sooo tired", "i'm subed and ..."), the name must
   * end the clause: the text, the line, a punctuation mark, "from", "here" or "btw" follows. A person span of
   * the model that begins inside the words found is merged into them.
   * Reads the two tokens before each lower-case word; allocates only where such a cue is followed by a word that
   * passes the other checks.
   */
  static void selfIntroductions(ModelTokens tk, ModelFeatures.Facts facts, List<GazetteerNerEngine.Span> spans) {
    if (facts.lang > 1) {
      return; // the cues are English ("im" is German for "in the")
    }
    for (int t = 1; t < tk.size; t++) {
      if (!Character.isLowerCase(tk.first(t)) || !adjacent(tk, t - 1)) {
        continue;
      }
      int cue = introductionCue(tk, t - 1);
      if (cue == 0 || !lowerNameWord(tk, facts, t)) {
        continue;
      }
      int end = t + 1;
      if (end < tk.size && adjacent(tk, end - 1) && lowerNameWord(tk, facts, end)) {
        end++;
      }
      if (cue == 1 && end < tk.size && !tk.lineBefore[end] && tk.isWord(end) && !is(tk, end, "from")
          && !is(tk, end, "here") && !is(tk, end, "btw")) {
        continue;
      }
      int start = tk.starts[t];
      int stop = tk.ends[end - 1];
      double score = INTRODUCED_SCORE;
      boolean free = true;
      for (int k = spans.size() - 1; k >= 0 && free; k--) {
        GazetteerNerEngine.Span s = spans.get(k);
        if (s.start() < stop && start < s.end()) {
          // the model found part of it ("this is wanjiru [kamau]"): one name, from the first word on
          free = s.type() == EntityType.PERSON && s.start() >= start;
          if (free) {
            stop = Math.max(stop, s.end());
            score = Math.max(score, s.score());
            spans.remove(k);
          }
        }
      }
      if (free) {
        spans.add(new GazetteerNerEngine.Span(start, stop, EntityType.PERSON, score));
      }
      t = end - 1;
    }
  }

  /** Chat abbreviations that no name list has and that follow "call me" or "i'm" ("call me asap"). */
  private static final Set<String> CHAT_WORDS = Set.of("asap", "pls", "plz", "thx", "btw", "idk", "tbh", "brb",
      "ttyl", "lmk", "imo", "imho", "smh", "ngl", "tho", "tmrw", "tmr", "cuz", "coz", "lmao", "rofl", "yall", "bruh",
      "omw", "irl", "afaik", "fyi", "srsly", "ded", "sooo", "soooo");

  /** {@code [start, end)} is one of {@link #CHAT_WORDS}, written in lower case. */
  static boolean chatWord(String text, int start, int end) {
    return end - start <= 6 && Character.isLowerCase(text.charAt(start)) && CHAT_WORDS.contains(text.substring(start, end));
  }

  /** Score of a lower-case name after a self-introduction (above the default threshold). */
  static final double INTRODUCED_SCORE = 0.7;

  /** Token {@code t} and the next are one space apart on the same line. */
  static boolean adjacent(ModelTokens tk, int t) {
    return t + 1 < tk.size && !tk.lineBefore[t + 1] && tk.starts[t + 1] == tk.ends[t] + 1
        && tk.text.charAt(tk.ends[t]) == ' ';
  }

  /**
   * A lower-case word of three or more letters that no list knows as a common word, a place (unless also a first
   * name: "ngozi"), a closed-list word or a chat abbreviation.
   */
  private static boolean lowerNameWord(ModelTokens tk, ModelFeatures.Facts facts, int t) {
    int lex = facts.lex[t];
    if (tk.length(t) < 3 || facts.closed[t] != 0 || (lex & Lexicon.COMMON) != 0
        || (lex & Lexicon.PLACE) != 0 && Lexicon.first(lex) == 0
        || tk.length(t) <= 6 && CHAT_WORDS.contains(tk.text.substring(tk.starts[t], tk.ends[t]))) {
      return false;
    }
    for (int i = tk.starts[t]; i < tk.ends[t]; i++) {
      char c = tk.text.charAt(i);
      if (!Character.isLowerCase(c) && c != '-' && c != '\'' && c != '\u2019') {
        return false;
      }
    }
    return true;
  }

  /**
   * The self-introduction that ends with token {@code t}: 2 for "name is" and "call(s) me" (what follows is a
   * name), 1 for "i'm", "im" and "this is" (what follows may be a state), 0 for none.
   */
  private static int introductionCue(ModelTokens tk, int t) {
    int len = tk.length(t);
    if (len < 2 || len > 3) {
      return 0;
    }
    if (is(tk, t, "i'm") || is(tk, t, "i\u2019m") || is(tk, t, "im")) {
      return 1;
    }
    if (t == 0 || !adjacent(tk, t - 1)) {
      return 0;
    }
    if (is(tk, t, "is") && is(tk, t - 1, "name") || is(tk, t, "me") && (is(tk, t - 1, "call") || is(tk, t - 1, "calls"))) {
      return 2;
    }
    return is(tk, t, "is") && is(tk, t - 1, "this") ? 1 : 0;
  }

  static boolean is(ModelTokens tk, int t, String word) {
    return tk.length(t) == word.length() && tk.text.regionMatches(true, tk.starts[t], word, 0, word.length());
  }

  private void collect(ModelTokens tk, ModelFeatures.Facts facts, List<Finding> rules, Intervals ruleRanges, int from,
      int[] tags, List<GazetteerNerEngine.Span> out) {
    int n = tags.length;
    int t = 0;
    while (t < n) {
      int tag = tags[t];
      if (tag == 0) {
        t++;
        continue;
      }
      int type = (tag - 1) / 2;
      int end = t + 1;
      while (end < n && tags[end] == 2 + 2 * type && !tk.lineBefore[from + end]) {
        end++;
      }
      int last = type == 0 ? nameContinues(tk, facts, from + end, from + n, tags, from) : from + end;
      span(tk, facts, rules, ruleRanges, from + t, last, ModelFeatures.TYPES[type], out);
      t = last - from;
      // a name, place or organization never goes on over a line break ("Jamie Pratt" on one line, the job title
      // "Talking-books clerk" on the next): what the model tagged as its continuation there is dropped
      while (t < n && tags[t] == 2 + 2 * type) {
        t++;
      }
    }
  }

  /**
   * Where a person's name really ends when the model stopped at {@code end} (exclusive token index): the
   * rest of the name often leaks otherwise. Continues over the untagged tokens that directly follow on the same
   * line, one space apart: particles ("Maika van de Noort"), initials ("benjamin a seiler", "Ana J. Ruiz"),
   * then one word the name lists know better as a surname than as a first name ("Ana Tom" stays two names),
   * written in the same case and no common word or place, or a name suffix ("Kevin Veitonen II", "Sean
   * Vizirov DVM"). Particles and initials count only when a surname or suffix follows them; right after a
   * particle a word no name list knows counts as the surname too, since a name does not end on its particle
   * ("Rania el Amrani", "Youssef al Hariri"; the particle may be the last word the model tagged). A few
   * token checks per person span, no scan.
   */
  static int nameContinues(ModelTokens tk, ModelFeatures.Facts facts, int end, int limit, int[] tags, int from) {
    // the name's case: a particle the model took in ("Rania el") is written in lower case whatever the name's
    int caseToken = end - 1;
    if (caseToken > from && tags[caseToken - from] != 1 && (facts.closed[caseToken] & Closed.PARTICLES) != 0
        && Character.isLowerCase(tk.first(caseToken))) {
      caseToken--;
    }
    boolean upper = Character.isUpperCase(tk.text.charAt(tk.starts[caseToken]));
    // a span of particles alone ("de la") is no name whose surname could follow
    boolean named = (facts.closed[caseToken] & Closed.PARTICLES) == 0;
    int j = end;
    int taken = end;
    while (j < limit && j - end < 4 && tags[j - from] == 0 && !tk.lineBefore[j]
        && tk.starts[j] == tk.ends[j - 1] + 1 && tk.text.charAt(tk.ends[j - 1]) == ' ') {
      int closed = facts.closed[j];
      int lex = facts.lex[j];
      char c = tk.first(j);
      if (!Character.isLetter(c)) {
        break;
      }
      if ((closed & Closed.NAME_SUFFIXES) != 0 && Character.isUpperCase(c)) {
        taken = j + 1;
        break;
      }
      if ((closed & Closed.PARTICLES) != 0 && tk.length(j) > 1) {
        j++;
        continue;
      }
      if (tk.length(j) == 1) {
        if (Character.isUpperCase(c) != upper) {
          break; // "Juan y Pedro", "Anna a"
        }
        // an initial, with its period as a token of its own
        j++;
        if (j < limit && tags[j - from] == 0 && tk.starts[j] == tk.ends[j - 1] && tk.first(j) == '.'
            && tk.length(j) == 1) {
          j++;
        }
        continue;
      }
      boolean sameCase = Character.isUpperCase(c) == upper
          && (upper || Character.isLowerCase(tk.text.charAt(tk.ends[j] - 1)));
      // after a particle a word no list knows is the surname too ("Rania el Amrani", "rania el amrani"): a name
      // does not end on its particle
      boolean surname = Lexicon.last(lex) > Lexicon.first(lex)
          || named && Lexicon.first(lex) == 0 && (facts.closed[j - 1] & Closed.PARTICLES) != 0 && tk.length(j - 1) > 1;
      if (sameCase && surname && (lex & (Lexicon.COMMON | Lexicon.PLACE)) == 0
          && (closed & (Closed.FUNCTION | Closed.NOT_NAMES | Closed.TITLES)) == 0) {
        taken = j + 1;
      }
      break;
    }
    return taken;
  }

  private static void span(ModelTokens tk, ModelFeatures.Facts facts, List<Finding> rules, Intervals ruleRanges,
      int first, int last, EntityType type, List<GazetteerNerEngine.Span> out) {
    String text = tk.text;
    int start = tk.starts[first];
    int end = tk.ends[last - 1];
    // a name starts with a letter or digit ("W/Rachel Weisz" tagged from the slash on): a replacement must not
    // swallow the punctuation around the name, or the restored text loses it. A social-media handle or
    // hashtag keeps its '@'/'#' (it is part of how the name is written, and corpora label it so).
    while (start < end && !Character.isLetterOrDigit(text.codePointAt(start))
        && !(start + 1 < end && (text.charAt(start) == '@' || text.charAt(start) == '#')
            && Character.isLetterOrDigit(text.codePointAt(start + 1)))) {
      start += Character.charCount(text.codePointAt(start));
    }
    while (end > start && !Character.isLetterOrDigit(text.charAt(end - 1)) && text.charAt(end - 1) != '.'
        && !Character.isLowSurrogate(text.charAt(end - 1))) {
      end--;
    }
    if (end <= start) {
      return;
    }
    int at = handleAt(text, start, end);
    if (at >= 0) {
      start = at;
      end = handleEnd(text, at, end);
    }
    // a possessive is not part of the name
    boolean cut = false;
    if (end - start > 3 && (text.startsWith("'s", end - 2) || text.startsWith("\u2019s", end - 2))) {
      end -= 2;
      cut = true;
    }
    boolean letter = false;
    for (int i = start; i < end && !letter; i++) {
      letter = Character.isLetter(text.charAt(i));
    }
    if (!letter || codeIdentifier(text, start, end)) {
      return;
    }
    if (type == EntityType.LOCATION && last - first == 1 && personRatherThanPlace(tk, facts, first)) {
      type = EntityType.PERSON; // "She named him Brandon", "Don't go, Tyler!": a top first name that is also a town
    }
    double[] best = {0}; // the rule layer's strongest finding of the type over the span
    EntityType spanType = type;
    ruleRanges.overlapping(start, end, i -> {
      Finding r = rules.get(i);
      if (r.type().equals(spanType)) {
        best[0] = Math.max(best[0], r.score());
      }
    });
    double support = best[0];
    double score = 0.85;
    if (last - first == 1) {
      int closed = facts.closed[first];
      int lex = facts.lex[first];
      if (cut) {
        // "Here's", "That's", "Everyone's": the word before a contracted 's is judged, not the token with it
        // (unless it is also a first name: "Will's", "May's" stay as the model tagged them)
        int stem = GazetteerNerEngine.lexicon().lookup(text, start, end);
        if (Lexicon.first(stem) == 0) {
          closed = Closed.mask(text, start, end);
          lex = stem;
        }
      }
      if ((closed & (Closed.FUNCTION | Closed.NOT_NAMES)) != 0 && support < 0.5) {
        return;
      }
      if (type == EntityType.PERSON && support < 0.5 && chatWord(text, start, end)) {
        return; // "thx jen!": a chat abbreviation in lower case is no name
      }
      boolean common = (lex & Lexicon.COMMON) != 0;
      // a word that is one of the most frequent first names as well as a common word ("Mark", "Sue", "Daisy")
      // stays the person the model saw at a sentence start ("Mark is a very sympathetic person")
      boolean topFirstName = type == EntityType.PERSON && Lexicon.first(lex) >= TOP_FIRST_NAME;
      // the period of an initial or of the French "M." ends no sentence: "M. Carrier", "J. Baker"
      boolean sentStart = facts.sentStart[first] && !(type == EntityType.PERSON && afterInitial(text, start));
      if (common && !topFirstName && support < 0.5 && (sentStart || facts.cap[first] == 4)) {
        score = 0.45;
      }
      if (common && type == EntityType.PERSON && support < 0.5 && sentStart && facts.lang <= 1
          && imperativeBeforeObject(tk, first)) {
        score = 0.45; // "Mark the date.", "Bill the customer": the word is the verb, whatever its name bands
      }
      if (support < 0.5 && type == EntityType.PERSON && Lexicon.first(lex) == 0 && Lexicon.last(lex) == 0
          && (lowerInCasedText(text, facts, first, start) || afterPossessive(text, start))) {
        score = 0.45;
      }
      if (support < 0.5 && type == EntityType.PERSON && facts.lang == GERMAN && afterGermanAttribute(text, start)) {
        score = 0.45;
      }
    }
    if (support >= 0.5) {
      score = Math.max(score, Math.min(0.95, support + 0.05));
    }
    if (type == EntityType.PERSON && facts.caseless && facts.lang > 1 && !nameEvidence(text, start, end)) {
      score = 0.45; // "la santé", "que le corbillard" in lower-cased French: case says nothing, the lists say no name
    }
    int houseNumberEnd = type == EntityType.PERSON && text.charAt(start) != '@' ? houseNumberAfter(text, end) : -1;
    if (houseNumberEnd > 0) {
      // "on Peter Zuidhove 188", "at 6076 Piroska u. 97.": a name followed by a house number is a street
      out.add(new GazetteerNerEngine.Span(start, houseNumberEnd, EntityType.ADDRESS, STREET_SCORE));
      return;
    }
    out.add(new GazetteerNerEngine.Span(start, end, type, score));
  }

  /**
   * Whether the name {@code [start, end)}, found in a text with no capitals outside English, shows it is one: a word
   * other than a particle or function word is a well-known first name or surname (band at least
   * {@value NameMentions#KNOWN_NAME}, its ASCII spellings included: {@link NameSpellings}), or a title stands right
   * before it ("frau müller"). Where case says nothing and the lists know no common words of the language, that is
   * all that is left; {@link NameMentions} asks the same of the mentions it adds there. Without it the rule layer
   * reads pairs of articles and nouns as names ("de la", "la santé", "que le corbillard"): the non-English corpora
   * hold no person in such text at all. A self-introduction right before it ({@link #INTRODUCTIONS}: "me llamo
   * xiomara quispe", "ich heiße jannik bröckelmann") is evidence too, as a title is: there the name is usually one
   * that no list knows, and dropping it sends it upstream in clear. Reads the words of the span and those before it.
   */
  static boolean nameEvidence(String text, int start, int end) {
    if (introduced(text, start)) {
      return true;
    }
    Lexicon lexicon = GazetteerNerEngine.lexicon();
    int i = start;
    while (i < end) {
      while (i < end && !Character.isLetter(text.charAt(i))) {
        i++;
      }
      int w = i;
      while (i < end && Character.isLetter(text.charAt(i))) {
        i++;
      }
      if (i > w && (Closed.mask(text, w, i) & (Closed.PARTICLES | Closed.FUNCTION)) == 0) {
        int lex = NameSpellings.withFolded(lexicon, text, w, i, lexicon.lookup(text, w, i));
        if (Math.max(Lexicon.first(lex), Lexicon.last(lex)) >= NameMentions.KNOWN_NAME) {
          return true;
        }
      }
    }
    int before = skipSpacesBack(text, start);
    if (text.startsWith(".", before - 1)) {
      before--; // "sr. garcía"
    }
    int from = before;
    while (from > 0 && Character.isLetter(text.charAt(from - 1))) {
      from--;
    }
    return from < before && (Closed.mask(text, from, before) & Closed.TITLES) != 0;
  }

  /**
   * Self-introductions of German, Spanish, French and Dutch (the non-English languages the guess knows), in lower
   * case, after which the next words are the writer's name ("my name is" and the like in English are
   * {@link #selfIntroductions}).
   */
  static final List<String> INTRODUCTIONS = List.of("ich heiße", "ich heisse", "mein name ist", "mein name lautet",
      "me llamo", "mi nombre es", "je m'appelle", "je m\u2019appelle", "mon nom est", "je me nomme", "mon prénom est",
      "ik heet", "mijn naam is");

  /** One of {@link #INTRODUCTIONS} (any case) ends, as whole words, right before {@code start}: spaces, a ':' between. */
  private static boolean introduced(String text, int start) {
    int before = skipSpacesBack(text, start);
    if (text.startsWith(":", before - 1)) {
      before = skipSpacesBack(text, before - 1);
    }
    for (String cue : INTRODUCTIONS) {
      int at = before - cue.length();
      if (at >= 0 && text.regionMatches(true, at, cue, 0, cue.length())
          && (at == 0 || !Character.isLetterOrDigit(text.charAt(at - 1)))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Token {@code t + 1} is a lower-case {@link #VERB_OBJECTS} word one space after token {@code t}, on its
   * line: then a common word at a sentence start that is also a first name is the imperative verb ("Mark the
   * date", "Sue them"), not a person, who would be followed by a verb ("Mark sent the date").
   */
  static boolean imperativeBeforeObject(ModelTokens tk, int t) {
    int u = t + 1;
    if (u >= tk.size || tk.lineBefore[u] || tk.starts[u] != tk.ends[t] + 1 || tk.text.charAt(tk.ends[t]) != ' '
        || !Character.isLowerCase(tk.first(u))) {
      return false;
    }
    return VERB_OBJECTS.contains(tk.text.substring(tk.starts[u], tk.ends[u]));
  }

  /**
   * Whether a one-token LOCATION span of the model in English text (or text with no function word of any
   * language, such as a short prompt) is rather a person: the name lists know the
   * word as one of the most frequent first names (first-name band at least {@value #TOP_FIRST_NAME}, above its
   * surname band) and as a town only (no country, region or common English word), and nothing around it says
   * place: no place cue right before it ("in", "from", "to", "near", "of", ...; "at" only after a verb aimed at
   * someone: "shouted at Gary") and no ", Region" after it ("Brandon, Manitoba"). Reads two tokens back and two
   * ahead.
   */
  static boolean personRatherThanPlace(ModelTokens tk, ModelFeatures.Facts facts, int t) {
    int lex = facts.lex[t];
    if (facts.lang > 1 || Lexicon.first(lex) < TOP_FIRST_NAME || Lexicon.first(lex) <= Lexicon.last(lex)
        || (lex & (Lexicon.COUNTRY | Lexicon.REGION | Lexicon.COMMON)) != 0
        || !Character.isUpperCase(tk.first(t))) {
      return false;
    }
    if (t > 0 && !tk.lineBefore[t] && (facts.closed[t - 1] & Closed.PLACE_CUES) != 0) {
      boolean at = tk.length(t - 1) == 2 && tk.text.regionMatches(true, tk.starts[t - 1], "at", 0, 2);
      if (!at || t < 2 || !AIMED_AT.contains(tk.text.substring(tk.starts[t - 2], tk.ends[t - 2]).toLowerCase(Locale.ROOT))) {
        return false;
      }
    }
    if (t + 2 < tk.size && tk.first(t + 1) == ',' && tk.length(t + 1) == 1 && !tk.lineBefore[t + 2]
        && (facts.lex[t + 2] & Lexicon.PLACE) != 0 && Character.isUpperCase(tk.first(t + 2))) {
      return false;
    }
    return true;
  }

  /**
   * The end of a house number right after a name ({@code " 188"}, {@code " u. 97"}, {@code " 12b"}) that
   * ends the line, the sentence or the clause, or is followed by a unit or street word; -1 if there is none.
   * Numbers that look like years (1900-2099) are not house numbers ("Smith 2019)").
   */
  static int houseNumberAfter(String text, int end) {
    int n = text.length();
    int i = end;
    if (text.startsWith(" u. ", i)) {
      i += 3; // Hungarian "utca" abbreviation
    }
    if (i >= n || text.charAt(i) != ' ') {
      return -1;
    }
    int digits = ++i;
    while (i < n && i - digits < 6 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
      i++;
    }
    int count = i - digits;
    if (count == 0 || count > 5 || i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
      return -1;
    }
    if (count == 4 && (text.startsWith("19", digits) || text.startsWith("20", digits))) {
      return -1;
    }
    if (i < n && Character.isLetter(text.charAt(i)) && (i + 1 == n || !Character.isLetter(text.charAt(i + 1)))) {
      i++; // 12b
    }
    int numberEnd = i;
    if (i == n) {
      return numberEnd;
    }
    char c = text.charAt(i);
    if (c == '\n' || c == '\r' || c == ',' || c == ';' || c == '?' || c == '!'
        || c == '.' && (i + 1 == n || Character.isWhitespace(text.charAt(i + 1)))) {
      return numberEnd;
    }
    if (c == ' ') {
      int w = i + 1;
      int we = w;
      while (we < n && Character.isLetter(text.charAt(we))) {
        we++;
      }
      String word = text.substring(w, we).toLowerCase(Locale.ROOT);
      if (UNIT_WORDS.contains(word)) {
        return numberEnd;
      }
    }
    return -1;
  }

  /**
   * A lower-case word (not a handle or hashtag) in a text whose writer uses capitals: a name there is nearly
   * always capitalised, so a lone lower-case word that no name list knows is rarely one ("the husbandry
   * and care of", "speaking to bots").
   */
  private static boolean lowerInCasedText(String text, ModelFeatures.Facts facts, int token, int start) {
    char c = text.charAt(start);
    return !facts.caseless && facts.cap[token] == 4 && c != '@' && c != '#';
  }

  /** The language a text of unknown language is read in ({@link #featureLanguage}). */
  static final String UNKNOWN_READ_AS = "en";
  /** {@link ModelFeatures.Facts#lang} of German. */
  private static final int GERMAN = 2;

  /**
   * German only: inside a noun phrase, determiner + inflected attribute in lower case + capitalised word ("die
   * infektiösen Viren", "an der rechten Wade", "vor allem Wert"), the capitalised word is the phrase's noun, not a
   * name: German puts a role noun between attribute and name ("der neue Trainer Müller"). The attribute has at
   * least four letters, all lower case, ends in -en, -em, -er or -es and is on no closed list; the word before it
   * is a determiner or preposition ({@link Words#GERMAN_DETERMINERS}), so a verb ("hatten Pinnick") is not taken for
   * an attribute. Ages are left alone: "der 14-jährigen Wise" is a name after an attribute.
   */
  static boolean afterGermanAttribute(String text, int start) {
    int end = skipSpacesBack(text, start);
    if (end == start || end < 4) {
      return false;
    }
    int from = end;
    while (from > 0 && Character.isLowerCase(text.charAt(from - 1))) {
      from--;
    }
    if (end - from < 4 || from > 0 && text.charAt(from - 1) != ' ' || text.startsWith("jährig", from)) {
      return false;
    }
    char a = text.charAt(end - 2);
    char b = text.charAt(end - 1);
    if (a != 'e' || !(b == 'n' || b == 'm' || b == 'r' || b == 's') || Closed.mask(text, from, end) != 0) {
      return false;
    }
    int detEnd = skipSpacesBack(text, from);
    int detFrom = detEnd;
    while (detFrom > 0 && Character.isLetter(text.charAt(detFrom - 1))) {
      detFrom--;
    }
    return detEnd < from && detFrom < detEnd
        && Words.GERMAN_DETERMINERS.contains(text.substring(detFrom, detEnd).toLowerCase(java.util.Locale.ROOT));
  }

  private static int skipSpacesBack(String text, int i) {
    while (i > 0 && text.charAt(i - 1) == ' ') {
      i--;
    }
    return i;
  }

  /**
   * Whether the word at {@code start} follows, one space apart, a single capital letter and its period that
   * open a clause or follow a space: an initial ("J. Baker") or the French "M." (Monsieur), which end no sentence.
   */
  static boolean afterInitial(String text, int start) {
    return start >= 3 && text.charAt(start - 1) == ' ' && text.charAt(start - 2) == '.'
        && Character.isUpperCase(text.charAt(start - 3))
        && (start == 3 || !Character.isLetterOrDigit(text.charAt(start - 4)) && text.charAt(start - 4) != '.');
  }

  /**
   * Directly after a possessive ("Kevin Lamovec's Cautionary Tales"): what someone owns is rarely another
   * person, so a lone word there that no name list knows is not taken as a name on the model's word alone.
   * A contraction is no possessive: "here's Gregorina's address", "it's Bo" (the word before the {@code 's}
   * is a function word or a common English word).
   */
  static boolean afterPossessive(String text, int start) {
    int i = start;
    while (i > 0 && text.charAt(i - 1) == ' ') {
      i--;
    }
    if (i == start || i < 3 || !(text.charAt(i - 1) == 's' || text.charAt(i - 1) == 'S')
        || !(text.charAt(i - 2) == '\'' || text.charAt(i - 2) == '\u2019')) {
      return false;
    }
    int stemEnd = i - 2;
    int stemStart = stemEnd;
    while (stemStart > 0 && Character.isLetter(text.charAt(stemStart - 1))) {
      stemStart--;
    }
    if (stemStart == stemEnd) {
      return false;
    }
    return (Closed.mask(text, stemStart, stemEnd) & Closed.FUNCTION) == 0
        && (GazetteerNerEngine.lexicon().lookup(text, stemStart, stemEnd) & Lexicon.COMMON) == 0;
  }

  /**
   * user_id, getName, foo.bar(), a::b, x->y: identifiers from code, not names. A social-media handle
   * ({@code @mike_jones}: '@', then only ASCII letters, digits and underscores, no call or member access after
   * it) is none: handles use underscores between the parts of a name.
   */
  static boolean codeIdentifier(String text, int start, int end) {
    if (handle(text, start, end)) {
      return false;
    }
    boolean lowerFirst = Character.isLowerCase(text.charAt(start));
    boolean innerUpper = false;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c == '_' || c == '(' || c == ':' && i + 1 < end && text.charAt(i + 1) == ':') {
        return true;
      }
      if (c == ' ') {
        return false;
      }
      if (i > start && Character.isUpperCase(c) && Character.isLowerCase(text.charAt(i - 1))) {
        innerUpper = true;
      }
    }
    if (end < text.length() && text.charAt(end) == '(') {
      return true;
    }
    return lowerFirst && innerUpper && !text.substring(start, Math.min(end, start + 2)).toLowerCase(Locale.ROOT).equals("mc");
  }

  /** The longest social-media handle body (Twitter allows 15, GitHub 39). */
  private static final int MAX_HANDLE = 39;

  /**
   * The index of the mention's {@code @} when the span {@code [start, end)} lies inside one social-media handle
   * ({@code @} at the start of the text or after a character that is no letter or digit, then only ASCII
   * letters, digits and {@code _} up to {@code end}), else -1. The tokenizer splits {@code @mike_jones} into
   * {@code @mike}, {@code _} and {@code jones}, and camel-case handles into words: a name found on a part alone
   * sent the rest to the provider and kept the handle recognizer's USERNAME finding off it. A handle is one
   * account name, so {@link #span} widens the name to all of it ({@link #handleEnd}).
   */
  static int handleAt(String text, int start, int end) {
    int at = start;
    while (at > 0 && start - at < MAX_HANDLE && text.charAt(at) != '@' && handleChar(text.charAt(at))) {
      at--;
    }
    if (text.charAt(at) != '@' || at > 0 && Character.isLetterOrDigit(text.charAt(at - 1))) {
      return -1;
    }
    for (int i = at + 1; i < end; i++) {
      if (!handleChar(text.charAt(i))) {
        return -1;
      }
    }
    return end > at + 1 ? at : -1;
  }

  /** The end of the handle whose {@code @} is at {@code at}, or {@code end} if the handle is too long. */
  static int handleEnd(String text, int at, int end) {
    int to = end;
    while (to < text.length() && to - at <= MAX_HANDLE && handleChar(text.charAt(to))) {
      to++;
    }
    return to < text.length() && handleChar(text.charAt(to)) ? end : to;
  }

  private static boolean handleChar(char c) {
    return c == '_' || c < 128 && CharClass.isLetterOrDigit(c);
  }

  /** {@code [start, end)} is '@' and then ASCII letters, digits and underscores, not followed by '(' or '.'. */
  private static boolean handle(String text, int start, int end) {
    if (end - start < 2 || text.charAt(start) != '@') {
      return false;
    }
    for (int i = start + 1; i < end; i++) {
      if (!handleChar(text.charAt(i))) {
        return false;
      }
    }
    return end == text.length() || text.charAt(end) != '(' && !(text.charAt(end) == '.' && end + 1 < text.length()
        && CharClass.isLetterOrDigit(text.charAt(end + 1)));
  }
}
