package io.veil.core.recognizers;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.Trigger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * MAC (EUI-48) addresses: six hex pairs separated by ':' or '-' (one separator throughout), or
 * Cisco's three dot-separated groups of four.
 */
final class MacAddressRecognizer extends AbstractRecognizer {
  private static final Trigger TRIGGER = Trigger.minAsciiGraphicRun(14).and(Trigger.anyOf(":-."));
  MacAddressRecognizer() {
    super("mac-address", Set.of(EntityType.MAC_ADDRESS), Set.of("mac", "hardware", "ethernet", "wifi", "device"));
  }

  /**
   * Skipped unless the groups are separated by ':', '-' or '.', and some run of printable ASCII characters
   * is long enough to hold an address (14 for Cisco's form, 17 for the others: hex digits and separators only).
   */
  @Override
  public Trigger trigger() {
    return TRIGGER;
  }

  @Override
  public List<Finding> analyze(String text, String language) {
    List<Finding> out = new ArrayList<>();
    int n = text.length();
    // the separators ':', '-' and '.' are the only trigger positions; String.indexOf finds each kind
    int colon = -1;
    int dash = -1;
    int dot = -1;
    int i = 2;
    while (i < n) {
      if (colon < i) {
        colon = indexOrEnd(text, ':', i);
      }
      if (dash < i) {
        dash = indexOrEnd(text, '-', i);
      }
      if (dot < i) {
        dot = indexOrEnd(text, '.', i);
      }
      i = Math.min(colon, Math.min(dash, dot));
      if (i >= n) {
        break;
      }
      char sep = text.charAt(i);
      if ((sep == ':' || sep == '-') && Chars.isHex(text.charAt(i - 1)) && Chars.isHex(text.charAt(i - 2))) {
        int start = i - 2;
        if (Chars.boundaryBefore(text, start) && start + 17 <= n && pairs(text, start, sep)
            && Chars.boundaryAfter(text, start + 17)
            && (start + 17 == n || text.charAt(start + 17) != sep)) {
          out.add(new Finding(start, start + 17, EntityType.MAC_ADDRESS, 0.85, name()));
          i = start + 17;
        }
      } else if (sep == '.' && i >= 4 && Chars.boundaryBefore(text, i - 4) && i + 10 <= n) {
        int start = i - 4;
        if (cisco(text, start) && Chars.boundaryAfter(text, start + 14)) {
          out.add(new Finding(start, start + 14, EntityType.MAC_ADDRESS, 0.6, name()));
          i = start + 14;
        }
      }
      i++;
    }
    return out;
  }

  private static int indexOrEnd(String text, char c, int from) {
    int at = text.indexOf(c, from);
    return at < 0 ? text.length() : at;
  }


  private static boolean pairs(String t, int s, char sep) {
    for (int k = 0; k < 6; k++) {
      int p = s + 3 * k;
      if (!Chars.isHex(t.charAt(p)) || !Chars.isHex(t.charAt(p + 1))) {
        return false;
      }
      if (k < 5 && t.charAt(p + 2) != sep) {
        return false;
      }
    }
    return true;
  }

  private static boolean cisco(String t, int s) {
    if (s + 14 > t.length()) {
      return false;
    }
    for (int k = 0; k < 14; k++) {
      char c = t.charAt(s + k);
      if (k == 4 || k == 9 ? c != '.' : !Chars.isHex(c)) {
        return false;
      }
    }
    return true;
  }
}
