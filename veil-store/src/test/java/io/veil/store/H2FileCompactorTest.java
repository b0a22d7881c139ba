package io.veil.store;

import static io.veil.store.H2FileCompactor.MAX_WRITE_LIMIT_BYTES;
import static io.veil.store.H2FileCompactor.REWRITE_SHARE_DIVISOR;
import static io.veil.store.H2FileCompactor.WRITE_LIMIT_BYTES;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link H2FileCompactor#writeLimit}: a share of the bytes written since the last run, within its floor and cap. */
class H2FileCompactorTest {
  @ParameterizedTest(name = "{0} bytes written -> {1}")
  @CsvSource({
      // written since the last run, expected budget (MB = 1048576)
      "0, " + (1 << 20),                        // a quiet store: the floor, what every run rewrote before
      "-5, " + (1 << 20),                       // a counter that went back (never expected): the floor
      "8388608, " + (1 << 20),                  // 8 MB written: 1 MB, the floor and the share meet
      "16777216, " + (2 << 20),                 // 16 MB: 2 MB
      "41943040, " + (5 << 20),                 // 40 MB (~350 distinct requests/s): 5 MB
      "134217728, " + (16 << 20),               // 128 MB: the cap
      "1099511627776, " + (16 << 20),           // 1 TB (a long pause): the cap, no overflow
      "9223372036854775807, " + (16 << 20),     // Long.MAX_VALUE: the cap
  })
  void theBudgetIsAShareOfTheWritesWithinFloorAndCap(long written, int expected) {
    assertThat(H2FileCompactor.writeLimit(written)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} bytes")
  @CsvSource({"0", "1", "1048576", "12345678", "33554432", "99999999", "4294967296"})
  void theBudgetNeverLeavesItsBoundsAndFollowsTheShare(long written) {
    int budget = H2FileCompactor.writeLimit(written);
    assertThat(budget).isBetween(WRITE_LIMIT_BYTES, MAX_WRITE_LIMIT_BYTES);
    assertThat(budget).isEqualTo((int) Math.clamp(written / REWRITE_SHARE_DIVISOR, WRITE_LIMIT_BYTES,
        MAX_WRITE_LIMIT_BYTES));
  }
}
