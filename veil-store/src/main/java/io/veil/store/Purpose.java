package io.veil.store;

import java.util.Locale;

/** What a subject consents to. Wire names are lower-case with dashes ({@code llm-processing}). */
public enum Purpose {
  /** Sending the (redacted) request to the LLM provider at all. */
  LLM_PROCESSING,
  /** Keeping request logs beyond the audit trail. */
  LOGGING,
  /** Usage analytics. */
  ANALYTICS,
  /** CCPA "sale or sharing" of personal information; a {@code Sec-GPC: 1} header opts out. */
  SALE_SHARING;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * @throws IllegalArgumentException for an unknown purpose (the message lists the known ones)
   */
  public static Purpose fromWire(String name) {
    for (Purpose p : values()) {
      if (p.wireName().equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown purpose; known: llm-processing, logging, analytics, sale-sharing");
  }
}
