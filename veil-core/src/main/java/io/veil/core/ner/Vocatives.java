package io.veil.core.ner;

import io.veil.core.EntityType;
import java.util.List;
import java.util.Set;

/**
 * Lower-case first names that a chat message addresses after a greeting or a thanks: "hi bill, the bill is
 * attached", "thanks will!", "hey grace", "thank you mark." The model misses these because the word is also a
 * common English word ("bill", "will", "mark", "grace", "may", "rob"), and written in lower case it has nothing
 * else that says name; in any other position such a word is rarely one (in the English social-media sets, 3 % of
 * the lower-case occurrences of common words that are also well-known first names are a person's name).
 *
 * <p>The rule needs all of: English text (or text of unknown language); a greeting or thanks ({@link #CUES}, or
 * "thank you"), optionally followed by a comma, then one space and the word; the word in lower case, at least three
 * letters, one of the well-known first names (first-name band at least {@value #FIRST_NAME_BAND}), no title or
 * closed-list non-name, and no word of address that is no name ({@link #ENDEARMENTS}: "hey angel"); optionally one
 * more lower-case word that the lists know as a surname and not as a common word ("hi mark jones,"); and then the
 * address ends: the end of the text or line, or a punctuation mark or emoji ("thanks will!" but not "thanks will
 * do", "hi may I ask"). Where the model or another rule already has a span on the word, nothing is added.
 *
 * <p>Thread safety: stateless. Reads the lexicon facts of each token, and a few tokens around a lower-case
 * well-known first name only; allocates only for a name it adds.
 */
final class Vocatives {
  /** Greetings and thanks after which a name is addressed. */
  static final List<String> CUES = List.of("hi", "hey", "hello", "hiya", "heya", "yo", "thanks", "thx", "ty", "dear",
      "bye", "cheers", "congrats", "congratulations", "morning", "night", "sorry");
  /** Words of address that the name lists also know as first names ("hey angel", "thank jesus"). */
  static final Set<String> ENDEARMENTS = Set.of("angel", "jesus", "lord", "sunshine", "sugar", "darling", "honey",
      "baby", "buddy", "love", "sweetheart", "princess", "king", "queen", "boss", "champ", "sir", "madam", "dude");
  /** First-name band (log scale, 15 = most frequent) from which an addressed lower-case word is a name. */
  static final int FIRST_NAME_BAND = 10;
  /** Surname band from which a lower-case word after the first name is its surname. */
  static final int SURNAME_BAND = 6;
  /** Score of an addressed name (above the default threshold), as a self-introduction's. */
  static final double SCORE = ModelNerEngine.INTRODUCED_SCORE;

  private Vocatives() {}

  /** Adds the addressed lower-case names to {@code spans} (the model's, unsorted). */
  static void add(ModelTokens tk, ModelFeatures.Facts facts, List<GazetteerNerEngine.Span> spans) {
    if (facts.lang > 1) {
      return; // the cues are English
    }
    for (int t = 1; t < tk.size; t++) {
      // the name first: one look-up in the facts per token; the cue is read only before a well-known first name
      if (Lexicon.first(facts.lex[t]) < FIRST_NAME_BAND || !Character.isLowerCase(tk.first(t)) || tk.lineBefore[t]
          || !firstName(tk, facts, t)) {
        continue;
      }
      int c = t - 1;
      if (tk.length(c) == 1 && tk.first(c) == ',' && c > 0 && tk.starts[c] == tk.ends[c - 1]
          && tk.starts[t] == tk.ends[c] + 1 && tk.text.charAt(tk.ends[c]) == ' ') {
        c--; // "hi, bill!"
      } else if (!ModelNerEngine.adjacent(tk, c)) {
        continue;
      }
      if (!cue(tk, c)) {
        continue;
      }
      int end = t + 1;
      if (end < tk.size && ModelNerEngine.adjacent(tk, t) && surname(tk, facts, end) && addressEnds(tk, end + 1)) {
        end++;
      }
      if (!addressEnds(tk, end)) {
        continue;
      }
      int start = tk.starts[t];
      int stop = tk.ends[end - 1];
      boolean free = true;
      for (int k = 0; k < spans.size() && free; k++) {
        free = spans.get(k).end() <= start || stop <= spans.get(k).start();
      }
      if (free) {
        spans.add(new GazetteerNerEngine.Span(start, stop, EntityType.PERSON, SCORE));
      }
      t = end - 1;
    }
  }

  /** Token {@code c} is a greeting or thanks: one of {@link #CUES} (any case), or "you" after "thank". */
  static boolean cue(ModelTokens tk, int c) {
    if (ModelNerEngine.is(tk, c, "you")) {
      return c > 0 && ModelNerEngine.adjacent(tk, c - 1) && ModelNerEngine.is(tk, c - 1, "thank");
    }
    for (String cue : CUES) {
      if (ModelNerEngine.is(tk, c, cue)) {
        return true;
      }
    }
    return false;
  }

  /** A lower-case word of three or more letters that is a well-known first name and no word of address. */
  private static boolean firstName(ModelTokens tk, ModelFeatures.Facts facts, int t) {
    return lowerWord(tk, t) && Lexicon.first(facts.lex[t]) >= FIRST_NAME_BAND
        && (facts.closed[t] & (Closed.TITLES | Closed.NOT_NAMES)) == 0
        && !ENDEARMENTS.contains(tk.text.substring(tk.starts[t], tk.ends[t]));
  }

  /** A lower-case word that the lists know as a surname, and not as a common word, place or closed-list word. */
  private static boolean surname(ModelTokens tk, ModelFeatures.Facts facts, int t) {
    int lex = facts.lex[t];
    return lowerWord(tk, t) && Lexicon.last(lex) >= SURNAME_BAND && facts.closed[t] == 0
        && (lex & (Lexicon.COMMON | Lexicon.PLACE)) == 0;
  }

  private static boolean lowerWord(ModelTokens tk, int t) {
    if (tk.length(t) < 3) {
      return false;
    }
    for (int i = tk.starts[t]; i < tk.ends[t]; i++) {
      if (!Character.isLowerCase(tk.text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The address ends before token {@code t}: the text or the line ends, or {@code t} is a punctuation mark that
   * closes a clause or an emoji. An apostrophe, hyphen or word goes on ("hi mark's", "thanks will do").
   */
  static boolean addressEnds(ModelTokens tk, int t) {
    if (t >= tk.size || tk.lineBefore[t]) {
      return true;
    }
    char c = tk.first(t);
    return c == ',' || c == '!' || c == '?' || c == '.' || c == ':' || c == ';' || c == ')' || c == '\u2026'
        || Character.isSurrogate(c) || c >= '\u2190' && c <= '\u2BFF';
  }
}
