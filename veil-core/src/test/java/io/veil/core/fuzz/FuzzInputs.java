package io.veil.core.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.ArrayList;
import java.util.List;

/** Helpers that turn fuzzer bytes into the shapes Veil's targets take. */
public final class FuzzInputs {
  private FuzzInputs() {}

  /**
   * Cuts {@code text} into chunks at positions chosen by the fuzzer (possibly inside a surrogate
   * pair, possibly empty chunks); the chunks concatenate to {@code text}.
   */
  public static List<String> chunks(FuzzedDataProvider data, String text, int maxCuts) {
    int cuts = data.consumeInt(0, maxCuts);
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < cuts; i++) {
      at.add(data.consumeInt(0, text.length()));
    }
    at.sort(null);
    List<String> out = new ArrayList<>();
    int prev = 0;
    for (int p : at) {
      out.add(text.substring(prev, p));
      prev = p;
    }
    out.add(text.substring(prev));
    return out;
  }

  /** True if {@code s} has a high surrogate without its low half or a low one without its high half. */
  public static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return true;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
