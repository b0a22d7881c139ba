package io.veil.core.recognizers;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.Trigger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * IPv4 (dotted quad, each part 0-255, optional /prefix) and IPv6 addresses (RFC 4291 text forms:
 * full, "::"-compressed, with an embedded IPv4 tail). A dotted quad right after "version"/"v" is
 * taken for a version number and scored low.
 */
final class IpAddressRecognizer extends AbstractRecognizer {
  private static final Trigger TRIGGER = Trigger.anyOf(":").or(Trigger.anyOf(".").and(Trigger.minAsciiDigits(4)));
  private static final String[] VERSION_WORDS = {"version", "ver", "v", "release", "build"};

  IpAddressRecognizer() {
    super("ip-address", Set.of(EntityType.IP_ADDRESS), Set.of("ip", "ipv4", "ipv6", "address", "host", "server"));
  }

  /** Skipped unless IPv6 needs a ':', IPv4 a '.' and four or more ASCII digits. */
  @Override
  public Trigger trigger() {
    return TRIGGER;
  }

  @Override
  public List<Finding> analyze(String text, String language) {
    List<Finding> out = new ArrayList<>();
    findIpv4(text, out);
    findIpv6(text, out);
    return out;
  }

  private void findIpv4(String text, List<Finding> out) {
    int n = text.length();
    int dot = text.indexOf('.');
    while (dot >= 0) {
      int start = dot;
      while (start > 0 && dot - start < 3 && Chars.isDigit(text.charAt(start - 1))) {
        start--;
      }
      int next = dot + 1;
      if (start < dot && (start == 0 || !(Chars.isWordChar(text.charAt(start - 1)) || text.charAt(start - 1) == '.'))) {
        int end = parseIpv4(text, start, n);
        if (end > 0 && (end == n || !(Chars.isWordChar(text.charAt(end))
            || (text.charAt(end) == '.' && end + 1 < n && Chars.isDigit(text.charAt(end + 1)))))) {
          int full = cidr(text, end);
          boolean version = Chars.hasWordIn(text, start - 12, start, VERSION_WORDS);
          out.add(new Finding(start, full, EntityType.IP_ADDRESS, version ? 0.2 : 0.9, name()));
          next = full;
        }
      }
      dot = next < n ? text.indexOf('.', next) : -1;
    }
  }

  /** End of a dotted quad starting at {@code i}, or -1. */
  static int parseIpv4(CharSequence s, int i, int n) {
    for (int part = 0; part < 4; part++) {
      if (part > 0) {
        if (i >= n || s.charAt(i) != '.') {
          return -1;
        }
        i++;
      }
      int v = 0;
      int digits = 0;
      while (i < n && digits < 4 && Chars.isDigit(s.charAt(i))) {
        v = v * 10 + (s.charAt(i) - '0');
        digits++;
        i++;
      }
      if (digits == 0 || digits > 3 || v > 255) {
        return -1;
      }
    }
    return i;
  }

  private static int cidr(String text, int end) {
    if (end + 1 < text.length() && text.charAt(end) == '/' && Chars.isDigit(text.charAt(end + 1))) {
      int i = end + 1;
      int v = 0;
      while (i < text.length() && i - end <= 3 && Chars.isDigit(text.charAt(i))) {
        v = v * 10 + text.charAt(i) - '0';
        i++;
      }
      if (v <= 128 && Chars.boundaryAfter(text, i)) {
        return i;
      }
    }
    return end;
  }

  private void findIpv6(String text, List<Finding> out) {
    int n = text.length();
    int colon = text.indexOf(':');
    while (colon >= 0) {
      int start = colon;
      while (start > 0 && colon - start < 45 && isV6Char(text.charAt(start - 1))) {
        start--;
      }
      int end = colon;
      while (end < n && end - start < 45 && isV6Char(text.charAt(end))) {
        end++;
      }
      // trailing dots/colons belong to the sentence, unless "::" ends the address
      while (end > colon + 1 && text.charAt(end - 1) == '.') {
        end--;
      }
      if (end > colon + 1 && text.charAt(end - 1) == ':' && text.charAt(end - 2) != ':') {
        end--;
      }
      int next = Math.max(colon + 1, end);
      if (end - start >= 3 && Chars.boundaryBefore(text, start) && Chars.boundaryAfter(text, end)
          && isIpv6(text, start, end)) {
        out.add(new Finding(start, end, EntityType.IP_ADDRESS, 0.9, name()));
      }
      colon = next < n ? text.indexOf(':', next) : -1;
    }
  }

  private static boolean isV6Char(char c) {
    return Chars.isHex(c) || c == ':' || c == '.';
  }

  /** True if {@code s[from, to)} is an IPv6 address in one of RFC 4291's text forms. */
  static boolean isIpv6(CharSequence s, int from, int to) {
    int groups = 0;
    boolean compressed = false;
    int i = from;
    if (to - from >= 2 && s.charAt(i) == ':' && s.charAt(i + 1) == ':') {
      compressed = true;
      i += 2;
      if (i == to) {
        return false; // "::" alone is not worth reporting
      }
    } else if (s.charAt(i) == ':') {
      return false;
    }
    while (i < to) {
      int gs = i;
      while (i < to && i - gs < 5 && Chars.isHex(s.charAt(i))) {
        i++;
      }
      if (i < to && s.charAt(i) == '.') {
        // embedded IPv4 tail
        int e = parseIpv4(s, gs, to);
        if (e != to) {
          return false;
        }
        groups += 2;
        i = to;
        break;
      }
      int len = i - gs;
      if (len == 0 || len > 4) {
        return false;
      }
      groups++;
      if (i == to) {
        break;
      }
      if (s.charAt(i) != ':') {
        return false;
      }
      i++;
      if (i < to && s.charAt(i) == ':') {
        if (compressed) {
          return false;
        }
        compressed = true;
        i++;
        if (i == to) {
          break;
        }
      } else if (i == to) {
        return false;
      }
    }
    return compressed ? groups < 8 && groups >= 1 : groups == 8;
  }
}
