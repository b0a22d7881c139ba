package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.veil.core.EntityType;
import io.veil.core.Scope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The store's data-key cryptography after keycost (the AEAD made from the key itself: docs/notes/keycost.md)
 * against databases written before it: a key row wrapped and values sealed the old way (Tink's keyset
 * generation and keyset primitive, as every earlier release did) are read, and what the new code seals opens
 * with the old primitive; crypto-shredding, re-creation and master rotation behave as before.
 */
@ParameterizedClass
@EnumSource(TestDatabases.class)
class SubjectKeyCryptoIT {
  @Parameter TestDatabases backend;
  @TempDir Path keyDir;

  static final Function<Integer, String> PERSON = n -> "<PERSON_" + n + ">";

  Database db;
  KeyManager km;
  SubjectKeys keys;
  JdbcTokenVault vault;

  @BeforeEach
  void open() {
    db = Database.open(backend.fresh());
    km = KeyManager.openOrCreate(keyDir);
    keys = new SubjectKeys(db, km);
    vault = newVault(keys);
  }

  @AfterEach
  void close() {
    db.close();
  }

  JdbcTokenVault newVault(SubjectKeys k) {
    return new JdbcTokenVault(db, k, Duration.ofHours(1), SubjectResolver.perConversation());
  }

  @Test
  void aKeyRowAndValuesWrittenTheOldWayAreReadAndNewValuesOpenWithTheOldPrimitive() throws Exception {
    Scope scope = new Scope("acme", "old-conversation");
    Pseudonym ref = keys.pseudonymOf(SubjectResolver.perConversation().subjectOf(scope));
    // the pre-keycost creation path, verbatim: generateNew, the encrypted-keyset wrap, the keyset primitive
    KeysetHandle old = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, KeyManager.CONFIG);
    byte[] wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(old, km.masterAead(),
        Bytes.fields("veil.subject-key.v1", ref.hex()), KeyManager.CONFIG);
    Aead oldAead = old.getPrimitive(KeyManager.CONFIG, Aead.class);
    db.inTransaction("test: old key row", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO subject_keys (subject_ref, tenant, wrapped_key, created_at, used_at) VALUES (?, ?, ?, ?, ?)")) {
        ps.setString(1, ref.hex());
        ps.setString(2, "acme");
        ps.setBytes(3, wrapped);
        ps.setLong(4, 1);
        ps.setLong(5, 1);
        return ps.executeUpdate();
      }
    });

    String ada = vault.tokenize(scope, EntityType.PERSON, "Ada Lovelace", PERSON); // sealed by the new code
    byte[] sealedByNew = ciphertext(scope, ada);
    assertThat(new String(oldAead.decrypt(sealedByNew, JdbcTokenVault.ad(scope, ada, "PERSON")), StandardCharsets.UTF_8))
        .isEqualTo("Ada Lovelace");

    String grace = vault.tokenize(scope, EntityType.PERSON, "Grace Hopper", PERSON);
    byte[] sealedByOld = oldAead.encrypt("Grace Hopper".getBytes(StandardCharsets.UTF_8),
        JdbcTokenVault.ad(scope, grace, "PERSON"));
    db.inTransaction("test: old ciphertext", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE vault_entries SET ciphertext = ? WHERE token = ?")) {
        ps.setBytes(1, sealedByOld);
        ps.setString(2, grace);
        return ps.executeUpdate();
      }
    });

    // a fresh process (nothing cached): unwraps the old key row and opens old and new ciphertexts
    JdbcTokenVault fresh = newVault(new SubjectKeys(db, km));
    assertThat(fresh.reveal(scope, ada)).contains("Ada Lovelace");
    assertThat(fresh.reveal(scope, grace)).contains("Grace Hopper");
    assertThat(fresh.entries(scope)).containsOnly(Map.entry(ada, "Ada Lovelace"), Map.entry(grace, "Grace Hopper"));
    assertThat(wrappedKey(ref)).contains(wrapped); // the old row was used as it is, not rewritten
  }

  @Test
  void newSubjectsGetDistinctKeysAndAShreddedSubjectStaysUnreadableAfterItsKeyIsCreatedAgain() throws Exception {
    List<Scope> scopes = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Scope s = new Scope("acme", "c-" + i);
      scopes.add(s);
      tokens.add(vault.tokenize(s, EntityType.PERSON, "Person Number " + i, PERSON));
    }
    List<byte[]> rows = new ArrayList<>();
    for (Scope s : scopes) {
      rows.add(wrappedKey(keys.pseudonymOf(SubjectResolver.perConversation().subjectOf(s))).orElseThrow());
    }
    assertThat(rows.stream().map(java.util.HexFormat.of()::formatHex).distinct()).hasSize(40);

    Scope shredded = scopes.get(7);
    Subject subject = SubjectResolver.perConversation().subjectOf(shredded);
    byte[] before = wrappedKey(keys.pseudonymOf(subject)).orElseThrow();
    assertThat(keys.destroy(subject)).isTrue();
    assertThat(vault.reveal(shredded, tokens.get(7))).isEmpty();
    assertThat(vault.entries(shredded)).isEmpty();

    // the conversation goes on: a new key for the same subject; the old value stays shredded
    String later = vault.tokenize(shredded, EntityType.PERSON, "Someone Else", PERSON);
    byte[] after = wrappedKey(keys.pseudonymOf(subject)).orElseThrow();
    assertThat(after).isNotEqualTo(before);
    assertThat(vault.reveal(shredded, later)).contains("Someone Else");
    for (JdbcTokenVault v : List.of(vault, newVault(new SubjectKeys(db, km)))) {
      // the shredded value is gone for good: destroy deleted its row with the key, so the conversation holds only
      // the new value (its ordinal counts from the rows that are left, so it may take the old token's name)
      assertThat(v.entries(shredded)).containsOnly(Map.entry(later, "Someone Else"));
      assertThat(revealOrFailure(v, shredded, tokens.get(7))).isIn("<empty>", "Someone Else");
    }
    for (int i = 0; i < 40; i++) {
      if (i != 7) {
        assertThat(vault.reveal(scopes.get(i), tokens.get(i))).contains("Person Number " + i);
      }
    }
  }

  @Test
  void aMasterRotationKeepsSubjectsKeyedBeforeAndAfterItReadable() {
    Scope a = new Scope("acme", "rot-a");
    String before = vault.tokenize(a, EntityType.PERSON, "Alan Turing", PERSON);
    assertThat(keys.rotateMaster()).isGreaterThanOrEqualTo(1);
    Scope b = new Scope("acme", "rot-b");
    String after = vault.tokenize(b, EntityType.PERSON, "Joan Clarke", PERSON);
    JdbcTokenVault fresh = newVault(new SubjectKeys(db, KeyManager.openOrCreate(keyDir)));
    assertThat(fresh.reveal(a, before)).contains("Alan Turing");
    assertThat(fresh.reveal(b, after)).contains("Joan Clarke");
  }

  /** The value, or a description of the failure: a shredded value must be neither. */
  private static String revealOrFailure(JdbcTokenVault v, Scope s, String token) {
    try {
      return v.reveal(s, token).orElse("<empty>");
    } catch (RuntimeException e) {
      return "<" + e.getClass().getSimpleName() + ">";
    }
  }

  private byte[] ciphertext(Scope scope, String token) {
    return db.withConnection("test", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT v.ciphertext FROM vault_entries v JOIN vault_scopes s ON s.id = v.scope_id"
              + " WHERE s.tenant = ? AND s.conversation = ? AND v.token = ?")) {
        ps.setString(1, scope.tenant());
        ps.setString(2, scope.conversation());
        ps.setString(3, token);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          return rs.getBytes(1);
        }
      }
    });
  }

  private Optional<byte[]> wrappedKey(Pseudonym ref) {
    return db.withConnection("test", (Connection c) -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT wrapped_key FROM subject_keys WHERE subject_ref = ?")) {
        ps.setString(1, ref.hex());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.<byte[]>empty();
        }
      }
    });
  }
}
