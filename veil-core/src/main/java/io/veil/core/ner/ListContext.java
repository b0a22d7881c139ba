package io.veil.core.ner;

/**
 * The list-context facts of {@link ModelFeatures} (version 3): finds lists of capitalised items joined by
 * separators on one line ("Kónya, Becker and Vasquez", "John Smith, Mary Jones, and Bob Lee", "Barnett,
 * Melton &amp; Garcia LLC") and describes, for every token of an item, the other items of the list and the words
 * right before and after it. The sequence model weighs these facts itself; nothing here decides a label.
 *
 * <p>An item is a run of one to {@link #MAX_ITEM} capitalised or upper-case words (lower-case words never are:
 * on a lower-case line, as in chat, every "x, y and z" would be a list); never function words or imperatives, nor
 * a common word that opens a sentence before another item word ("Ask Kónya, Becker" lists two items, "Park
 * and Mann" two); a separator is a comma,
 * "&amp;", or a lower-case "and", "or", "et", "y" (German text gets no list context at all); a comma followed by a conjunction (the serial comma)
 * counts as one separator. A list has at least two items and never crosses a line break.
 *
 * <p>Stateless; two linear passes over the tokens plus two over each list found; one boolean per token.
 */
final class ListContext {
  /** Longest item, in words: longer runs of capitalised words are headings or titles, not list members. */
  static final int MAX_ITEM = 3;
  static final int COMMA = 1;
  static final int CONJUNCTION = 2;

  private ListContext() {}

  /** 0 when token {@code t} is no separator, else {@link #COMMA} or {@link #CONJUNCTION}. */
  static int separator(ModelTokens tk, int t) {
    String text = tk.text;
    int s = tk.starts[t];
    int len = tk.ends[t] - s;
    char c = text.charAt(s);
    return switch (len) {
      case 1 -> c == ',' ? COMMA : c == '&' || c == 'y' ? CONJUNCTION : 0;
      case 2 -> c == 'o' && text.charAt(s + 1) == 'r' || c == 'e' && text.charAt(s + 1) == 't' ? CONJUNCTION : 0;
      case 3 -> c == 'a' && text.charAt(s + 1) == 'n' && text.charAt(s + 2) == 'd' ? CONJUNCTION : 0;
      default -> 0;
    };
  }

  /** Words that never start or continue an item: function words, imperatives, and a common word opening a sentence. */
  /** {@link ModelFeatures#lexSummary}'s common-word bit. */
  private static final int COMMON_BIT = 1 << 7;
  private static final int NOT_ITEM = Closed.FUNCTION | Closed.IMPERATIVES;

