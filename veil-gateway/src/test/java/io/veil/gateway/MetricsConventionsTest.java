package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} as a Prometheus operator expects it: the JVM and process families next to Veil's
 * own, names and units by Prometheus conventions, request durations as histogram buckets (so p99
 * can be aggregated across instances), and only bounded labels (no tenant, key, user or model).
 */
class MetricsConventionsTest {
  private static final Pattern SAMPLE = Pattern.compile("^([^#{\\s][^{\\s]*)(\\{([^}]*)\\})? ", Pattern.MULTILINE);

  private static String scrape() {
    GatewayMetrics m = new GatewayMetrics().withJvmMetrics();
    try {
      m.request(Endpoint.CHAT_COMPLETIONS, 200, Duration.ofMillis(12));
      m.request(null, 404, Duration.ofMillis(1));
      m.entities(Map.of("EMAIL", 2));
      m.blocked("veil_invalid_api_key");
      m.upstream(200);
      m.slowClients(new SlowClientGuard(Duration.ofSeconds(1), 0, new org.eclipse.jetty.util.thread.ScheduledExecutorScheduler()));
      return m.scrape();
    } finally {
      m.close();
    }
  }

  @Test
  void jvmAndProcessFamiliesAreExported() {
    // before: only veil_* families; heap, GC pauses, threads and CPU were invisible to Prometheus
    assertThat(scrape()).contains("jvm_memory_used_bytes{", "jvm_gc_memory_allocated_bytes_total", "jvm_threads_live_threads",
        "process_cpu_usage", "process_uptime_seconds", "process_files_open_files");
  }

  @Test
  void requestDurationsAreAHistogram() {
    assertThat(scrape()).contains("veil_request_duration_seconds_bucket{endpoint=\"chat_completions\",le=\"0.025\"}");
  }

  @Test
  void namesFollowPrometheusConventionsAndLabelsAreBounded() {
    Matcher m = SAMPLE.matcher(scrape());
    int samples = 0;
    while (m.find()) {
      samples++;
      String name = m.group(1);
      assertThat(name).matches("[a-z_:][a-z0-9_:]*");
      if (name.startsWith("veil_")) {
        assertThat(name).as("counters end in _total, durations are in seconds")
            .matches(".*(_total|_seconds(_bucket|_count|_sum|_max)?|_up)$");
      }
      String labels = m.group(3) == null ? "" : m.group(3);
      for (String forbidden : new String[] {"tenant=", "key=", "user=", "model=", "path=", "subject="}) {
        assertThat(labels).as(name).doesNotContain(forbidden);
      }
    }
    assertThat(samples).isGreaterThan(20);
  }
}
