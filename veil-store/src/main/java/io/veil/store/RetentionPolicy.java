package io.veil.store;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * How long each {@link DataClass} is kept. Defaults per {@link RegulationProfile} are the shortest
 * that still serve their purpose (see docs/notes/store.md):
 *
 * <table>
 *   <caption>defaults</caption>
 *   <tr><th>class</th><th>gdpr</th><th>ccpa</th></tr>
 *   <tr><td>vault entries</td><td>24 h</td><td>24 h</td></tr>
 *   <tr><td>audit records</td><td>180 d</td><td>365 d</td></tr>
 *   <tr><td>consent history (superseded)</td><td>730 d</td><td>730 d</td></tr>
 *   <tr><td>privacy requests (closed)</td><td>730 d</td><td>730 d</td></tr>
 * </table>
 *
 * @param periods a period for every data class, each between 1 second and 10 years
 */
public record RetentionPolicy(Map<DataClass, Duration> periods) {
  private static final Duration MIN = Duration.ofSeconds(1);
  /** The longest period of any data class: ten years. */
  public static final Duration MAX = Duration.ofDays(3653);

  public RetentionPolicy {
    Objects.requireNonNull(periods, "periods");
    EnumMap<DataClass, Duration> copy = new EnumMap<>(DataClass.class);
    for (DataClass dc : DataClass.values()) {
      Duration d = periods.get(dc);
      if (d == null) {
        throw new IllegalArgumentException("retention period missing for " + dc);
      }
      if (d.compareTo(MIN) < 0 || d.compareTo(MAX) > 0) {
        throw new IllegalArgumentException("retention for " + dc + " must be between 1 second and 10 years");
      }
      copy.put(dc, d);
    }
    periods = Collections.unmodifiableMap(copy);
  }

  /** The defaults of a regulation profile. */
  public static RetentionPolicy defaults(RegulationProfile profile) {
    Objects.requireNonNull(profile, "profile");
    EnumMap<DataClass, Duration> m = new EnumMap<>(DataClass.class);
    m.put(DataClass.VAULT_ENTRIES, Duration.ofHours(24));
    m.put(DataClass.AUDIT_RECORDS, profile == RegulationProfile.GDPR ? Duration.ofDays(180) : Duration.ofDays(365));
    m.put(DataClass.CONSENT_HISTORY, Duration.ofDays(730));
    m.put(DataClass.PRIVACY_REQUESTS, Duration.ofDays(730));
    return new RetentionPolicy(m);
  }

  /** This policy with one period overridden (e.g. from the operator's policy file). */
  public RetentionPolicy with(DataClass dataClass, Duration period) {
    EnumMap<DataClass, Duration> m = new EnumMap<>(periods);
    m.put(Objects.requireNonNull(dataClass, "dataClass"), period);
    return new RetentionPolicy(m);
  }

  public Duration periodOf(DataClass dataClass) {
    return periods.get(dataClass);
  }
}
