package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.EntityType;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Validation and encodings of the store's value types; no database. */
class StoreValuesTest {

  @Test
  void subjectToStringHidesTheId() {
    Subject s = new Subject("acme", "alice@example.org");
    assertThat(s.toString()).doesNotContain("alice");
    assertThatThrownBy(() -> new Subject("acme", "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Subject("ac me", "x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("ac me");
  }

  @Test
  void pseudonymsAreHex() {
    assertThatThrownBy(() -> new Pseudonym("alice")).isInstanceOf(IllegalArgumentException.class);
    assertThat(new Pseudonym("a".repeat(64)).toString()).doesNotContain("a".repeat(9));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(nullValues = "NULL", value = {
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, true",
      "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff, true",
      "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef, false", // upper case
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde, false",   // 63
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0, false", // 65
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg, false",  // g
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde/, false",  // just below '0'
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde:, false",  // just above '9'
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde`, false",  // just below 'a'
      "'', false",
      "NULL, false"})
  void hex64IsExactlySixtyFourLowerCaseHexDigits(String value, boolean valid) {
    assertThat(Ids.isHex64(value)).isEqualTo(valid);
    assertThat(Ids.isHex64(value)).as("same answer as the pattern it replaced")
        .isEqualTo(value != null && value.matches("[0-9a-f]{64}"));
    if (!valid) {
      assertThatThrownBy(() -> Ids.requireHex64("subject", value)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("subject must be 64 lower-case hex digits");
    }
  }

  @Test
  void wireNamesRoundTrip() {
    for (Purpose p : Purpose.values()) {
      assertThat(Purpose.fromWire(p.wireName())).isEqualTo(p);
    }
    assertThat(Purpose.LLM_PROCESSING.wireName()).isEqualTo("llm-processing");
    assertThat(PrivacySettings.Logging.fromWire("redacted")).isEqualTo(PrivacySettings.Logging.REDACTED);
    assertThat(PrivacySettings.Mode.fromWire("block")).isEqualTo(PrivacySettings.Mode.BLOCK);
    assertThatThrownBy(() -> PrivacySettings.Mode.fromWire("off")).isInstanceOf(IllegalArgumentException.class);
    assertThat(RegulationProfile.fromWire("ccpa").requestDeadline()).isEqualTo(Duration.ofDays(45));
    assertThat(RegulationProfile.GDPR.requestDeadline()).isEqualTo(Duration.ofDays(30));
  }

  @Test
  void retentionDefaultsAndOverrides() {
    RetentionPolicy gdpr = RetentionPolicy.defaults(RegulationProfile.GDPR);
    assertThat(gdpr.periodOf(DataClass.VAULT_ENTRIES)).isEqualTo(Duration.ofHours(24));
    assertThat(gdpr.periodOf(DataClass.AUDIT_RECORDS)).isEqualTo(Duration.ofDays(180));
    assertThat(RetentionPolicy.defaults(RegulationProfile.CCPA).periodOf(DataClass.AUDIT_RECORDS))
        .isEqualTo(Duration.ofDays(365));
    assertThat(gdpr.with(DataClass.VAULT_ENTRIES, Duration.ofHours(1)).periodOf(DataClass.VAULT_ENTRIES))
        .isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> gdpr.with(DataClass.VAULT_ENTRIES, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetentionPolicy(Map.of(DataClass.VAULT_ENTRIES, Duration.ofDays(1))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing");
  }

  @Test
  void auditRecordCountsAreCanonical() {
    TreeMap<EntityType, Integer> counts = new TreeMap<>();
    counts.put(EntityType.PERSON, 2);
    counts.put(EntityType.EMAIL, 1);
    AuditRecord r = new AuditRecord("acme", null, "/v1/chat/completions", "gpt-4o", counts, AuditAction.FORWARDED,
        "p1", 200, 5);
    assertThat(r.countsText()).isEqualTo("EMAIL=1;PERSON=2");
    assertThat(AuditRecord.parseCounts(r.countsText())).isEqualTo(counts);
    TreeMap<EntityType, Integer> negative = new TreeMap<>();
    negative.put(EntityType.PERSON, -1);
    assertThatThrownBy(() -> new AuditRecord("acme", null, "/v1/x", null, negative, AuditAction.FORWARDED, "p1", 200, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void chainEncodingSeparatesFields() {
    // moving a character from one field to the next must change the hash (length prefixes)
    String a = AuditChain.hash(AuditChain.GENESIS, 1, 0, "ab", null, "/c", null, "", "FORWARDED", "p", 200, 1);
    String b = AuditChain.hash(AuditChain.GENESIS, 1, 0, "a", null, "b/c", null, "", "FORWARDED", "p", 200, 1);
    assertThat(a).isNotEqualTo(b);
    assertThat(AuditChain.commitment("00", "a".repeat(64))).isNotEqualTo(AuditChain.commitment("01", "a".repeat(64)));
  }

  @Test
  void keysFromTheEnvironmentNeedBothVariables() {
    assertThatThrownBy(() -> KeyManager.fromEnvironment(Map.of()))
        .isInstanceOf(StoreException.class).hasMessageContaining(KeyManager.MASTER_ENV);
    assertThatThrownBy(() -> KeyManager.fromEnvironment(Map.of(KeyManager.MASTER_ENV, "{}", KeyManager.SIGNING_ENV, "{}")))
        .isInstanceOf(StoreException.class);
  }

  @Test
  void configHidesThePassword() {
    DatabaseConfig c = DatabaseConfig.postgres("jdbc:postgresql://db/veil?password=pw1", "u", "pw2");
    assertThat(c.toString()).doesNotContain("pw1").doesNotContain("pw2");
    assertThatThrownBy(() -> DatabaseConfig.postgres("jdbc:mysql://x/y", "u", "p"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
