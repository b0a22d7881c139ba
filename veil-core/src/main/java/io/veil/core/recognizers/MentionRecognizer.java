package io.veil.core.recognizers;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.Trigger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Social-media {@code @handle} mentions ("RT @jane_doe: …", "thanks @JennyK88 @dave"), typed
 * {@link EntityType#USERNAME}. The finding covers the handle without its {@code @}, so a placeholder or
 * surrogate keeps the mention readable ({@code @<USERNAME_1>}, {@code @kris.west}) and the same account
 * written as {@code username: jane_doe} gets the same token.
 *
 * <p>A mention is an {@code @} at the start of the text or after whitespace or opening/closing
 * punctuation (not after a letter, digit, slash, opening brace or another at sign: e-mail addresses,
 * URLs, inline Javadoc tags), then 1 to 39 ASCII letters, digits and {@code _} (a {@code -} only between
 * two of them), with at least one letter. It is not a mention when it is code or markup:
 * <ul>
 *   <li>followed by {@code (}, {@code /}, a dot and a letter, or {@code @} (annotation arguments, decorators
 *       such as {@code @app.route(…)}, npm scopes such as {@code @types/node}, addresses);</li>
 *   <li>alone on its line at a line start ({@code @Override} or {@code @property} and a line break), or at a line start and
 *       followed by a declaration keyword such as {@code public} or {@code def};</li>
 *   <li>a word of the closed classes of language keywords that are written with {@code @}: Java/Kotlin
 *       annotations of the platform and common frameworks, Python decorators of the standard library,
 *       CSS at-rules, Javadoc/JSDoc tags, and the broadcast words {@code @here}, {@code @channel},
 *       {@code @everyone}, {@code @all};</li>
 *   <li>digits with a time or unit suffix ({@code @10am}, {@code @5pm}, {@code @2x}).</li>
 * </ul>
 *
 * <p>Overlap with the NER engine: the score is {@value #SCORE}, the default threshold, so a name engine's
 * PERSON or ORGANIZATION finding over the same handle (score at least the threshold, and one character
 * longer, as it includes the {@code @}) wins the overlap and one finding covers the span; where the engine
 * proposes nothing, or scores under its threshold, the USERNAME finding covers the handle.
 *
 * <p>Thread safety: immutable and shared. Failure: none; every input gives a (possibly empty) list.
 *
 * <p><b>Security:</b> a policy whose threshold for USERNAME (or default threshold) is above {@value #SCORE}
 * drops every mention and sends handles to the provider in clear.
 */
final class MentionRecognizer extends AbstractRecognizer {
  static final double SCORE = 0.5;
  private static final int MAX_BODY = 39;
  private static final Trigger TRIGGER = Trigger.anyOf("@");

  /** Lower-case words that are code, markup or broadcasts when written after an {@code @}. */
  private static final Set<String> NOT_HANDLES = Set.copyOf(List.of(
      // Slack/GitHub/Teams broadcasts
      "here", "channel", "everyone", "all", "room",
      // Java / Kotlin platform and common framework annotations
      "override", "test", "deprecated", "suppresswarnings", "functionalinterface", "safevarargs",
      "nullable", "nonnull", "notnull", "autowired", "inject", "bean", "component", "service", "repository",
      "controller", "restcontroller", "configuration", "entity", "table", "column", "id", "transactional",
      "beforeeach", "aftereach", "beforeall", "afterall", "parameterizedtest", "disabled", "jvmstatic",
      "jvmfield", "jvmoverloads", "throws", "retention", "target", "documented", "inherited", "value",
      "data", "getter", "setter", "builder", "slf4j", "mock", "spy", "before", "after",
      "getmapping", "postmapping", "putmapping", "deletemapping", "requestmapping", "pathvariable",
      "requestbody", "requestparam", "springbootapplication", "enableautoconfiguration",
      // Python decorators of the standard library and common frameworks
      "property", "staticmethod", "classmethod", "abstractmethod", "dataclass", "cached_property",
      "lru_cache", "cache", "wraps", "contextmanager", "overload", "final", "fixture", "pytest",
      "deleter", "total_ordering", "singledispatch", "login_required",
      // CSS at-rules and preprocessor directives
      "media", "import", "font-face", "keyframes", "supports", "charset", "namespace", "page", "layer",
      "container", "apply", "tailwind", "mixin", "include", "extend", "use", "forward", "if", "else",
      "each", "for", "function", "return", "font-feature-values", "counter-style", "property",
      // Javadoc / JSDoc / Doxygen tags
      "param", "returns", "see", "since", "author", "version", "link", "linkplain", "code", "literal",
      "inheritdoc", "exception", "serial", "type", "typedef", "callback", "template", "example",
      "brief", "class", "constructor", "const", "default", "description", "enum", "interface",
      "module", "namespace", "private", "public", "protected", "static", "async", "override",
      "readonly", "file", "fileoverview", "todo", "deprecated", "ts-ignore", "ts-expect-error"));

  private static final int LONGEST_KEYWORD = NOT_HANDLES.stream().mapToInt(String::length).max().orElse(0);
  private static final String[][] KEYWORDS_BY_LENGTH = new String[LONGEST_KEYWORD + 1][];

  static {
    for (int len = 0; len <= LONGEST_KEYWORD; len++) {
      int l = len;
      KEYWORDS_BY_LENGTH[len] = NOT_HANDLES.stream().filter(k -> k.length() == l).sorted().toArray(String[]::new);
    }
  }

  /** Words after a line-initial {@code @name} that make the line a declaration. */
  private static final Set<String> DECLARATION_WORDS = Set.of(
      "public", "private", "protected", "static", "final", "abstract", "class", "interface", "enum",
      "record", "void", "fun", "val", "var", "def", "async", "override", "open", "data", "synchronized",
      "default", "int", "long", "boolean", "string", "export", "const", "let", "function");

  /** Suffixes of a time or quantity written after {@code @} and digits: {@code @10am}, {@code @2x}. */
  private static final Set<String> UNIT_SUFFIXES = Set.of(
      "", "am", "pm", "h", "hr", "hrs", "min", "mins", "m", "s", "k", "x", "st", "nd", "rd", "th",
      "kg", "g", "mb", "gb", "kb", "px", "em", "ms", "hz", "fps", "p");

  MentionRecognizer() {
    super("mention", Set.of(EntityType.USERNAME), Set.of());
  }

  /** Skipped unless the text has an '@'. */
  @Override
  public Trigger trigger() {
    return TRIGGER;
  }

  @Override
  public List<Finding> analyze(String text, String language) {
    List<Finding> out = null;
    int n = text.length();
    for (int at = text.indexOf('@'); at >= 0 && at < n - 1; at = text.indexOf('@', at + 1)) {
      if (at > 0 && !opensMention(text.charAt(at - 1))) {
        continue;
      }
      int end = bodyEnd(text, at + 1);
      if (end < 0 || !isMention(text, at, end)) {
        continue;
      }
      if (out == null) {
        out = new ArrayList<>();
      }
      out.add(new Finding(at + 1, end, EntityType.USERNAME, SCORE, name()));
      at = end - 1;
    }
    return out == null ? List.of() : out;
  }

  /** True if a mention may follow character {@code c}: whitespace or punctuation that ends or opens a phrase. */
  private static boolean opensMention(char c) {
    return Character.isWhitespace(c) || c == '\u00a0' || "([\"'\u201c\u2018\u00ab,;:.!?>*-\u2013\u2014|".indexOf(c) >= 0;
  }

  private static boolean isBodyChar(char c) {
    return c < 128 && (Chars.isAsciiAlnum(c) || c == '_');
  }

  /** End of the handle body starting at {@code from}, or -1 if there is none or it is too long. */
  private static int bodyEnd(String text, int from) {
    int n = text.length();
    int i = from;
    while (i < n) {
      char c = text.charAt(i);
      if (isBodyChar(c)) {
        i++;
      } else if ((c == '-' || c == '.') && i > from && i + 1 < n && isBodyChar(text.charAt(i + 1))) {
        if (c == '.') {
          return -1; // "@app.route", "@example.com": code or a domain, not a handle
        }
        i++;
      } else {
        break;
      }
      if (i - from > MAX_BODY) {
        return -1;
      }
    }
    return i > from ? i : -1;
  }

  private static boolean isMention(String text, int at, int end) {
    int n = text.length();
    if (end < n) {
      char next = text.charAt(end);
      if (next == '(' || next == '/' || next == '@' || next == '\\' || Chars.isLetterOrDigit(next)) {
        return false; // arguments, npm scope, address, or a non-ASCII letter: not a whole handle
      }
    }
    int from = at + 1;
    if (!Chars.isAsciiLetter(text.charAt(from)) && (!hasLetter(text, from, end) || digitsThenUnit(text, from, end))) {
      return false;
    }
    if (end - from <= LONGEST_KEYWORD && isKeyword(text, from, end)) {
      return false;
    }
    return !lineInitialCode(text, at, end);
  }

  /** True if {@code [from, end)} is one of {@link #NOT_HANDLES}, any case (no allocation: most bodies are longer or differ early). */
  private static boolean isKeyword(String text, int from, int end) {
    for (String k : KEYWORDS_BY_LENGTH[end - from]) {
      if (text.regionMatches(true, from, k, 0, k.length())) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasLetter(String text, int from, int end) {
    for (int i = from; i < end; i++) {
      if (Chars.isAsciiLetter(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** True for digits alone or followed by a time or unit suffix: {@code 2024}, {@code 10am}, {@code 2x}. */
  private static boolean digitsThenUnit(String text, int from, int end) {
    int i = from;
    while (i < end && Chars.isDigit(text.charAt(i))) {
      i++;
    }
    return UNIT_SUFFIXES.contains(text.substring(i, end).toLowerCase(Locale.ROOT));
  }

  /**
   * True if the {@code @name} opens its line (only indentation before it) and the line is code: nothing
   * else on it, or a declaration word next.
   */
  private static boolean lineInitialCode(String text, int at, int end) {
    int i = at - 1;
    while (i >= 0 && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
      i--;
    }
    if (i >= 0 && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
      return false;
    }
    int j = end;
    while (j < text.length() && (text.charAt(j) == ' ' || text.charAt(j) == '\t')) {
      j++;
    }
    if (j == text.length()) {
      return false; // "@jane" alone: a mention
    }
    char c = text.charAt(j);
    if (c == '\n' || c == '\r') {
      return true;
    }
    int k = j;
    while (k < text.length() && k - j <= 12 && Chars.isAsciiLetter(text.charAt(k))) {
      k++;
    }
    return k > j && DECLARATION_WORDS.contains(text.substring(j, k).toLowerCase(Locale.ROOT));
  }
}
