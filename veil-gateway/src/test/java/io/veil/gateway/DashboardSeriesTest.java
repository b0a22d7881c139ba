package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DashboardSeriesTest {

  /** A clock the test moves by hand. */
  static final class HandClock extends Clock {
    Instant now = Instant.parse("2026-01-01T10:00:30Z");

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @ParameterizedTest
  @CsvSource({
      ErrorCodes.PII_BLOCKED + ", BLOCKED",
      ErrorCodes.CONSENT_REQUIRED + ", BLOCKED",
      ErrorCodes.USER_REQUIRED + ", BLOCKED",
      ErrorCodes.UPSTREAM_TIMEOUT + ", UPSTREAM",
      ErrorCodes.UPSTREAM_UNREACHABLE + ", UPSTREAM",
      ErrorCodes.UPSTREAM_INVALID + ", UPSTREAM",
      ErrorCodes.INVALID_API_KEY + ", REFUSED",
      ErrorCodes.RATE_LIMITED + ", REFUSED",
      ErrorCodes.MALFORMED_JSON + ", REFUSED",
      ErrorCodes.STORE_UNAVAILABLE + ", REFUSED",
      ErrorCodes.INTERNAL + ", REFUSED",
  })
  void refusalsAreCategorized(String code, DashboardSeries.Refusal expected) {
    assertThat(DashboardSeries.Refusal.of(code)).isEqualTo(expected);
  }

  @Test
  void countsLandInTheirMinuteAndOldMinutesFallOutOfTheWindow() {
    HandClock clock = new HandClock();
    DashboardSeries s = new DashboardSeries(clock);
    s.request(Duration.ofMillis(5));
    s.request(Duration.ofMillis(7));
    s.entities(Map.of("EMAIL", 2, "PERSON", 1));
    s.refused(ErrorCodes.CONSENT_REQUIRED);
    clock.now = clock.now.plusSeconds(60);
    s.request(Duration.ofMillis(9));
    s.refused(ErrorCodes.INVALID_API_KEY);
    s.upstream(502);
    s.upstream(429);
    s.upstream(200);
    s.upstream(400);
    s.entities(Map.of("EMAIL", 1));

    JsonNode d = s.snapshot();
    int last = DashboardSeries.MINUTES - 1;
    assertThat(d.get("requests").get(last).asLong()).isEqualTo(1);
    assertThat(d.get("requests").get(last - 1).asLong()).isEqualTo(2);
    assertThat(d.get("blocked").get(last - 1).asLong()).isEqualTo(1);
    assertThat(d.get("refused").get(last).asLong()).isEqualTo(1);
    assertThat(d.get("upstream_errors").get(last).asLong()).as("502 and 429").isEqualTo(2);
    assertThat(d.at("/entities/EMAIL").get(last - 1).asLong()).isEqualTo(2);
    assertThat(d.at("/entities/PERSON").get(last).asLong()).isZero();
    assertThat(d.at("/totals/entities/EMAIL").asLong()).isEqualTo(3);
    assertThat(d.at("/totals/requests").asLong()).isEqualTo(3);
    assertThat(d.get("minutes").get(last).asLong()).isEqualTo(clock.now.getEpochSecond() / 60 * 60);
    assertThat(d.at("/latency_ms/p50").get(0).isNull()).as("no requests: no percentile").isTrue();

    // an hour later the old minutes are gone, even though their ring slots were never overwritten
    clock.now = clock.now.plus(Duration.ofMinutes(DashboardSeries.MINUTES));
    JsonNode later = s.snapshot();
    assertThat(later.at("/totals/requests").asLong()).isZero();
    assertThat(later.at("/totals/entities").size()).isZero();
    assertThat(later.at("/totals/latency_ms/p50").isNull()).isTrue();

    // a slot reused by a new minute starts from zero
    s.request(Duration.ofMillis(1));
    assertThat(s.snapshot().at("/totals/requests").asLong()).isEqualTo(1);
  }

  @Test
  void percentilesComeFromTheHistogram() {
    DashboardSeries s = new DashboardSeries(new HandClock());
    for (int i = 1; i <= 100; i++) {
      s.request(Duration.ofMillis(i));
    }
    JsonNode t = s.snapshot().at("/totals/latency_ms");
    assertThat(t.get("p50").asDouble()).isBetween(50.0, 60.0);
    assertThat(t.get("p90").asDouble()).isBetween(90.0, 108.0);
    assertThat(t.get("p99").asDouble()).isBetween(99.0, 119.0);
  }

  @Test
  void entityTypesAreBounded() {
    DashboardSeries s = new DashboardSeries(new HandClock());
    for (int i = 0; i < DashboardSeries.MAX_TYPES + 20; i++) {
      s.entities(Map.of("CUSTOM_" + i, 1));
    }
    assertThat(s.snapshot().at("/totals/entities").size()).isEqualTo(DashboardSeries.MAX_TYPES);
  }

  @Property
  void aPercentileIsTheUpperBoundOfItsBucketAndAtMostTwentyPercentHigh(
      @ForAll @DoubleRange(min = 0.1, max = 100_000) double millis) {
    long[] hist = new long[DashboardSeries.LATENCY_BUCKETS];
    hist[DashboardSeries.bucket(millis)]++;
    double reported = DashboardSeries.percentile(hist, 0.5);
    assertThat(reported).isGreaterThanOrEqualTo(millis).isLessThanOrEqualTo(millis * 1.2 + 1e-9);
  }
}
