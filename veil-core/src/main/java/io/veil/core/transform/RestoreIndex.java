package io.veil.core.transform;

import io.veil.core.EntityType;
import io.veil.core.RestoreFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A trie over every spelling of a scope's tokens and surrogates that restore accepts, in case-folded
 * form (one UTF-16 unit folded to one unit, so offsets stay those of the text).
 *
 * <p>Spellings (the tolerance rules, all tested in {@code RestoreToleranceTest}):
 * <ul>
 *   <li>Placeholders {@code <TYPE_N>}: any letter case; HTML-escaped {@code &lt;TYPE_N&gt;};
 *       backslash-escaped {@code \<TYPE_N\>}; markdown-escaped underscore {@code <TYPE\_N>}; in
 *       {@link RestoreFormat#JSON_STRING} also {@code \u003cTYPE_N\u003e}; and bare {@code TYPE_N} (or
 *       {@code TYPE\_N}) where it stands alone: no letter, digit or underscore on either side. The digits
 *       make a bare token unambiguous ({@code PERSON_12} never restores as {@code PERSON_1} + "2"). A bare
 *       token that ends the text is restored only if no longer token of the scope continues it with a
 *       digit: an answer cut short by a token limit ({@code Dear <PERSON_1} while the model was writing
 *       {@code <PERSON_12>}) must not restore another person's value.
 *   <li>Surrogates: any letter case, as whole words where they begin or end with a letter or digit; a
 *       surrogate that is one word of letters only ("Paris") matches in its exact case only. For
 *       surrogates and name parts an underscore is a boundary ({@code @Cowboy_Paris}), for bare
 *       placeholders it is not ({@code MY_PERSON_1}).
 *   <li>A surrogate PERSON of two or more words also restores its first word and its last word alone,
 *       exact case only, as whole words, to the original's first and last word ("Smith" → "Doe"), unless
 *       two surrogates share that word with different originals, or the word is shorter than 2 letters.
 *   <li>Encrypted tokens {@code <TYPE_enc:…>}: exact case only (base64 is case-sensitive).
 * </ul>
 * Surrounding punctuation, a possessive {@code 's} and markdown emphasis ({@code **<PERSON_1>**}) need
 * no rule: they are outside the match and stay where they are.
 */
final class RestoreIndex {
  /**
   * Vault entries whose token starts with this mark a surrogate (or surrogate-name part) as retired in
   * the scope: a later turn really contained it, so restoring it would rewrite real text.
   */
  static final String RETIRED_PREFIX = "\u0000veil-retired\u0000";

  private static final Pattern PLACEHOLDER = Pattern.compile("<([A-Za-z][A-Za-z0-9_]*)_([0-9]+)>");

  /**
   * Whether {@link #build} could make a retirable target (a surrogate or one of its name parts) of this
   * token: true for every token that is not empty, not a retirement mark, not a placeholder and not an
   * encrypted token. (A retired surrogate still answers true: conservative.)
   */
  static boolean mayBeRetirable(String token) {
    return !token.isEmpty() && !token.startsWith(RETIRED_PREFIX) && !isPlaceholder(token)
        && !token.contains("_enc:");
  }

  /** As {@code PLACEHOLDER.matcher(token).matches()}, without a matcher (it runs once per token and text). */
  static boolean isPlaceholder(String token) {
    int n = token.length();
    if (n < 5 || token.charAt(0) != '<' || token.charAt(n - 1) != '>' || !isAsciiLetter(token.charAt(1))) {
      return false;
    }
    int digits = n - 1; // start of the trailing digit run of the body token[1, n - 1)
    while (digits > 1 && token.charAt(digits - 1) >= '0' && token.charAt(digits - 1) <= '9') {
      digits--;
    }
    if (digits == n - 1 || digits < 3 || token.charAt(digits - 1) != '_') {
      return false;
    }
    for (int i = 2; i < digits - 1; i++) {
      char c = token.charAt(i);
      if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '_') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  /** One accepted spelling. */
  record Target(String key, boolean caseSensitive, boolean wordStart, boolean wordEnd, String value,
      boolean underscoreIsWord, String retirable) {
    Target(String key, boolean caseSensitive, boolean wordStart, boolean wordEnd, String value) {
      this(key, caseSensitive, wordStart, wordEnd, value, false, null);
    }

    /**
     * True for the bare spellings of a placeholder ({@code PERSON_1}, {@code PERSON\_1}): the only targets
     * for which an underscore continues a word.
     */
    boolean barePlaceholder() {
      return underscoreIsWord;
    }

    /** True if {@code c} would continue a word across this target's edge. */
    boolean continuesWord(char c) {
      return underscoreIsWord ? isWord(c) : Character.isLetterOrDigit(c);
    }

    @Override
    public String toString() {
      return "Target[length=" + key.length() + "]";
    }
  }

  /** A trie node: children in small parallel arrays (fan-out is low below the root). */
  static final class Node {
    private static final char[] NO_LABELS = new char[0];
    private static final Node[] NO_KIDS = new Node[0];
    private char[] labels = NO_LABELS;
    private Node[] kids = NO_KIDS;
    private int size;
    private Node[] ascii; // only on the root: direct lookup for ASCII
    private List<Target> accepts;

    Node child(char c) {
      if (ascii != null && c < 128) {
        return ascii[c];
      }
      for (int k = 0; k < size; k++) {
        if (labels[k] == c) {
          return kids[k];
        }
      }
      return null;
    }

    Node childOrNew(char c) {
      Node n = child(c);
      if (n != null) {
        return n;
      }
      n = new Node();
      if (ascii != null && c < 128) {
        ascii[c] = n;
        return n;
      }
      if (size == labels.length) {
        int cap = Math.max(2, size * 2);
        labels = java.util.Arrays.copyOf(labels, cap);
        kids = java.util.Arrays.copyOf(kids, cap);
      }
      labels[size] = c;
      kids[size++] = n;
      return n;
    }

    /** True if some longer key continues this node's with an ASCII digit. */
    boolean continuesWithDigit() {
      for (char c = '0'; c <= '9'; c++) {
        if (child(c) != null) {
          return true;
        }
      }
      return false;
    }

    boolean hasChildren() {
      return size > 0 || ascii != null;
    }

    List<Target> accepts() {
      return accepts;
    }
  }

  private final Node root = new Node();
  private int maxKeyLength;

  private RestoreIndex() {
    root.ascii = new Node[128];
  }

  Node root() {
    return root;
  }

  int maxKeyLength() {
    return maxKeyLength;
  }

  /**
   * Heap bytes this index holds, estimated from its node count: about {@value #BYTES_PER_NODE} bytes per node
   * with its arrays, targets and keys (the heap histogram of the multi-instance load run: 150 MB over 1.55
   * million nodes). O(nodes), like the build.
   */
  long estimatedBytes() {
    long nodes = 0;
    java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      nodes++;
      if (n.ascii != null) {
        for (Node k : n.ascii) {
          if (k != null) {
            todo.push(k);
          }
        }
      }
      for (int i = 0; i < n.size; i++) {
        todo.push(n.kids[i]);
      }
    }
    return nodes * BYTES_PER_NODE;
  }

  static final int BYTES_PER_NODE = 100;

  static RestoreIndex build(Map<String, String> entries, Map<String, EntityType> types, RestoreFormat format) {
    RestoreIndex index = new RestoreIndex();
    List<Target> primary = new ArrayList<>();
    List<Target> variants = new ArrayList<>();
    Map<String, String> parts = new HashMap<>();
    Set<String> ambiguousParts = new HashSet<>();
    Set<String> retired = new HashSet<>();
    for (String token : entries.keySet()) {
      if (token.startsWith(RETIRED_PREFIX)) {
        retired.add(token.substring(RETIRED_PREFIX.length()));
      }
    }
    for (Map.Entry<String, String> e : entries.entrySet()) {
      String token = e.getKey();
      String value = e.getValue();
      if (token.isEmpty() || token.startsWith(RETIRED_PREFIX) || retired.contains(token)) {
        continue;
      }
      Matcher m = PLACEHOLDER.matcher(token);
      if (m.matches()) {
        String bare = m.group(1) + "_" + m.group(2);
        String escaped = m.group(1).replace("_", "\\_") + "\\_" + m.group(2);
        primary.add(new Target(token, false, false, false, value));
        variants.add(new Target("&lt;" + bare + "&gt;", false, false, false, value));
        variants.add(new Target("\\<" + bare + "\\>", false, false, false, value));
        variants.add(new Target("<" + escaped + ">", false, false, false, value));
        variants.add(new Target(bare, false, true, true, value, true, null));
        variants.add(new Target(escaped, false, true, true, value, true, null));
        if (format == RestoreFormat.JSON_STRING) {
          variants.add(new Target("\\u003c" + bare + "\\u003e", false, false, false, value));
        }
      } else if (token.contains("_enc:")) {
        primary.add(new Target(token, true, false, false, value));
      } else {
        // a one-word, letters-only surrogate ("Rose", "Paris") matches in its own case only, so the
        // ordinary word ("rose") is left alone; anything with a space, digit or symbol in any case
        boolean oneWord = token.chars().allMatch(Character::isLetter);
        primary.add(new Target(token, oneWord, isWord(token.charAt(0)), isWord(token.charAt(token.length() - 1)), value,
            false, token));
        if (EntityType.PERSON.equals(types.get(token))) {
          addNameParts(token, value, parts, ambiguousParts);
        }
      }
    }
    Set<String> wholeKeys = new HashSet<>();
    for (Target t : primary) {
      wholeKeys.add(fold(t.key()));
    }
    List<Target> nameParts = new ArrayList<>();
    parts.forEach((part, value) -> {
      if (!ambiguousParts.contains(part) && !wholeKeys.contains(fold(part)) && !retired.contains(part)) {
        nameParts.add(new Target(part, true, true, true, value, false, part));
      }
    });
    // deterministic order among targets of one node: whole tokens, then variants, then name parts
    nameParts.sort(Comparator.comparing(Target::key));
    for (List<Target> group : List.of(primary, variants, nameParts)) {
      for (Target t : group) {
        index.add(t);
      }
    }
    return index;
  }

  private static void addNameParts(String surrogate, String original, Map<String, String> parts, Set<String> ambiguous) {
    String[] s = surrogate.strip().split("\\s+");
    String[] o = original.strip().split("\\s+");
    if (s.length < 2 || o.length < 2) {
      return;
    }
    putPart(s[0], o[0], parts, ambiguous);
    putPart(s[s.length - 1], o[o.length - 1], parts, ambiguous);
  }

  private static void putPart(String part, String value, Map<String, String> parts, Set<String> ambiguous) {
    if (part.length() < 2 || !isWord(part.charAt(0)) || !isWord(part.charAt(part.length() - 1))) {
      return;
    }
    String prev = parts.putIfAbsent(part, value);
    if (prev != null && !prev.equals(value)) {
      ambiguous.add(part);
    }
  }

  private void add(Target t) {
    String folded = fold(t.key());
    Node n = root;
    for (int i = 0; i < folded.length(); i++) {
      n = n.childOrNew(folded.charAt(i));
    }
    if (n.accepts == null) {
      n.accepts = new ArrayList<>(1);
    }
    n.accepts.add(t);
    maxKeyLength = Math.max(maxKeyLength, folded.length());
  }

  static char fold(char c) {
    if (c < 128) {
      return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
    return Character.toLowerCase(c);
  }

  static String fold(String s) {
    char[] out = new char[s.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = fold(s.charAt(i));
    }
    return new String(out);
  }

  /** Letters, digits and underscore continue a word (UTF-16 units; surrogate halves do not). */
  static boolean isWord(char c) {
    return c == '_' || Character.isLetterOrDigit(c);
  }
}
