package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Intervals answers exactly what a pass over every range answers (the overlap of half-open ranges). */
class IntervalsTest {
  private record Range(int start, int end) {}

  @Property(tries = 500)
  void overlappingAndAnyAgreeWithAPassOverEveryRange(
      @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 60) Integer> starts,
      @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 12) Integer> lengths,
      @ForAll @IntRange(min = 0, max = 70) int queryStart, @ForAll @IntRange(min = 0, max = 15) int queryLength) {
    List<Range> ranges = new ArrayList<>();
    for (int i = 0; i < Math.min(starts.size(), lengths.size()); i++) {
      ranges.add(new Range(starts.get(i), starts.get(i) + lengths.get(i)));
    }
    int qs = queryStart;
    int qe = queryStart + queryLength;
    TreeSet<Integer> expected = new TreeSet<>();
    for (int i = 0; i < ranges.size(); i++) {
      if (ranges.get(i).start() < qe && qs < ranges.get(i).end()) {
        expected.add(i);
      }
    }
    Intervals index = Intervals.of(ranges, Range::start, Range::end);
    TreeSet<Integer> found = new TreeSet<>();
    List<Integer> visits = new ArrayList<>();
    index.overlapping(qs, qe, i -> {
      found.add(i);
      visits.add(i);
    });
    assertThat(found).isEqualTo(expected);
    assertThat(visits).as("each overlapping range once").hasSameSizeAs(found);
    assertThat(index.any(qs, qe)).isEqualTo(!expected.isEmpty());
  }

  @Test
  void aLongRangeIsFoundFromFarAfterItsStartAndRangesThatOnlyTouchAreNot() {
    Intervals index = Intervals.of(List.of(new Range(0, 100), new Range(10, 20), new Range(30, 40)),
        Range::start, Range::end);
    List<Integer> found = new ArrayList<>();
    index.overlapping(50, 60, found::add);
    assertThat(found).containsExactly(0);
    assertThat(index.any(40, 41)).isTrue(); // inside [0, 100) only
    assertThat(Intervals.of(List.of(new Range(10, 20)), Range::start, Range::end).any(20, 30)).isFalse();
    assertThat(Intervals.of(List.of(new Range(10, 20)), Range::start, Range::end).any(0, 10)).isFalse();
    assertThat(Intervals.of(List.<Range>of(), Range::start, Range::end).any(0, 10)).isFalse();
  }
}
