package io.veil.core.recognizers;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.TextTraits;
import io.veil.core.Trigger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * API keys and other machine secrets recognised by their fixed prefixes: AWS access key ids
 * (AKIA/ASIA/...), AWS secret keys (40 base64 characters near "aws"/"secret"), OpenAI and Anthropic
 * ({@code sk-}, {@code sk-proj-}, {@code sk-ant-}), GitHub ({@code ghp_}, {@code gho_}, {@code ghu_},
 * {@code ghs_}, {@code ghr_}, {@code github_pat_}), Slack ({@code xoxa-}, {@code xoxb-}, ...), Stripe
 * ({@code sk_live_}, {@code rk_live_}, {@code pk_live_}, test keys too), Google API keys
 * ({@code AIza...}), PEM private-key blocks (the whole block) and JWTs (three base64url parts whose
 * header decodes to JSON naming an "alg"). All reported as {@link EntityType#API_KEY}.
 */
final class SecretRecognizer extends AbstractRecognizer {
  private static final Trigger TRIGGER = Trigger.minAsciiGraphicRun(20).or(Trigger.anyOf("-"));
  private static final String[] AWS_PREFIXES = {"AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "ABIA", "ACCA"};
  private static final String[] GITHUB_PREFIXES = {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"};
  private static final String PEM_BEGIN = "-----BEGIN ";
  private static final int MAX_PEM = 16 * 1024;

  SecretRecognizer() {
    super("secret", Set.of(EntityType.API_KEY),
        Set.of("key", "token", "secret", "api", "apikey", "credential", "auth", "bearer"));
  }

  /** Skipped unless every key is a token of 20 or more ASCII characters, except a PEM block, which starts with '-'. */
  @Override
  public Trigger trigger() {
    return TRIGGER;
  }

  /**
   * A text whose printable-ASCII runs are all shorter than 20 characters has no key token (every token
   * character is printable ASCII), so only a PEM block can be found, and only where {@code "-----BEGIN "}
   * occurs: without one, nothing is walked. Otherwise as {@link #analyze(String, String)}.
   */
  @Override
  public List<Finding> analyze(String text, String language, TextTraits traits) {
    checked(text, traits);
    if (traits.longestAsciiGraphicRun() < 20 && !text.contains(PEM_BEGIN)) {
      return List.of();
    }
    return analyze(text, language);
  }

  @Override
  public List<Finding> analyze(String text, String language) {
    List<Finding> out = new ArrayList<>();
    int n = text.length();
    int i = 0;
    int knownTokenEnd = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (c == '-') {
        int end = text.startsWith(PEM_BEGIN, i) ? pemEnd(text, i) : -1;
        if (end > i) {
          out.add(new Finding(i, end, EntityType.API_KEY, 0.95, name()));
          i = end;
        } else {
          i++;
        }
        continue;
      }
      if (!Chars.isAsciiAlnum(c)) {
        i++;
        continue;
      }
      // one token of key characters; every key format is at least 20 characters long. Positions
      // inside a token already measured reuse its end, so that long dotted tokens stay linear.
      if (i >= knownTokenEnd) {
        knownTokenEnd = i + 1;
        while (knownTokenEnd < n && isTokenChar(text.charAt(knownTokenEnd))) {
          knownTokenEnd++;
        }
      }
      int tokenEnd = knownTokenEnd;
      int end = -1;
      double score = 0.95;
      if (tokenEnd - i >= 20 && isTokenStart(text, i)) {
        switch (c) {
          case 'A' -> {
            end = awsKeyId(text, i);
            if (end < 0 && text.startsWith("AIza", i)) {
              end = run(text, i + 4, 35, 35, true);
            }
          }
          case 's', 'r', 'p' -> end = skOrStripe(text, i);
          case 'g' -> end = github(text, i);
          case 'x' -> end = slack(text, i);
          case 'e' -> end = jwt(text, i);
          default -> end = -1;
        }
        if (end < 0 && tokenEnd - i == 40) {
          end = awsSecret(text, i);
          score = 0.8;
        }
      }
      if (end > i) {
        out.add(new Finding(i, end, EntityType.API_KEY, score, name()));
        i = end;
      } else {
        // continue after the next '=' or '.' inside the token ("key=AKIA...", "x.eyJ...")
        int j = i + 1;
        while (j < tokenEnd && text.charAt(j - 1) != '=' && text.charAt(j - 1) != '.') {
          j++;
        }
        i = j;
      }
    }
    return out;
  }

  /** Characters that may occur inside one key token (base64, base64url, JWT dots). */
  private static boolean isTokenChar(char c) {
    return Chars.isAsciiAlnum(c) || c == '_' || c == '-' || c == '+' || c == '/' || c == '.' || c == '=';
  }

  private static boolean isTokenStart(String t, int i) {
    if (i == 0) {
      return true;
    }
    char p = t.charAt(i - 1);
    return !(Chars.isAsciiAlnum(p) || p == '_' || p == '-' || p == '+' || p == '/');
  }

  /** End of a run of key characters of length [min, max] from {@code from}, ending at a boundary, or -1. */
  private static int run(String t, int from, int min, int max, boolean dashUnderscore) {
    int i = from;
    int n = t.length();
    while (i < n && i - from < max) {
      char c = t.charAt(i);
      if (Chars.isAsciiAlnum(c) || (dashUnderscore && (c == '_' || c == '-'))) {
        i++;
      } else {
        break;
      }
    }
    if (i - from < min) {
      return -1;
    }
    if (i < n && (Chars.isAsciiAlnum(t.charAt(i)) || (dashUnderscore && (t.charAt(i) == '_' || t.charAt(i) == '-')))) {
      return -1;
    }
    return i;
  }

  private static int awsKeyId(String t, int i) {
    for (String p : AWS_PREFIXES) {
      if (t.startsWith(p, i)) {
        int e = i + 4;
        int n = t.length();
        while (e < n && e - i < 20 && (Chars.isUpper(t.charAt(e)) || Chars.isDigit(t.charAt(e)))) {
          e++;
        }
        return e - i == 20 && Chars.boundaryAfter(t, e) ? e : -1;
      }
    }
    return -1;
  }

  private static int skOrStripe(String t, int i) {
    if (t.startsWith("sk-", i)) {
      // OpenAI (sk-..., sk-proj-..., sk-svcacct-...) and Anthropic (sk-ant-...)
      return run(t, i + 3, 20, 400, true);
    }
    for (String p : new String[] {"sk_live_", "sk_test_", "rk_live_", "rk_test_", "pk_live_", "pk_test_"}) {
      if (t.startsWith(p, i)) {
        return run(t, i + p.length(), 10, 250, false);
      }
    }
    return -1;
  }

  private static int github(String t, int i) {
    for (String p : GITHUB_PREFIXES) {
      if (t.startsWith(p, i)) {
        return run(t, i + 4, 36, 255, false);
      }
    }
    if (t.startsWith("github_pat_", i)) {
      return run(t, i + 11, 22, 255, true);
    }
    return -1;
  }

  private static int slack(String t, int i) {
    if (t.startsWith("xox", i) && i + 4 < t.length() && "abeoprs".indexOf(t.charAt(i + 3)) >= 0
        && t.charAt(i + 4) == '-') {
      return run(t, i + 5, 10, 255, true);
    }
    return -1;
  }

  private static int jwt(String t, int i) {
    if (!t.startsWith("eyJ", i)) {
      return -1;
    }
    int n = t.length();
    int[] dots = new int[2];
    int d = 0;
    int e = i;
    while (e < n && e - i < 8192) {
      char c = t.charAt(e);
      if (Chars.isAsciiAlnum(c) || c == '_' || c == '-') {
        e++;
      } else if (c == '.' && d < 2 && e + 1 <= n) {
        dots[d++] = e;
        e++;
      } else {
        break;
      }
    }
    if (d < 2 || dots[0] - i < 10 || dots[1] - dots[0] < 2) {
      return -1;
    }
    try {
      String header = new String(Base64.getUrlDecoder().decode(t.substring(i, dots[0])), StandardCharsets.UTF_8);
      if (!header.trim().startsWith("{") || !header.contains("\"alg\"")) {
        return -1;
      }
    } catch (IllegalArgumentException ex) {
      return -1;
    }
    return e;
  }

  private static int pemEnd(String t, int i) {
    int hdrEnd = t.indexOf("-----", i + PEM_BEGIN.length(), Math.min(t.length(), i + 80));
    if (hdrEnd < 0) {
      return -1;
    }
    String label = t.substring(i + PEM_BEGIN.length(), hdrEnd);
    if (!label.endsWith("PRIVATE KEY")) {
      return -1;
    }
    String footer = "-----END " + label + "-----";
    int limit = Math.min(t.length(), i + MAX_PEM);
    // bounded search: many headers without a footer must not make the scan quadratic
    int end = t.indexOf(footer, hdrEnd + 5, limit);
    if (end >= 0 && end + footer.length() <= limit) {
      return end + footer.length();
    }
    // no footer (truncated paste): take the base64 body so that the key material is still covered
    int e = hdrEnd + 5;
    while (e < limit) {
      char c = t.charAt(e);
      if (Chars.isAsciiAlnum(c) || c == '+' || c == '/' || c == '=' || c == '\n' || c == '\r' || c == ' '
          || c == ':' || c == '-' || c == ',') {
        e++;
      } else {
        break;
      }
    }
    return e;
  }

  /** 40 base64 characters (mixed case and a digit) with "aws" or "secret" shortly before. */
  private static int awsSecret(String t, int i) {
    int n = t.length();
    int e = i;
    boolean lower = false;
    boolean upper = false;
    boolean digit = false;
    while (e < n && e - i <= 40) {
      char c = t.charAt(e);
      if (Chars.isAsciiAlnum(c) || c == '+' || c == '/') {
        lower |= c >= 'a' && c <= 'z';
        upper |= c >= 'A' && c <= 'Z';
        digit |= Chars.isDigit(c);
        e++;
      } else {
        break;
      }
    }
    if (e - i != 40 || !lower || !upper || !digit || !Chars.boundaryAfter(t, e)) {
      return -1;
    }
    return Chars.containsIgnoreCase(t, i - 60, i, "aws") || Chars.containsIgnoreCase(t, i - 60, i, "secret") ? e : -1;
  }
}
