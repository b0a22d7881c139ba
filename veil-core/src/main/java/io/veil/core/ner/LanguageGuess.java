package io.veil.core.ner;

import java.util.Map;
import java.util.Set;

/**
 * Guesses the language of a text among English, German, Spanish, French and Dutch by counting
 * frequent function words that are specific to one of them (words shared by two languages, such as
 * "de" or "en", are not counted). Looks at the first {@value #MAX_WORDS} words; allocation-free apart
 * from the result (words are looked up by their chars in place). Returns null when no function word was seen.
 *
 * <p>Some words are <em>weak</em> evidence ({@link #WEAK}): a function word of one language that is also a
 * frequent word of another of the five ("on" and "me" are French pronouns, "is" and "was" Dutch verbs, "que",
 * "se" and "y" French words, "es" Spanish, "te" French and Spanish, "will" and "was" German, "im" English chat for "I'm"), or a single letter
 * that is as often a Roman numeral, an initial or an OCR fragment ("I", "y"). They only break a tie between
 * languages that have the same number of strong words, and a text with weak words alone gets no guess: one "on"
 * or "I" in a French sentence does not make it English, and a French "que" does not make it Spanish. The gateway
 * never knows a text's language, and a wrong guess reads a text with another language's features and rules, which
 * is worse than no guess (the model reads an unguessed text as English, but without the English rule layer;
 * docs/notes/names17.md).
 *
 * <p>Stateless and thread-safe.
 */
public final class LanguageGuess {
  static final int MAX_WORDS = 300;
  private static final String[] LANGS = {"en", "de", "es", "fr", "nl"};
  /** Marks a {@link #WORDS} value as weak evidence (the language index is the value's low bits). */
  private static final int WEAK = 8;
  /** Function words that are also words of another of the five languages, and single letters (see the class doc). */
  private static final Set<String> WEAK_WORDS = Set.of("i", "on", "is", "was", "will", "me", "im", "es", "que", "se", "y",
      "te");
  private static final Map<String, Integer> WORDS = words();
  /** {@link #WORDS} as an open-addressing table probed with a word's chars in place (no String per word). */
  private static final int TABLE_SIZE = 1 << 9;
  private static final String[] TABLE_KEYS = new String[TABLE_SIZE];
  private static final int[] TABLE_LANGS = new int[TABLE_SIZE];

  static {
    for (Map.Entry<String, Integer> e : WORDS.entrySet()) {
      String w = e.getKey();
      int slot = slot(hash(w.toCharArray(), w.length()));
      while (TABLE_KEYS[slot] != null) {
        slot = (slot + 1) & (TABLE_SIZE - 1);
      }
      TABLE_KEYS[slot] = w;
      TABLE_LANGS[slot] = e.getValue();
    }
  }

  private static int hash(char[] buf, int len) {
    int h = 0;
    for (int k = 0; k < len; k++) {
      h = 31 * h + buf[k];
    }
    return h;
  }

  private static int slot(int h) {
    return (h ^ (h >>> 9)) & (TABLE_SIZE - 1);
  }

  /** The language index of the word {@code buf[0, len)}, or -1 if it is none of {@link #WORDS}. */
  private static int lookup(char[] buf, int len) {
    int slot = slot(hash(buf, len));
    String k;
    while ((k = TABLE_KEYS[slot]) != null) {
      if (k.length() == len && same(k, buf)) {
        return TABLE_LANGS[slot];
      }
      slot = (slot + 1) & (TABLE_SIZE - 1);
    }
    return -1;
  }

  private static boolean same(String k, char[] buf) {
    for (int i = 0; i < k.length(); i++) {
      if (k.charAt(i) != buf[i]) {
        return false;
      }
    }
    return true;
  }

  private LanguageGuess() {}

  private static Map<String, Integer> words() {
    java.util.HashMap<String, Integer> m = new java.util.HashMap<>();
    String[][] lists = {
        {"the", "and", "is", "of", "to", "you", "my", "with", "for", "this", "that", "are", "was", "i", "me",
            "your", "can", "please", "what", "how", "it", "have", "be", "not", "on", "at", "from", "will"},
        {"der", "die", "das", "und", "ist", "nicht", "ein", "eine", "mit", "von", "zu", "dem", "sich", "auf",
            "für", "im", "auch", "wird", "wurde", "bei", "nach", "ich", "sie", "es", "zum", "zur", "eines"},
        {"el", "los", "las", "y", "que", "una", "por", "con", "del", "para", "su", "al", "como", "fue",
            "paciente", "se", "lo", "sus", "años", "está", "pero", "más", "sin", "tras"},
        {"le", "les", "et", "est", "des", "du", "une", "dans", "pour", "pas", "sur", "au", "aux", "qui", "il",
            "ce", "sont", "avec", "elle", "nous", "vous", "cette", "par", "ont"},
        {"het", "een", "van", "niet", "op", "dat", "voor", "zijn", "te", "die", "ook", "aan", "bij", "naar",
            "wordt", "werd", "hij", "zij", "ik", "uit", "maar", "heeft", "deze", "tot", "om"}};
    java.util.HashMap<String, Integer> seen = new java.util.HashMap<>();
    for (String[] l : lists) {
      for (String w : l) {
        seen.merge(w, 1, Integer::sum);
      }
    }
    for (int i = 0; i < lists.length; i++) {
      for (String w : lists[i]) {
        if (seen.get(w) == 1) {
          m.put(w, WEAK_WORDS.contains(w) ? i | WEAK : i);
        }
      }
    }
    return Map.copyOf(m);
  }

  /**
   * "en", "de", "es", "fr" or "nl": the language with the most strong function words, ties broken by weak ones
   * (then by the order en, de, es, fr, nl); null when the text has no strong function word.
   */
  public static String guess(String text) {
    int[] counts = new int[LANGS.length];
    int[] weak = new int[LANGS.length];
    int n = text.length();
    int words = 0;
    int i = 0;
    char[] buf = new char[12];
    while (i < n && words < MAX_WORDS) {
      while (i < n && !Character.isLetter(text.charAt(i))) {
        i++;
      }
      int s = i;
      while (i < n && Character.isLetter(text.charAt(i))) {
        i++;
      }
      if (i == s) {
        break;
      }
      words++;
      int len = i - s;
      if (len > buf.length) {
        continue;
      }
      for (int k = 0; k < len; k++) {
        buf[k] = Character.toLowerCase(text.charAt(s + k));
      }
      int lang = lookup(buf, len);
      if (lang >= WEAK) {
        weak[lang - WEAK]++;
      } else if (lang >= 0) {
        counts[lang]++;
      }
    }
    int best = -1;
    for (int l = 0; l < counts.length; l++) {
      if (counts[l] > 0
          && (best < 0 || counts[l] > counts[best] || counts[l] == counts[best] && weak[l] > weak[best])) {
        best = l;
      }
    }
    return best < 0 ? null : LANGS[best];
  }

  static Set<String> languages() {
    return Set.of(LANGS);
  }
}
