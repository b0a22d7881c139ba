package io.veil.core.recognizers;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.Trigger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * URLs: anything after a known scheme ({@code http://}, {@code https://}, {@code ftp://},
 * {@code ws(s)://}) or starting with {@code www.} (high score), and bare domains ending in a common
 * top-level domain (low score: they need a context word such as "website" or a path after them).
 */
final class UrlRecognizer extends AbstractRecognizer {
  private static final Trigger TRIGGER = Trigger.anyOf(".:");
  private static final int MAX_URL = 2048;
  private static final String[] SCHEMES = {"https", "http", "ftp", "wss", "ws"};
  private static final Set<String> TLDS = Set.of(
      "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "io", "co", "ai", "app", "dev", "me",
      "tv", "us", "uk", "de", "fr", "es", "it", "nl", "be", "ch", "at", "se", "no", "dk", "fi", "pl", "pt",
      "cz", "ru", "jp", "cn", "in", "au", "ca", "br", "mx", "ar", "ie", "nz", "za", "eu", "gr", "hu", "ro",
      "tr", "il", "kr", "sg", "hk", "tw", "ua", "sk", "si", "hr", "ee", "lv", "lt", "ae", "cy", "uy", "cl",
      "online", "site", "shop", "store", "cloud", "tech", "xyz", "club", "blog", "news");

  UrlRecognizer() {
    super("url", Set.of(EntityType.URL),
        Set.of("url", "website", "site", "link", "visit", "domain", "homepage", "web", "page", "http"));
  }

  /** Skipped unless every URL has a '.' (host) or a ':' (scheme). */
  @Override
  public Trigger trigger() {
    return TRIGGER;
  }

  @Override
  public List<Finding> analyze(String text, String language) {
    List<Finding> out = new ArrayList<>();
    int covered = 0;
    int n = text.length();
    int dot = text.indexOf('.');
    int scheme = text.indexOf("://");
    while (dot >= 0 || scheme >= 0) {
      if (scheme >= 0 && (dot < 0 || scheme <= dot)) {
        int start = schemeStart(text, scheme);
        if (start >= 0 && start >= covered) {
          int end = urlEnd(text, scheme + 3);
          if (end > scheme + 4) {
            out.add(new Finding(start, end, EntityType.URL, 0.95, name()));
            covered = end;
          }
        }
        scheme = text.indexOf("://", Math.max(scheme + 3, covered));
        if (dot >= 0 && dot < covered) {
          dot = text.indexOf('.', covered);
        }
        continue;
      }
      // a dot: www.host or a bare host.tld
      if (dot + 1 >= n || !isHostChar(text.charAt(dot + 1))) {
        // no host character after the dot (a sentence's full stop): the host ends at or before it, so no
        // TLD follows it; the walks over the word before it would find nothing
        dot = dot + 1 < n ? text.indexOf('.', dot + 1) : -1;
        continue;
      }
      int hostStart = dot;
      while (hostStart > covered && dot - hostStart < 253 && isHostChar(text.charAt(hostStart - 1))) {
        hostStart--;
      }
      int hostEnd = hostEnd(text, hostStart);
      int next = Math.max(dot + 1, hostEnd);
      if (hostStart < dot && hostStart >= covered && (hostStart == 0 || okBeforeHost(text.charAt(hostStart - 1)))) {
        boolean www = Chars.matchesAt(text, hostStart, "www.") && hostStart + 4 == dot + 1;
        // (a dot that ends the host, e.g. a sentence's full stop, has no TLD after it: the backward search
        // for the last dot, which could run to the start of the text, is not needed)
        int lastDot = hostEnd > dot + 1 ? text.lastIndexOf('.', hostEnd - 1) : -1;
        if (lastDot > hostStart) {
          String tld = text.substring(lastDot + 1, hostEnd).toLowerCase(java.util.Locale.ROOT);
          boolean alphaTld = tld.length() >= 2 && tld.chars().allMatch(c -> Chars.isAsciiLetter((char) c));
          if (www && alphaTld) {
            int end = urlEnd(text, hostStart);
            out.add(new Finding(hostStart, end, EntityType.URL, 0.9, name()));
            covered = end;
            next = end;
          } else if (alphaTld && TLDS.contains(tld) && Chars.boundaryAfter(text, hostEnd)) {
            boolean path = hostEnd < n && text.charAt(hostEnd) == '/';
            int end = path ? urlEnd(text, hostStart) : hostEnd;
            out.add(new Finding(hostStart, end, EntityType.URL, path ? 0.6 : 0.3, name()));
            covered = end;
            next = end;
          }
        }
      }
      dot = next < n ? text.indexOf('.', next) : -1;
    }
    return out;
  }

  private static boolean okBeforeHost(char c) {
    return !(c == '@' || c == '.' || c == '/' || c == '\\' || c == ':' || Chars.isWordChar(c));
  }

  private static boolean isHostChar(char c) {
    return Chars.isLetterOrDigit(c) || c == '-' || c == '.';
  }

  private static int hostEnd(String text, int from) {
    int i = from;
    while (i < text.length() && i - from < 253 && isHostChar(text.charAt(i))) {
      i++;
    }
    while (i > from && (text.charAt(i - 1) == '.' || text.charAt(i - 1) == '-')) {
      i--;
    }
    return i;
  }

  /** Start of the scheme ending at {@code sep} ("://"), or -1 if it is not a known scheme. */
  private static int schemeStart(String text, int sep) {
    for (String s : SCHEMES) {
      int st = sep - s.length();
      if (Chars.matchesAt(text, st, s) && Chars.boundaryBefore(text, st)) {
        return st;
      }
    }
    return -1;
  }

  /** End of a URL body starting at {@code from}: no spaces or quotes, trailing punctuation trimmed. */
  static int urlEnd(String text, int from) {
    int i = from;
    int n = text.length();
    int parens = 0;
    while (i < n && i - from < MAX_URL) {
      char c = text.charAt(i);
      if (c <= ' ' || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}' || c == '|'
          || c == '\\' || c == '^' || c == '\u00a0' || c == '\u201c' || c == '\u201d') {
        break;
      }
      if (c == '(') {
        parens++;
      } else if (c == ')') {
        if (parens == 0) {
          break;
        }
        parens--;
      }
      i++;
    }
    while (i > from && ".,;:!?'*]".indexOf(text.charAt(i - 1)) >= 0) {
      i--;
    }
    return i;
  }
}
