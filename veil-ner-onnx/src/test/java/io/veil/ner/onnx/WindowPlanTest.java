package io.veil.ner.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class WindowPlanTest {

  @Test
  void aShortSequenceIsOneWindow() {
    WindowPlan p = WindowPlan.of(5, 10, 3);
    assertThat(p.windows()).containsExactly(new WindowPlan.Window(0, 5));
    assertThat(p.owner()).containsOnly(0);
    assertThat(WindowPlan.of(0, 10, 3).windows()).isEmpty();
  }

  @Test
  void windowsOverlapByTheStrideAndTheLastEndsAtTheEnd() {
    WindowPlan p = WindowPlan.of(20, 8, 2);
    assertThat(p.windows()).containsExactly(new WindowPlan.Window(0, 8), new WindowPlan.Window(6, 14),
        new WindowPlan.Window(12, 20));
    // token 6 and 7 are in windows 0 and 1; 7 is deeper in window 1 (1 from its left edge vs 0 from
    // window 0's right edge), 6 ties (depth 1 in window 0, 0 in window 1) -> window 0
    assertThat(p.owner()[6]).isEqualTo(0);
    assertThat(p.owner()[7]).isEqualTo(1);
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> WindowPlan.of(10, 4, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WindowPlan.of(10, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WindowPlan.of(-1, 4, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 500)
  void everyTokenIsOwnedByTheWindowWhereItIsMostCentral(@ForAll @IntRange(max = 400) int tokens,
      @ForAll @IntRange(min = 1, max = 64) int capacity, @ForAll @IntRange(max = 63) int strideSeed) {
    int stride = strideSeed % capacity;
    WindowPlan p = WindowPlan.of(tokens, capacity, stride);
    for (WindowPlan.Window w : p.windows()) {
      assertThat(w.length()).isBetween(1, capacity);
    }
    for (int i = 1; i < p.windows().size(); i++) {
      assertThat(p.windows().get(i).start()).isGreaterThan(p.windows().get(i - 1).start());
      assertThat(p.windows().get(i).start()).isLessThanOrEqualTo(p.windows().get(i - 1).end()); // no gap
    }
    if (tokens > 0) {
      assertThat(p.windows().getFirst().start()).isZero();
      assertThat(p.windows().getLast().end()).isEqualTo(tokens);
    }
    for (int t = 0; t < tokens; t++) {
      WindowPlan.Window mine = p.windows().get(p.owner()[t]);
      assertThat(t).isGreaterThanOrEqualTo(mine.start()).isLessThan(mine.end());
      int depth = Math.min(t - mine.start(), mine.end() - 1 - t);
      for (WindowPlan.Window w : p.windows()) {
        if (w.start() <= t && t < w.end()) {
          assertThat(Math.min(t - w.start(), w.end() - 1 - t)).isLessThanOrEqualTo(depth);
        }
      }
    }
  }
}
