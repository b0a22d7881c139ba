package io.veil.gateway;

import io.veil.core.RestoreFormat;
import io.veil.core.StreamingRestorer;

/**
 * Restores a text answer (no JSON mode asked for) in which the model may have written JSON that the
 * client will parse: a value restored inside a JSON string literal is JSON-escaped there, so a quote, a
 * backslash or a line break in it cannot break the document; everywhere else values go in as they are.
 *
 * <p>The rule (decided on what came before each character, so a stream and the whole answer agree):
 * <ul>
 *   <li><b>The answer is a JSON document</b> when its first non-blank character is {@code {} or {@code [}:
 *       from there to the bracket that closes it, JSON's lexical rules apply (strings, escapes, nesting);
 *       after it, the answer is text again.
 *   <li><b>JSON inside prose</b>: outside a code fence, a {@code {} or {@code [} (or several, with only blanks
 *       between them) followed, after blanks or line breaks, by a {@code "} opens a JSON document there
 *       (“Here is the record: {"name": …}”); it ends at the bracket that closes it, as above. The quote that
 *       decides it comes before any string content, so this too is decided on what came before.
 *   <li><b>A fenced JSON block</b> in a text answer: a line opening a Markdown code fence ({@code ```} or
 *       {@code ~~~}, at most three spaces in) whose info string's first word is {@code json},
 *       {@code jsonc}, {@code json5}, {@code jsonl} or {@code ndjson} (any case), up to the line that
 *       closes the fence.
 *   <li>Inside those, a value is escaped as JSON string content when it stands between the quotes of a
 *       string literal; a line break ends a string literal (JSON strings cannot hold one), so an
 *       unterminated string does not spill over. Values outside string literals (a bare
 *       {@code <PERSON_1>} where a number would be) and in all other text go in as they are.
 * </ul>
 * Placeholders contain none of {@code " \ { [ ` ~} or line breaks, so a placeholder never straddles a
 * change of context: each run of characters in one context is restored by its own streaming restorer, and
 * the concatenation of a stream's output equals {@link #restore(String, Restorers)} of the whole answer,
 * for any cutting into chunks.
 *
 * <p>What it does not do: brackets in prose not followed by a quote ({@code {1, 2}}, {@code [link](url)}),
 * and JSON inside a fence of another language, are text.
 *
 * <p>Memory: the streaming restorers' hold-back plus a line prefix of at most {@value #LINE_PREFIX} characters.
 * Not thread-safe; one per streamed text.
 */
final class JsonAwareTextRestorer implements StreamingRestorer {
  /** Characters of a line kept to recognise a fence line: enough for the fence and its info word. */
  static final int LINE_PREFIX = 48;
  /** Nesting counted for brackets in prose before the quote that makes them JSON ({@code [[{"}). */
  private static final int MAX_PENDING_OPENS = 16;

  private final Restorers restorers;
  private StreamingRestorer current;
  private RestoreFormat currentFormat;

  // where the answer is
  private boolean beforeFirst = true;
  private boolean document;
  private int depth;
  private Fence fence = Fence.NONE;
  private char fenceChar;
  private int fenceLength;
  private boolean inString;
  private boolean escaped;
  private boolean lineStartsOutsideDocument = true;
  /** Opening brackets seen in prose with only blanks after them: a quote next opens a JSON document. */
  private int pendingOpens;
  private final StringBuilder line = new StringBuilder(LINE_PREFIX);

  private enum Fence { NONE, JSON, OTHER }

  JsonAwareTextRestorer(Restorers restorers) {
    this.restorers = restorers;
  }

  /** Restores a whole answer text by the rule above. */
  static String restore(String text, Restorers restorers) {
    JsonAwareTextRestorer r = new JsonAwareTextRestorer(restorers);
    return r.push(text) + r.finish();
  }

