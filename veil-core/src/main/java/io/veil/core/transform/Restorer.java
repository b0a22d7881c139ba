package io.veil.core.transform;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.veil.core.EntityType;
import io.veil.core.JsonEscapes;
import io.veil.core.RestoreFormat;
import io.veil.core.StreamingRestorer;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Puts original values back for the tokens and surrogates of one scope, in a whole text or a stream.
 *
 * <p>Matching: a trie over every accepted spelling ({@link RestoreIndex} lists the tolerance rules),
 * walked left to right; at each position the longest accepted spelling wins ({@code <PERSON_12>} before
 * {@code <PERSON_1>}), and matching resumes after it. Cost: O(text length × longest spelling) at worst,
 * O(text length) for ordinary text.
 *
 * <p>Streaming: {@link #streaming()} runs the very same decision procedure over a buffer and stops at the
 * first position whose decision needs characters not yet received (a prefix of a spelling, or a match
 * whose word-boundary check needs the next character, or a high surrogate without its low half). So the
 * concatenated output of any chunking equals {@link #restore(String)} of the whole text, and the held-back
 * tail is at most the longest spelling plus one character.
 *
 * <p>Thread safety: immutable; {@link #restore} is thread-safe, each {@link StreamingRestorer} is not.
 *
 * <p><b>Security:</b> holds original values; {@link #toString()} prints only sizes. With
 * {@link RestoreFormat#JSON_STRING}, values are JSON-escaped so a quote in a value cannot end the string.
 */
public final class Restorer {
  private static final int PENDING = -1;

  private final RestoreIndex index;
  private final RestoreFormat format;

  private Restorer(RestoreIndex index, RestoreFormat format) {
    this.index = index;
    this.format = format;
  }

  /**
   * A restorer for a scope's entries.
   *
   * @param entries token (or surrogate) → original value, as {@link io.veil.core.TokenVault#entries}
   * @param types token → type where known, as {@link io.veil.core.TokenVault#tokenTypes}
   */
  public static Restorer of(Map<String, String> entries, Map<String, EntityType> types, RestoreFormat format) {
    Objects.requireNonNull(format, "format");
    return new Restorer(RestoreIndex.build(entries, types, format), format);
  }

  /** Heap bytes this restorer holds, estimated (for caches that bound their memory). */
  long estimatedBytes() {
    return index.estimatedBytes();
  }

  /** Restores a whole text. */
  public String restore(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    new Scan(text).run(true, out);
    return out.toString();
  }

  /**
   * The surrogates and surrogate-name parts (not placeholders) that restore would rewrite in
   * {@code text} outside the given spans: text the user really wrote that collides with an earlier
   * surrogate of the scope.
   */
  List<String> collisions(String text, List<io.veil.core.Finding> spans) {
    List<String> found = new java.util.ArrayList<>();
    Scan scan = new Scan(text);
    SpanSet covered = new SpanSet(spans);
    scan.collector = (start, target) -> {
      if (target.retirable() == null) {
        return;
      }
      if (!covered.overlaps(start, start + target.key().length())) {
        found.add(target.retirable());
      }
    };
    scan.run(true, new StringBuilder());
    return found;
  }

  /** A restorer for one stream (not thread-safe). */
  public StreamingRestorer streaming() {
    return new Stream();
  }

  /** The longest accepted spelling, in UTF-16 units (what a stream may hold back, plus one). */
  public int maxHoldBack() {
    return index.maxKeyLength() + 1;
  }

  @Override
  public String toString() {
    return "Restorer[format=" + format + ", longest=" + index.maxKeyLength() + "]";
  }

  private String encode(String value) {
    return format == RestoreFormat.JSON_STRING ? jsonStringContent(value) : value;
  }

  /**
   * {@code value} as JSON string content. A JSON escape {@code \\uXXXX} in it stays as it is: such a value was
   * taken from a JSON document inside the prompt (detection reads those escapes, as Python's {@code json.dumps}
   * writes every accented letter), where it already was string content; escaping its backslash again would turn
   * "Zo\\u00eb" into the text "Zo\\\\u00eb" in the answer's document. Any other character is quoted, so nothing
   * in a value can end the string.
   */
  static String jsonStringContent(String value) {
    if (value.indexOf('\\') < 0) {
      return new String(JsonStringEncoder.getInstance().quoteAsString(value));
    }
    StringBuilder out = new StringBuilder(value.length() + 16);
    int from = 0;
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) != '\\') {
        continue;
      }
      if (JsonEscapes.codeUnitAt(value, i) >= 0) {
        JsonStringEncoder.getInstance().quoteAsString(value.substring(from, i), out);
        out.append(value, i, i + JsonEscapes.LENGTH);
        from = i + JsonEscapes.LENGTH;
        i += JsonEscapes.LENGTH - 1;
      } else {
        i++; // an escaped character (a second backslash included) is quoted with the text around it
      }
    }
    JsonStringEncoder.getInstance().quoteAsString(value.substring(from), out);
    return out.toString();
  }

  /**
   * The findings' spans, asked whether any overlaps a range: a binary search over the spans sorted by start
   * (for the non-overlapping findings an analyzer returns), so that a text with many findings and many
   * matches does not cost matches × findings; overlapping spans fall back to a scan of every span.
   */
  static final class SpanSet {
    private final int[] starts;
    private final int[] ends;
    private final boolean disjoint;

    SpanSet(List<io.veil.core.Finding> spans) {
      List<io.veil.core.Finding> sorted = new java.util.ArrayList<>(spans);
      sorted.sort(java.util.Comparator.comparingInt(io.veil.core.Finding::start));
      starts = new int[sorted.size()];
      ends = new int[sorted.size()];
      boolean ok = true;
      for (int i = 0; i < starts.length; i++) {
        starts[i] = sorted.get(i).start();
        ends[i] = sorted.get(i).end();
        ok &= i == 0 || starts[i] >= ends[i - 1];
      }
      disjoint = ok;
    }

    /** Whether some span {@code [s, e)} has {@code s < end && start < e}. */
    boolean overlaps(int start, int end) {
      if (!disjoint) {
        for (int i = 0; i < starts.length; i++) {
          if (starts[i] < end && start < ends[i]) {
            return true;
          }
        }
        return false;
      }
      // disjoint and sorted by start, so ends are sorted too: the first span ending after start decides
      int lo = 0;
      int hi = starts.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (ends[mid] <= start) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo < starts.length && starts[lo] < end;
    }
  }

  /** The scan state over a buffer: the char before position 0 is {@code prev} (or none). */
  private final class Scan {
    private CharSequence buf;
    private char prev;
    private boolean hasPrev;
    private RestoreIndex.Target matched;
    private java.util.function.BiConsumer<Integer, RestoreIndex.Target> collector;

    Scan(CharSequence buf) {
      this.buf = buf;
    }

    /** Emits every decided position; returns how many units of {@code buf} were consumed. */
    int run(boolean finished, StringBuilder out) {
      int n = buf.length();
      int i = 0;
      int copyFrom = 0; // unmatched input not yet copied to out
      RestoreIndex.Node root = index.root();
      while (i < n) {
        char c = buf.charAt(i);
        if (!finished && Character.isHighSurrogate(c) && i + 1 == n) {
          break; // never split a surrogate pair across outputs
        }
        if (root.child(RestoreIndex.fold(c)) == null) {
          i++; // cannot start a match: no trie walk needed
          continue;
        }
        int len = longestMatch(i, n, finished);
        if (len == PENDING) {
          break;
        }
        if (len > 0) {
          if (collector != null) {
            collector.accept(i, matched);
          }
          out.append(buf, copyFrom, i).append(encode(matched.value()));
          i += len;
          copyFrom = i;
        } else {
          i++;
        }
      }
      out.append(buf, copyFrom, i);
      if (i > 0) {
        prev = buf.charAt(i - 1);
        hasPrev = true;
      }
      return i;
    }

    /** Length of the longest valid match at {@code i} (its target in {@link #matched}), 0 if none, or PENDING. */
    private int longestMatch(int i, int n, boolean finished) {
      RestoreIndex.Node node = index.root();
      int bestLen = 0;
      RestoreIndex.Target best = null;
      for (int d = 0; ; d++) {
        List<RestoreIndex.Target> accepts = node.accepts();
        if (d > 0 && accepts != null) {
          for (RestoreIndex.Target t : accepts) {
            int r = check(t, i, d, n, finished);
            if (r == PENDING) {
              return PENDING;
            }
            if (r == 1 && i + d == n && t.barePlaceholder() && node.continuesWithDigit()) {
              // the text ends in a bare token a longer one continues: maybe cut short, so ambiguous
              continue;
            }
            if (r == 1) {
              bestLen = d;
              best = t;
              break;
            }
          }
        }
        if (i + d == n) {
          if (!finished && node.hasChildren()) {
            return PENDING;
          }
          break;
        }
        node = node.child(RestoreIndex.fold(buf.charAt(i + d)));
        if (node == null) {
          break;
        }
      }
      matched = best;
      return bestLen;
    }

    /** 1 if target t matches buf[i, i+d), 0 if not, PENDING if the next char is needed. */
    private int check(RestoreIndex.Target t, int i, int d, int n, boolean finished) {
      if (t.caseSensitive()) {
        for (int k = 0; k < d; k++) {
          if (buf.charAt(i + k) != t.key().charAt(k)) {
            return 0;
          }
        }
      }
      if (t.wordStart()) {
        boolean wordBefore = i > 0 ? t.continuesWord(buf.charAt(i - 1)) : hasPrev && t.continuesWord(prev);
        if (wordBefore) {
          return 0;
        }
      }
      if (t.wordEnd()) {
        if (i + d == n) {
          return finished ? 1 : PENDING;
        }
        if (t.continuesWord(buf.charAt(i + d))) {
          return 0;
        }
      }
      return 1;
    }
  }

  private final class Stream implements StreamingRestorer {
    private final StringBuilder pending = new StringBuilder();
    private final Scan scan = new Scan(pending);
    private boolean finished;

    @Override
    public String push(CharSequence chunk) {
      if (finished) {
        throw new IllegalStateException("the stream is finished");
      }
      pending.append(chunk);
      return drain(false);
    }

    @Override
    public String finish() {
      if (finished) {
        return "";
      }
      String out = drain(true);
      finished = true;
      return out;
    }

    private String drain(boolean end) {
      StringBuilder out = new StringBuilder(pending.length() + 16);
      int consumed = scan.run(end, out);
      pending.delete(0, consumed);
      return out.toString();
    }

    @Override
    public String toString() {
      return "StreamingRestorer[held=" + pending.length() + "]";
    }
  }
}
