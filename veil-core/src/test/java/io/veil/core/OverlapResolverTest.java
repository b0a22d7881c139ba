package io.veil.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class OverlapResolverTest {

  @Test
  void higherScoreWinsThenLongerSpan() {
    Finding url = new Finding(0, 30, EntityType.URL, 0.6, "url");
    Finding email = new Finding(5, 20, EntityType.EMAIL, 0.9, "email");
    Finding person = new Finding(25, 35, EntityType.PERSON, 0.9, "ner");
    Finding longerPerson = new Finding(25, 40, EntityType.PERSON, 0.9, "ner");
    assertThat(OverlapResolver.resolve(List.of(url, email, person, longerPerson)))
        .containsExactly(email, longerPerson);
  }

  @Property
  void resultNeverOverlapsAndIsSorted(@ForAll @Size(max = 40) List<@IntRange(min = 0, max = 200) Integer> starts,
                                      @ForAll @IntRange(min = 1, max = 30) int len) {
    List<Finding> in = new ArrayList<>();
    for (int i = 0; i < starts.size(); i++) {
      in.add(new Finding(starts.get(i), starts.get(i) + len + (i % 7), EntityType.DATE, (i % 10) / 10.0, "t"));
    }
    List<Finding> out = OverlapResolver.resolve(in);
    for (int i = 1; i < out.size(); i++) {
      assertThat(out.get(i - 1).end()).isLessThanOrEqualTo(out.get(i).start());
    }
    // every dropped finding overlaps a kept one
    for (Finding f : in) {
      assertThat(out.contains(f) || out.stream().anyMatch(f::overlaps)).isTrue();
    }
  }
}
