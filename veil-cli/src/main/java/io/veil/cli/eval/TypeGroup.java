package io.veil.cli.eval;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Entity types scored together as one, e.g. {@code LOCATION+ADDRESS}: a gold span of any member type is
 * found when a prediction of any member type matches it, and a prediction of a member type is a false
 * positive only when it matches no gold span of any member type. It answers "was this place removed?"
 * where datasets disagree on whether a city inside an address is LOCATION or part of ADDRESS.
 *
 * <p>Thread safety: immutable.
 *
 * @param types two or more distinct upper-case entity type names, in the order given
 */
public record TypeGroup(List<String> types) {
  /** The group scored by default: places, whether labelled as a LOCATION or as (part of) an ADDRESS. */
  public static final TypeGroup LOCATION_ADDRESS = new TypeGroup(List.of("LOCATION", "ADDRESS"));

  public TypeGroup {
    types = List.copyOf(types);
    if (types.size() < 2 || new LinkedHashSet<>(types).size() != types.size()) {
      throw new IllegalArgumentException("a type group needs two or more distinct types");
    }
  }

  /**
   * Parses {@code TYPE+TYPE[+TYPE…]} (case-insensitive).
   *
   * @throws IllegalArgumentException when fewer than two distinct non-empty types are named
   */
  public static TypeGroup parse(String spec) {
    List<String> out = new ArrayList<>();
    for (String part : spec.split("\\+", -1)) {
      String t = part.strip().toUpperCase(Locale.ROOT);
      if (t.isEmpty()) {
        throw new IllegalArgumentException("a type group is TYPE+TYPE[+TYPE...], not '" + spec + "'");
      }
      out.add(t);
    }
    return new TypeGroup(out);
  }

  /** The row name: the types joined by {@code +}. */
  public String name() {
    return String.join("+", types);
  }

  /** The member types among {@code labelled}; the group is scored only where two or more are labelled. */
  Set<String> scoredAmong(Set<String> labelled) {
    Set<String> in = new LinkedHashSet<>(types);
    in.retainAll(labelled);
    return in.size() < 2 ? Set.of() : in;
  }
}