  @Override
  public String push(CharSequence chunk) {
    StringBuilder out = null; // only when the context changes inside this chunk
    int runStart = 0;
    for (int i = 0; i < chunk.length(); i++) {
      RestoreFormat f = formatOf(chunk.charAt(i));
      if (f != currentFormat) {
        if (current != null) {
          if (out == null) {
            out = new StringBuilder(chunk.length() + 16);
          }
          out.append(current.push(chunk.subSequence(runStart, i))).append(current.finish());
        }
        current = restorers.streaming(f);
        currentFormat = f;
        runStart = i;
      }
    }
    String last = current == null || runStart == chunk.length() ? ""
        : current.push(runStart == 0 ? chunk : chunk.subSequence(runStart, chunk.length()));
    return out == null ? last : out.append(last).toString();
  }

  @Override
  public String finish() {
    String tail = current == null ? "" : current.finish();
    current = null;
    currentFormat = null;
    return tail;
  }

  /** The context of the next character, which moves the scanner past it. */
  private RestoreFormat formatOf(char c) {
    boolean wasString = inString;
    if (beforeFirst && !Character.isWhitespace(c)) {
      beforeFirst = false;
      if (c == '{' || c == '[') {
        document = true;
        depth = 1;
        lineStartsOutsideDocument = false;
        noteLine(c);
        return RestoreFormat.TEXT;
      }
    }
    if (document || fence == Fence.JSON) {
      lex(c);
    } else if (fence == Fence.NONE) {
      prose(c);
    }
    noteLine(c);
    return wasString && inString ? RestoreFormat.JSON_STRING : RestoreFormat.TEXT;
  }

  /** Outside JSON and fences: brackets followed by a quote open a JSON document (JSON inside prose). */
  private void prose(char c) {
    if (pendingOpens == 0) { // the common case, one test per character of prose
      if (c == '{' || c == '[') {
        pendingOpens = 1;
      }
      return;
    }
    if (c == '{' || c == '[') {
      pendingOpens = Math.min(pendingOpens + 1, MAX_PENDING_OPENS);
    } else if (c == '"' && pendingOpens > 0) {
      document = true;
      depth = pendingOpens;
      pendingOpens = 0;
      inString = true;
      escaped = false;
    } else if (!Character.isWhitespace(c)) {
      pendingOpens = 0;
    }
  }

  /** JSON's lexical rules: strings with escapes; nesting for a whole-answer document. */
  private void lex(char c) {
    if (inString) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"' || c == '\n' || c == '\r') {
        inString = false;
      }
      return;
    }
    if (c == '"') {
      inString = true;
    } else if (document && (c == '{' || c == '[')) {
      depth++;
    } else if (document && (c == '}' || c == ']') && --depth == 0) {
      document = false;
    }
  }

  /** Keeps a prefix of the current line; at its end, opens or closes a fence (outside a whole-answer document). */
  private void noteLine(char c) {
    if (c != '\n') {
      if (line.length() < LINE_PREFIX) {
        line.append(c);
      }
      return;
    }
    if (lineStartsOutsideDocument && !document) {
      fenceLine();
    }
    line.setLength(0);
    lineStartsOutsideDocument = !document;
  }

  private void fenceLine() {
    int i = 0;
    while (i < line.length() && i < 3 && line.charAt(i) == ' ') {
      i++;
    }
    if (i >= line.length() || (line.charAt(i) != '`' && line.charAt(i) != '~')) {
      return;
    }
    char ch = line.charAt(i);
    int run = 0;
    while (i + run < line.length() && line.charAt(i + run) == ch) {
      run++;
    }
    if (run < 3) {
      return;
    }
    String info = line.substring(i + run).strip();
    if (fence != Fence.NONE) {
      if (ch == fenceChar && run >= fenceLength && info.isEmpty()) {
        fence = Fence.NONE;
        inString = false;
        escaped = false;
      }
      return;
    }
    if (ch == '`' && info.indexOf('`') >= 0) {
      return; // an inline code span, not a fence
    }
    String word = info.split("[\\s{]", 2)[0].toLowerCase(java.util.Locale.ROOT);
    fence = switch (word) {
      case "json", "jsonc", "json5", "jsonl", "ndjson" -> Fence.JSON;
      default -> Fence.OTHER;
    };
    fenceChar = ch;
    fenceLength = run;
    inString = false;
    escaped = false;
  }

  @Override
  public String toString() {
    return "JsonAwareTextRestorer[document=" + document + ", fence=" + fence + "]";
  }
}
