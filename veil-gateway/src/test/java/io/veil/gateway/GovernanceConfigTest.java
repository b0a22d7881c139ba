package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.store.DataClass;
import io.veil.store.Purpose;
import io.veil.store.RegulationProfile;
import io.veil.store.Subject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Governance configuration, admin token and privacy links. */
class GovernanceConfigTest {
  @TempDir
  Path dir;

  @Test
  void safeDefaults() {
    GatewayConfig c = ConfigLoader.load(null, Map.of());
    GovernanceConfig g = c.governance();
    assertThat(g.jdbcUrl()).as("embedded H2 in the data dir").isNull();
    assertThat(g.profile()).isEqualTo(RegulationProfile.GDPR);
    GatewayPolicy p = c.policies().get("default");
    assertThat(p.profile()).isEqualTo(RegulationProfile.GDPR);
    assertThat(p.requiredPurposes()).containsExactly(Purpose.LLM_PROCESSING);
    assertThat(p.requireIdentity()).isFalse();
  }

  @Test
  void yamlAndEnvironment() throws Exception {
    Path f = dir.resolve("veil.yaml");
    Files.writeString(f, """
        profile: ccpa
        database:
          url: jdbc:postgresql://db.internal:5432/veil
          user: veil
        retention:
          vaultHours: 2
          auditDays: 400
        audit:
          checkpointEvery: 50
          checkpointSeconds: 30
        policies:
          strict:
            profile: gdpr
            requiredPurposes: [llm-processing, logging]
            requireIdentity: true
        """);
    GatewayConfig c = ConfigLoader.load(f, Map.of("VEIL_DATABASE_PASSWORD", "pw-secret", "VEIL_ADMIN_TOKEN",
        "0123456789abcdef0123"));
    GovernanceConfig g = c.governance();
    assertThat(g.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5432/veil");
    assertThat(g.dbPassword()).isEqualTo("pw-secret");
    assertThat(g.toString()).doesNotContain("pw-secret").doesNotContain("0123456789abcdef0123");
    assertThat(g.retention()).containsEntry(DataClass.VAULT_ENTRIES, Duration.ofHours(2))
        .containsEntry(DataClass.AUDIT_RECORDS, Duration.ofDays(400));
    assertThat(g.checkpointEvery()).isEqualTo(50);
    assertThat(c.policies().get("default").profile()).as("top-level profile is the policies' default")
        .isEqualTo(RegulationProfile.CCPA);
    GatewayPolicy strict = c.policies().get("strict");
    assertThat(strict.profile()).isEqualTo(RegulationProfile.GDPR);
    assertThat(strict.requiredPurposes()).containsExactlyInAnyOrder(Purpose.LLM_PROCESSING, Purpose.LOGGING);
    assertThat(strict.requireIdentity()).isTrue();
    assertThat(strict.version()).startsWith("strict:").isNotEqualTo(c.policies().get("default").version());
  }

  @Test
  void badValuesAreRefused() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "database:\n  url: jdbc:mysql://x/y\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).hasMessageContaining("jdbc:postgresql");
    Files.writeString(f, "profile: hipaa\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).hasMessageContaining("gdpr or ccpa");
    Files.writeString(f, "policies:\n  p:\n    requiredPurposes: [everything]\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).hasMessageContaining("unknown purpose");
    Files.writeString(f, "retention:\n  vaultDays: 3\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).hasMessageContaining("retention.vaultDays");
  }

  @Test
  void adminTokenIsGeneratedPrivateAndComparedWhole() throws Exception {
    AdminToken t = AdminToken.loadOrCreate(dir, null);
    String written = Files.readString(dir.resolve(AdminToken.FILE));
    assertThat(Files.getPosixFilePermissions(dir.resolve(AdminToken.FILE)).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
    assertThat(t.matches(written)).isTrue();
    assertThat(t.matches(written.substring(0, written.length() - 1))).isFalse();
    assertThat(t.matches(null)).isFalse();
    assertThat(AdminToken.loadOrCreate(dir, null).matches(written)).as("stable across restarts").isTrue();
    assertThat(AdminToken.loadOrCreate(dir, "configured-token-123").matches(written)).isFalse();
    assertThatThrownBy(() -> AdminToken.loadOrCreate(dir, "short")).hasMessageContaining("16 characters");
    assertThat(t.toString()).doesNotContain(written);
  }

  @Test
  void privacyLinksRefuseTamperingExpiryAndOtherSecrets() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    GatewaySecret secret = GatewaySecret.loadOrCreate(dir);
    PrivacyLinks links = new PrivacyLinks(secret, Clock.fixed(now, ZoneOffset.UTC));
    Subject s = new Subject("acme", "user-42");
    String token = links.mint(s, Duration.ofMinutes(15));
    assertThat(links.verify(token)).contains(s);
    assertThat(links.verify(" " + token + "\n")).contains(s);
    // a link minted a second before its expiry still works; one second after, it does not
    assertThat(new PrivacyLinks(secret, Clock.fixed(now.plus(Duration.ofMinutes(15)), ZoneOffset.UTC)).verify(token)).contains(s);
    PrivacyLinks later = new PrivacyLinks(secret, Clock.fixed(now.plus(Duration.ofMinutes(16)), ZoneOffset.UTC));
    assertThat(later.verify(token)).isEmpty();
    // every single flipped bit of the ciphertext (nonce, body, tag) is refused
    byte[] raw = java.util.Base64.getUrlDecoder().decode(token.substring(3));
    for (int i = 0; i < raw.length; i++) {
      byte[] t = raw.clone();
      t[i] ^= 1;
      assertThat(links.verify("v2." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(t)))
          .as("bit flipped at byte %d", i).isEmpty();
    }
    assertThat(links.verify(token.substring(0, token.length() - 4))).isEmpty();
    assertThat(links.verify(token + "x")).isEmpty();
    assertThat(links.verify("v2.")).isEmpty();
    assertThat(links.verify("v2.***")).isEmpty();
    assertThat(links.verify("garbage")).isEmpty();
    assertThat(links.verify(null)).isEmpty();
    assertThat(links.verify("v2." + "A".repeat(5000))).isEmpty();
    PrivacyLinks other = new PrivacyLinks(GatewaySecret.loadOrCreate(dir.resolve("other")), Clock.fixed(now, ZoneOffset.UTC));
    assertThat(other.verify(token)).isEmpty();
    assertThatThrownBy(() -> links.mint(s, Duration.ofDays(8))).hasMessageContaining("7 days");
    assertThatThrownBy(() -> links.mint(s, Duration.ZERO)).hasMessageContaining("7 days");
  }

  /** The old signed format (tenant and user in base64, HMAC under the same secret) is refused. */
  @Test
  void privacyLinksRefuseTheOldSignedFormat() {
    GatewaySecret secret = GatewaySecret.loadOrCreate(dir);
    PrivacyLinks links = new PrivacyLinks(secret, Clock.systemUTC());
    String payload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("acme\nuser-42\n" + (Instant.now().getEpochSecond() + 600)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String v1 = "v1." + payload + "." + secret.hash("privacy-link", payload);
    assertThat(links.verify(v1)).isEmpty();
    assertThat(links.verify("v2." + payload + "." + secret.hash("privacy-link", payload))).isEmpty();
  }

  private static PrivacyLinks opaqueLinksInstance;

  /** One secret for all tries (min length 8 keeps a chance match of the id in random base64 negligible). */
  private static synchronized PrivacyLinks opaqueLinks() throws java.io.IOException {
    if (opaqueLinksInstance == null) {
      Path d = Files.createTempDirectory("veil-link");
      opaqueLinksInstance = new PrivacyLinks(GatewaySecret.loadOrCreate(d), Clock.systemUTC());
    }
    return opaqueLinksInstance;
  }

  /** Neither the tenant nor the user id shows in the token, as text or base64-decoded, and equal subjects get unequal tokens. */
  @net.jqwik.api.Property(tries = 200)
  void privacyLinksAreOpaque(
      @net.jqwik.api.ForAll @net.jqwik.api.constraints.StringLength(min = 8, max = 256)
      @net.jqwik.api.constraints.AlphaChars @net.jqwik.api.constraints.Chars({'@', '.', '-', '_', 'é'}) String user)
      throws java.io.IOException {
    PrivacyLinks links = opaqueLinks();
    Subject s = new Subject("tenant-acme", user);
    String token = links.mint(s, Duration.ofMinutes(5));
    assertThat(token).startsWith("v2.").doesNotContain(user).doesNotContain("tenant-acme");
    String decoded = new String(java.util.Base64.getUrlDecoder().decode(token.substring(3)), java.nio.charset.StandardCharsets.ISO_8859_1);
    String decodedUtf8 = new String(java.util.Base64.getUrlDecoder().decode(token.substring(3)), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(decoded).doesNotContain(user).doesNotContain("tenant-acme");
    assertThat(decodedUtf8).doesNotContain(user).doesNotContain("tenant-acme");
    assertThat(links.mint(s, Duration.ofMinutes(5))).isNotEqualTo(token);
    assertThat(links.verify(token)).contains(s);
    // 12-byte nonce + payload padded to whole blocks + 16-byte tag: the length says only the block count
    assertThat((java.util.Base64.getUrlDecoder().decode(token.substring(3)).length - 28) % PrivacyLinks.BLOCK).isZero();
  }

  @Test
  void policyVersionChangesWithTheConsentRules() {
    GatewayPolicy a = GatewayPolicy.defaults("default");
    GatewayPolicy b = new GatewayPolicy("default", a.maxBodyBytes(), 0, true, true, RegulationProfile.CCPA,
        Set.of(Purpose.LLM_PROCESSING), false);
    assertThat(a.version()).matches("default:[0-9a-f]{12}").isNotEqualTo(b.version());
  }
}