  /**
   * Fills {@code listRun} (the summary of the other items), {@code listGov} and {@code listNext} (the words before
   * and after the list, {@link #NONE} when there is none) for every item token; each array of length
   * {@code tk.size}, zeroed, and left 0 outside lists.
   *
   * @param cap per token: 1 number, 2 upper case, 3 capitalised, 4 lower case, 5 other ({@link ModelFeatures.Facts#cap})
   * @param lexS per token: {@link ModelFeatures#lexSummary} of its lexicon entry
   * @param gaz per token: the rule layer's finding, type * 8 + begin * 4 + band + 1, or 0
   * @param closed per token: {@link Closed#mask}
   * @param word per token: {@link ModelFeatures.Facts#word}
   * @param sentStart per token: whether it opens a sentence or line
   */
  static void compute(ModelTokens tk, int[] cap, int[] lexS, int[] gaz, int[] closed, boolean[] sentStart,
      int[] word, int[] listRun, int[] listGov, int[] listNext) {
    int n = tk.size;
    boolean[] isItem = new boolean[n];
    for (int t = 0; t < n; t++) {
      boolean letters = cap[t] == 2 || cap[t] == 3;
      isItem[t] = letters && separator(tk, t) == 0 && (closed[t] & NOT_ITEM) == 0;
    }
    for (int t = 0; t + 1 < n; t++) {
      // "Ask Kónya, Becker": a common word opening a sentence is no part of the item after it
      if (sentStart[t] && (lexS[t] & COMMON_BIT) != 0 && isItem[t + 1] && !tk.lineBefore[t + 1]) {
        isItem[t] = false;
      }
    }
    int i = 0;
    while (i < n) {
      if (!isItem[i]) {
        i++;
        continue;
      }
      // scan one list from item start i: items alternate with separators on one line
      int first = i;
      int items = 0;
      int end = i; // end of the last item
      int at = i;
      boolean longItem = false;
      while (true) {
        int e = at + 1;
        while (e < n && e - at < MAX_ITEM && isItem[e] && !tk.lineBefore[e]) {
          e++;
        }
        if (e < n && isItem[e] && !tk.lineBefore[e]) {
          longItem = true; // a run longer than an item: no list here
          while (e < n && isItem[e] && !tk.lineBefore[e]) {
            e++;
          }
        }
        if (longItem) {
          end = e;
          break;
        }
        items++;
        end = e;
        int next = nextItem(tk, isItem, e);
        if (next < 0) {
          break;
        }
        at = next;
      }
      if (!longItem && items >= 2) {
        describe(tk, isItem, lexS, gaz, closed, first, end, items, listRun);
        int gov = around(tk, cap, word, first - 1, -1);
        int next = around(tk, cap, word, end, 1);
        for (int t = first; t < end; t++) {
          if (isItem[t]) {
            listGov[t] = gov;
            listNext[t] = next;
          }
        }
      }
      i = Math.max(end, i + 1);
    }
  }

  /**
   * The word hash of the nearest letter word from token {@code t} on in direction {@code dir} (at most
   * {@link #REACH} tokens, same line), or {@link #NONE}: the word that governs the list ("founders: ...",
   * "worked at ...") or follows it ("... were engineers", "... LLP").
   */
  private static int around(ModelTokens tk, int[] cap, int[] word, int t, int dir) {
    for (int k = 0; k < REACH && t >= 0 && t < tk.size; k++, t += dir) {
      if (dir < 0 ? tk.lineBefore[t + 1] : tk.lineBefore[t]) {
        break;
      }
      if (cap[t] >= 2 && cap[t] <= 4) {
        return word[t];
      }
    }
    return NONE;
  }

  /** How far {@link #around} looks, in tokens. */
  static final int REACH = 3;
  /** {@link #around}'s answer when no word is near. */
  static final int NONE = 0x2c1b3c6d;

  /** The start of the item after a separator at {@code e} (serial comma included), or -1. */
  private static int nextItem(ModelTokens tk, boolean[] isItem, int e) {
    int n = tk.size;
    if (e >= n || tk.lineBefore[e]) {
      return -1;
    }
    int kind = separator(tk, e);
    if (kind == 0) {
      return -1;
    }
    int k = e + 1;
    if (kind == COMMA && k < n && !tk.lineBefore[k] && separator(tk, k) == CONJUNCTION) {
      k++;
    }
    return k < n && !tk.lineBefore[k] && isItem[k] ? k : -1;
  }

  /**
   * The coarse list fact the model uses: 0 outside a list, else 1 | other items with name evidence (the name
   * lists or the rule layer; 0, 1, 2 or more) &lt;&lt; 1 | company suffix &lt;&lt; 3 | another item a place &lt;&lt; 4.
   */
  static int coarse(int run) {
    if (run == 0) {
      return 0;
    }
    int names = Math.max(run & 3, run >> 5 & 3);
    return 1 | names << 1 | (run >> 7 & 1) << 3 | (run >> 4 & 1) << 4;
  }

  private static final int ITEM_PERSON = 1;
  private static final int ITEM_UNKNOWN = 2;
  private static final int ITEM_PLACE = 4;
  private static final int ITEM_RULE_PERSON = 8;
  private static final int ITEM_END = 8;

