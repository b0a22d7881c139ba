package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.store.Purpose;
import io.veil.store.RegulationProfile;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A privacy link names a tenant, not a key: the user who opens it must be shown the consent model their requests
 * are actually processed under, and their requests must get that law's due date (QA pass, docs/notes/qa3.md).
 */
class PrivacyLinkProfileIT {
  @TempDir Path dir;

  private static String link(GovernedGateway g, String tenant, String user) throws Exception {
    return GovernedGateway.json(g.admin("POST", "/admin/privacy-links",
        "{\"tenant\":\"" + tenant + "\",\"user\":\"" + user + "\"}")).get("token").asText();
  }

  @Test
  void aLinkForACcpaTenantShowsTheOptOutModelAndGivesRequestsTheCcpaDueDate() throws Exception {
    GatewayPolicy ccpa = new GatewayPolicy("ccpa", 1 << 20, 0, true, true, RegulationProfile.CCPA,
        Set.of(Purpose.LLM_PROCESSING), false);
    try (GovernedGateway g = new GovernedGateway(dir, TestStores.H2.fresh(), Map.of("ccpa", ccpa))) {
      g.keyFor("west", "ccpa");
      g.keyFor("mixed", "ccpa");
      g.keyFor("mixed", "default");

      JsonNode west = GovernedGateway.json(g.send("GET", "/privacy/consent?token=" + link(g, "west", "erin"), null, null));
      assertThat(west.get("profile").asText()).isEqualTo("ccpa");
      assertThat(west.at("/purposes/sale-sharing/effective").asBoolean()).as("opt-out: permitted until withdrawn").isTrue();
      assertThat(west.at("/purposes/llm-processing/effective").asBoolean()).isTrue();
      // the same view the app's backend gets with its CCPA key
      JsonNode viaKey = GovernedGateway.json(g.send("GET", "/privacy/consent", g.keyFor("west", "ccpa"), null,
          "X-Veil-User", "erin"));
      assertThat(west.get("purposes")).isEqualTo(viaKey.get("purposes"));

      Instant before = Instant.now();
      JsonNode erase = GovernedGateway.json(g.send("POST", "/privacy/erase?token=" + link(g, "west", "erin"), null, "{}"));
      assertThat(erase.at("/request/profile").asText()).isEqualTo("ccpa");
      Duration due = Duration.between(before, Instant.parse(erase.at("/request/due_at").asText()));
      assertThat(due).isBetween(Duration.ofDays(45), Duration.ofDays(45).plusMinutes(5));

      // keys under both profiles, or none: the configured default (gdpr)
      assertThat(GovernedGateway.json(g.send("GET", "/privacy/consent?token=" + link(g, "mixed", "u"), null, null))
          .get("profile").asText()).isEqualTo("gdpr");
      assertThat(GovernedGateway.json(g.send("GET", "/privacy/consent?token=" + link(g, "nokeys", "u"), null, null))
          .get("profile").asText()).isEqualTo("gdpr");
    }
  }
}
