package io.veil.store;

import java.time.Duration;
import java.util.Locale;

/** The regulation a deployment follows; sets deadlines and retention defaults. */
public enum RegulationProfile {
  /** EU GDPR: opt-in consent; data-subject requests answered within 30 days (Art. 12(3): one month). */
  GDPR(Duration.ofDays(30)),
  /** California CCPA/CPRA: opt-out; consumer requests answered within 45 days (Civ. Code 1798.130). */
  CCPA(Duration.ofDays(45));

  private final Duration requestDeadline;

  RegulationProfile(Duration requestDeadline) {
    this.requestDeadline = requestDeadline;
  }

  /** Time allowed to answer a data-subject request. */
  public Duration requestDeadline() {
    return requestDeadline;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RegulationProfile fromWire(String s) {
    for (RegulationProfile p : values()) {
      if (p.wireName().equals(s)) {
        return p;
      }
    }
    throw new IllegalArgumentException("regulation profile must be gdpr or ccpa");
  }
}