  /**
   * The item starting at token {@code s} (its tokens run while {@code isItem}): its end token index
   * {@code << ITEM_END} | {@code ITEM_PERSON} if a token has name evidence in the lists | {@code ITEM_UNKNOWN}
   * if no token is in the lexicon | {@code ITEM_PLACE} if a token is a place | {@code ITEM_RULE_PERSON} if
   * the rule layer tagged a token a person.
   */
  private static long item(boolean[] isItem, int[] lexS, int[] gaz, int s, int end) {
    int e = s;
    boolean p = false;
    boolean u = true;
    boolean pl = false;
    boolean rp = false;
    while (e < end && isItem[e]) {
      p |= person(lexS[e]);
      u &= lexS[e] == 0;
      pl |= (lexS[e] & 0x70) != 0;
      rp |= gaz[e] >> 3 == 1;
      e++;
    }
    return (long) e << ITEM_END | (p ? ITEM_PERSON : 0) | (u ? ITEM_UNKNOWN : 0) | (pl ? ITEM_PLACE : 0)
        | (rp ? ITEM_RULE_PERSON : 0);
  }

  private static boolean person(int lexS) {
    return (lexS & 3) >= 2 || (lexS >> 2 & 3) >= 2;
  }

  /** Second pass over one list of {@code items} items in tokens {@code [first, end)}. */
  private static void describe(ModelTokens tk, boolean[] isItem, int[] lexS, int[] gaz, int[] closed,
      int first, int end, int items, int[] listRun) {
    int orgMask = Closed.LEGAL_SUFFIXES | Closed.ORG_HEADS;
    boolean org = end < tk.size && !tk.lineBefore[end] && (closed[end] & orgMask) != 0;
    int persons = 0;
    int unknown = 0;
    int places = 0;
    int rulePersons = 0;
    // totals over the items (an item counts once per kind)
    for (int s = first; s < end; ) {
      long item = item(isItem, lexS, gaz, s, end);
      int e = (int) (item >>> ITEM_END);
      boolean p = (item & ITEM_PERSON) != 0;
      boolean u = (item & ITEM_UNKNOWN) != 0;
      boolean pl = (item & ITEM_PLACE) != 0;
      boolean rp = (item & ITEM_RULE_PERSON) != 0;
      for (int k = s; k < e; k++) {
        org |= (closed[k] & orgMask) != 0;
      }
      persons += p ? 1 : 0;
      unknown += u ? 1 : 0;
      places += pl && !p ? 1 : 0;
      rulePersons += rp ? 1 : 0;
      s = e;
      while (s < end && !(isItem[s])) {
        s++;
      }
    }
    int index = 0;
    for (int s = first; s < end; index++) {
      long item = item(isItem, lexS, gaz, s, end);
      int e = (int) (item >>> ITEM_END);
      boolean p = (item & ITEM_PERSON) != 0;
      boolean u = (item & ITEM_UNKNOWN) != 0;
      boolean pl = (item & ITEM_PLACE) != 0;
      boolean rp = (item & ITEM_RULE_PERSON) != 0;
      int nextFirst = e;
      while (nextFirst < end && !(isItem[nextFirst])) {
        nextFirst++;
      }
      int others = Math.min(persons - (p ? 1 : 0), 2)
          | Math.min(unknown - (u ? 1 : 0), 2) << 2
          | Math.min(places - (pl && !p ? 1 : 0), 1) << 4
          | Math.min(rulePersons - (rp ? 1 : 0), 2) << 5
          | (org ? 1 : 0) << 7
          | Math.min(items, 4) << 8
          | (index == 0 ? 0 : index == items - 1 ? 2 : 1) << 11
          | 1 << 13;
      for (int t = s; t < e; t++) {
        listRun[t] = others;
      }
      s = nextFirst;
    }
  }
}
