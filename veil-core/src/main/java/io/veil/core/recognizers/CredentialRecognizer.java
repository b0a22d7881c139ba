package io.veil.core.recognizers;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.TextTraits;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Credentials written as key/value pairs: {@code password=...}, {@code "pwd": "..."},
 * {@code token: ...}, {@code api_key=...}, {@code secret: ...}, {@code username: ...},
 * {@code Authorization: Bearer ...}, and the chat forms "my password is ...", "username is ...".
 * Keys may be part of a longer identifier ({@code DB_PASSWORD}, {@code x-api-key}). The value is
 * reported (quoted: the text between the quotes; else up to whitespace or a delimiter, where a quote or
 * closing bracket ends the value only at its end, not inside it: {@code Tr0u"b4dor} is one value), as
 * {@link EntityType#PASSWORD}, {@link EntityType#USERNAME} or {@link EntityType#API_KEY}.
 * Placeholders ({@code null}, {@code ***}, {@code <...>}, {@code ${...}}) are skipped.
 */
final class CredentialRecognizer extends TraitScanningRecognizer {
  private static final int MAX_VALUE = 512;

  private record Key(String word, EntityType type, double score) {}

  private static final List<Key> KEYS = List.of(
      new Key("password", EntityType.PASSWORD, 0.9), new Key("passwort", EntityType.PASSWORD, 0.9),
      new Key("passwd", EntityType.PASSWORD, 0.9), new Key("passphrase", EntityType.PASSWORD, 0.9),
      new Key("passcode", EntityType.PASSWORD, 0.85), new Key("pwd", EntityType.PASSWORD, 0.85),
      new Key("pass", EntityType.PASSWORD, 0.75), new Key("pw", EntityType.PASSWORD, 0.7),
      new Key("kennwort", EntityType.PASSWORD, 0.9), new Key("contraseña", EntityType.PASSWORD, 0.9),
      new Key("mot de passe", EntityType.PASSWORD, 0.9), new Key("wachtwoord", EntityType.PASSWORD, 0.9),
      new Key("username", EntityType.USERNAME, 0.8), new Key("user name", EntityType.USERNAME, 0.8),
      new Key("user_name", EntityType.USERNAME, 0.8), new Key("userid", EntityType.USERNAME, 0.75),
      new Key("user_id", EntityType.USERNAME, 0.7), new Key("login", EntityType.USERNAME, 0.7),
      new Key("benutzername", EntityType.USERNAME, 0.8),
      new Key("usuario", EntityType.USERNAME, 0.7), new Key("handle", EntityType.USERNAME, 0.6),
      new Key("api_key", EntityType.API_KEY, 0.9), new Key("apikey", EntityType.API_KEY, 0.9),
      new Key("api-key", EntityType.API_KEY, 0.9), new Key("api key", EntityType.API_KEY, 0.85),
      new Key("access_key", EntityType.API_KEY, 0.85), new Key("secret_key", EntityType.API_KEY, 0.9),
      new Key("secret_access_key", EntityType.API_KEY, 0.9), new Key("client_secret", EntityType.API_KEY, 0.9),
      new Key("access_token", EntityType.API_KEY, 0.9), new Key("auth_token", EntityType.API_KEY, 0.9),
      new Key("refresh_token", EntityType.API_KEY, 0.9), new Key("private_key", EntityType.API_KEY, 0.9),
      new Key("token", EntityType.API_KEY, 0.8), new Key("secret", EntityType.API_KEY, 0.8),
      new Key("bearer", EntityType.API_KEY, 0.85), new Key("authorization", EntityType.API_KEY, 0.8));

  CredentialRecognizer() {
    super("credential", Set.of(EntityType.PASSWORD, EntityType.USERNAME, EntityType.API_KEY), Set.of());
  }

  private static final WordIndex INDEX = new WordIndex(KEYS.stream().map(Key::word).toArray(String[]::new));

  /**
   * Candidates are the starts of letter-or-digit runs: word starts, and inside words with a {@code '_'}
   * the positions right after it ({@code DB_PASSWORD}); a key may open at each.
   */
  @Override
  public List<Finding> analyze(String text, String language, TextTraits traits) {
    checked(text, traits);
    List<Finding> out = new ArrayList<>();
    int i = 0;
    for (int k = 0, words = traits.wordCount(); k < words; k++) {
      int ws = traits.wordStart(k);
      int we = traits.wordEnd(k);
      if (!traits.wordHasUnderscore(k)) {
        // a key opens at the word's start only if the word's head (first three characters) allows it
        if (ws >= i && INDEX.mayOpenWord(traits.wordHead(k))) {
          Finding f = keyValueAt(text, ws);
          if (f != null) {
            out.add(f);
            i = f.end();
          }
        }
        continue;
      }
      for (int p = Math.max(ws, i); p < we; p++) {
        if (p < i || text.charAt(p) == '_' || (p > 0 && Chars.isLetterOrDigit(text.charAt(p - 1)))) {
          continue;
        }
        Finding f = keyValueAt(text, p);
        if (f != null) {
          out.add(f);
          i = f.end();
        }
      }
    }
    return out;
  }

  /** The credential whose key starts at {@code i} (the start of a letter-or-digit run), or null. */
  private Finding keyValueAt(String text, int i) {
    if (!INDEX.mayStartWith(text.charAt(i))) {
      return null;
    }
    for (String w : INDEX.matchesAt(text, i)) {
      Finding f = valueAfter(text, i + w.length(), keyOf(w));
      if (f != null) {
        return f;
      }
    }
    return null;
  }

  private static Key keyOf(String word) {
    for (Key k : KEYS) {
      if (k.word().equals(word)) {
        return k;
      }
    }
    throw new IllegalStateException("unknown key");
  }

  private Finding valueAfter(String t, int from, Key key) {
    int n = t.length();
    int i = from;
    // rest of an identifier: DB_PASSWORD_PROD is still a password key, passwords: too
    while (i < n && i - from < 12 && (Chars.isAsciiAlnum(t.charAt(i)) || t.charAt(i) == '_' || t.charAt(i) == '-')) {
      if (Chars.isAsciiAlnum(t.charAt(i)) && i == from && key.word().length() < 5) {
        return null; // "pass" in "passenger", "user" in "users"
      }
      i++;
    }
    if (i - from > 0 && !(t.charAt(from) == '_' || t.charAt(from) == '-' || t.charAt(from) == 's')) {
      return null;
    }
    // closing quote of a JSON/YAML key
    if (i < n && (t.charAt(i) == '"' || t.charAt(i) == '\'')) {
      i++;
    }
    while (i < n && (t.charAt(i) == ' ' || t.charAt(i) == '\t')) {
      i++;
    }
    boolean sep = false;
    boolean prose = false;
    boolean equals = false;
    if (i < n && (t.charAt(i) == ':' || t.charAt(i) == '=')) {
      sep = true;
      equals = t.charAt(i) == '=';
      i++;
      if (i < n && (t.charAt(i) == '>' || t.charAt(i) == '=')) {
        i++;
      }
    } else if (key.word().length() >= 5 && key.score() >= 0.8 && (Chars.matchesAt(t, i, "is ") || Chars.matchesAt(t, i, "ist ") || Chars.matchesAt(t, i, "es "))) {
      sep = true;
      prose = true;
      i = t.indexOf(' ', i) + 1;
      if (Chars.matchesAt(t, i, "set to ")) {
        i += 7;
      }
    } else if (key.word().equals("bearer") && i > from && t.charAt(i - 1) == ' ') {
      sep = true;
    }
    if (!sep) {
      return null;
    }
    while (i < n && (t.charAt(i) == ' ' || t.charAt(i) == '\t')) {
      i++;
    }
    if (key.word().equals("authorization") && Chars.matchesAt(t, i, "bearer ")) {
      i += 7;
    } else if (key.word().equals("authorization") && Chars.matchesAt(t, i, "basic ")) {
      i += 6;
    }
    if (i >= n) {
      return null;
    }
    char q = t.charAt(i);
    int start;
    int end;
    if (q == '"' || q == '\'' || q == '`') {
      start = i + 1;
      end = start;
      while (end < n && end - start < MAX_VALUE && t.charAt(end) != q && t.charAt(end) != '\n') {
        end++;
      }
      if (end >= n || t.charAt(end) != q) {
        return null;
      }
    } else {
      start = i;
      end = start;
      while (end < n && end - start < MAX_VALUE) {
        char c = t.charAt(end);
        if (Character.isWhitespace(c) || c == ',' || c == ';' || (c == '&' && equals) || c == '<') {
          break;
        }
        if (isCloser(c) && closesValue(t, end + 1, n, equals)) {
          break; // "password=abc" in quotes, {password: abc}, f(password=abc)
        }
        end++; // a quote or bracket inside the value (Tr0u"b4dor) is part of it
      }
      // a sentence's full stop is not part of the value
      while (end > start && t.charAt(end - 1) == '.') {
        end--;
      }
      if (prose && !looksLikeSecret(t, start, end)) {
        return null; // "your password is easy": prose, not a credential
      }
    }
    if (end - start < 3 || isPlaceholder(t, start, end)) {
      return null;
    }
    if (key.type() == EntityType.API_KEY && end - start < 8) {
      return null;
    }
    return new Finding(start, end, key.type(), key.score(), name());
  }

  private static boolean isCloser(char c) {
    return c == '"' || c == '\'' || c == '}' || c == ')' || c == ']';
  }

  /**
   * Whether a quote or closing bracket before position {@code i} ends the unquoted value: it does when the
   * text ends there or goes on with whitespace, another delimiter or closer; inside a word it is part of the
   * value, so a password with a quote in it is reported whole rather than cut (the rest would leak).
   */
  private static boolean closesValue(String t, int i, int n, boolean equals) {
    if (i >= n) {
      return true;
    }
    char c = t.charAt(i);
    return Character.isWhitespace(c) || isCloser(c) || c == ',' || c == ';' || c == '.' || c == ':' || c == '<'
        || (c == '&' && equals);
  }

  /** A digit, a symbol or an inner capital: what a chosen password or user name has and prose lacks. */
  private static boolean looksLikeSecret(String t, int s, int e) {
    for (int k = s; k < e; k++) {
      char c = t.charAt(k);
      if (Chars.isDigit(c) || (!Chars.isLetter(c)) || (k > s && Character.isUpperCase(c))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isPlaceholder(String t, int s, int e) {
    String v = t.substring(s, e).toLowerCase(java.util.Locale.ROOT);
    if (v.startsWith("<") || v.startsWith("${") || v.startsWith("{{") || v.startsWith("%(") || v.startsWith("$")) {
      return true;
    }
    boolean allStars = true;
    for (int k = 0; k < v.length(); k++) {
      char c = v.charAt(k);
      allStars &= c == '*' || c == 'x' || c == '.' || c == '•';
    }
    return allStars || switch (v) {
      case "null", "none", "nil", "true", "false", "undefined", "required", "optional", "string", "redacted",
           "changeme", "your_password", "your-password", "password", "secret", "token", "not", "the", "and",
           "that", "this", "what", "wrong", "incorrect", "correct", "invalid", "expired", "missing", "empty",
           "strong", "weak", "too", "very", "still", "also", "being", "reset", "changed", "same", "different" -> true;
      default -> false;
    };
  }
}
