package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.store.Purpose;
import io.veil.store.RegulationProfile;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The policy's version: derived from its settings when it is built, never chosen by a caller. */
class GatewayPolicyTest {
  private static GatewayPolicy policy(String name, long maxBody, Set<Purpose> purposes, String version) {
    return new GatewayPolicy(name, maxBody, 0, true, true, RegulationProfile.GDPR, purposes, false, version);
  }

  @Test
  void theVersionIsDerivedFromTheSettingsAndCannotBeForged() {
    GatewayPolicy derived = new GatewayPolicy("team a", 1 << 20, 0, true, true, RegulationProfile.GDPR,
        Set.of(Purpose.LLM_PROCESSING), false);
    GatewayPolicy forged = policy("team a", 1 << 20, Set.of(Purpose.LLM_PROCESSING), "team_a:000000000000");

    assertThat(derived.version()).matches("team_a:[0-9a-f]{12}");
    assertThat(forged.version()).isEqualTo(derived.version());
    assertThat(forged).isEqualTo(derived).hasSameHashCodeAs(derived);
  }

  @Test
  void everySettingChangesTheVersion() {
    GatewayPolicy base = policy("p", 1000, Set.of(Purpose.LLM_PROCESSING), null);
    assertThat(policy("p", 1001, Set.of(Purpose.LLM_PROCESSING), null).version()).isNotEqualTo(base.version());
    assertThat(policy("p", 1000, Set.of(), null).version()).isNotEqualTo(base.version());
    assertThat(new GatewayPolicy("p", 1000, 0, true, true, RegulationProfile.CCPA, Set.of(Purpose.LLM_PROCESSING), false)
        .version()).isNotEqualTo(base.version());
    assertThat(new GatewayPolicy("p", 1000, 0, true, true, RegulationProfile.GDPR, Set.of(Purpose.LLM_PROCESSING), true)
        .version()).isNotEqualTo(base.version());
    assertThat(policy("q", 1000, Set.of(Purpose.LLM_PROCESSING), null).version()).startsWith("q:");
  }
}
