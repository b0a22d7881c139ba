package io.veil.store;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.mac.HmacParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-subject data keys and the store's keyed hashes.
 *
 * <p>Key hierarchy: the master keyset ({@link KeyManager}) wraps (a) one AES-256-GCM data keyset per
 * subject, row {@code subject_keys}, and (b) two HMAC-SHA256 keys of the store, row {@code system_keys}:
 * {@code pseudonym} (subject ids → {@link Pseudonym}) and {@code vault-lookup} (vault values → lookup
 * hashes). Wrapping binds each keyset to its row with associated data, so wrapped keys cannot be
 * swapped between subjects.
 *
 * <p>Crypto-shredding: {@link #destroy(Subject)} deletes the subject's wrapped key; every ciphertext
 * made with it, in this database, its replicas and its backups, becomes unreadable once the backups
 * that still hold the key row expire.
 *
 * <p>Thread safety: safe for concurrent use, also by several processes sharing one database (key
 * creation races are resolved by the primary key: the loser reads the winner's key).
 *
 * <p><b>Security:</b> no method returns key material. Data keys are not cached, so a key destroyed by
 * one instance is unusable by all at once.
 */
public final class SubjectKeys {
  private static final Configuration CONFIG = KeyManager.CONFIG;
  private static final String PSEUDONYM_KEY = "pseudonym";
  private static final String LOOKUP_KEY = "vault-lookup";
  private static final int PAGE = 500;

  private final Database db;
  private final KeyManager keys;
  private final ConcurrentHashMap<String, Mac> systemMacs = new ConcurrentHashMap<>();

  public SubjectKeys(Database db, KeyManager keys) {
    this.db = Objects.requireNonNull(db, "db");
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /** The subject's keyed pseudonym; the same subject always gets the same one. */
  public Pseudonym pseudonymOf(Subject subject) {
    Objects.requireNonNull(subject, "subject");
    return new Pseudonym(Bytes.hex(mac(PSEUDONYM_KEY, Bytes.fields("veil.subject.v1", subject.tenant(), subject.id()))));
  }

  /** Keyed hash used by the vault to find a value without storing it. */
  String lookupHash(byte[] data) {
    return Bytes.hex(mac(LOOKUP_KEY, data));
  }

  /** True while the subject has a data key. */
  public boolean hasKey(Subject subject) {
    Pseudonym ref = pseudonymOf(subject);
    return db.withConnection("subject key lookup", c -> readWrapped(c, ref.hex()) != null);
  }

  /**
   * Crypto-shreds the subject: deletes its wrapped data key.
   *
   * @return true if there was a key to destroy
   */
  public boolean destroy(Subject subject) {
    return destroy(pseudonymOf(subject));
  }

  boolean destroy(Pseudonym ref) {
    return db.withConnection("subject key destruction", c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM subject_keys WHERE subject_ref = ?")) {
        ps.setString(1, ref.hex());
        return ps.executeUpdate() > 0;
      }
    });
  }

  /**
   * Re-wraps every subject key and system key with the master keyset's current primary key (run after
   * {@link KeyManager#rotateMaster()}). Safe to run while the store is in use and to re-run.
   *
   * @return the number of keys re-wrapped
   */
  public int rewrapAll() {
    int n = 0;
    String after = "";
    while (true) {
      String from = after;
      List<String> refs = db.withConnection("key re-wrap", c -> {
        List<String> page = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT subject_ref FROM subject_keys WHERE subject_ref > ? ORDER BY subject_ref")) {
          ps.setString(1, from);
          ps.setMaxRows(PAGE);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              page.add(rs.getString(1));
            }
          }
        }
        return page;
      });
      if (refs.isEmpty()) {
        break;
      }
      for (String ref : refs) {
        n += db.inTransaction("key re-wrap", c -> {
          byte[] wrapped;
          try (PreparedStatement ps = c.prepareStatement(
              "SELECT wrapped_key FROM subject_keys WHERE subject_ref = ? FOR UPDATE")) {
            ps.setString(1, ref);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return 0; // destroyed meanwhile
              }
              wrapped = rs.getBytes(1);
            }
          }
          byte[] ad = subjectAd(ref);
          byte[] rewrapped = wrap(unwrap(wrapped, ad), ad);
          try (PreparedStatement ps = c.prepareStatement(
              "UPDATE subject_keys SET wrapped_key = ?, rewrapped_at = ? WHERE subject_ref = ?")) {
            ps.setBytes(1, rewrapped);
            ps.setLong(2, db.clock().millis());
            ps.setString(3, ref);
            return ps.executeUpdate();
          }
        });
      }
      after = refs.get(refs.size() - 1);
    }
    for (String name : List.of(PSEUDONYM_KEY, LOOKUP_KEY)) {
      n += db.inTransaction("key re-wrap", c -> {
        try (PreparedStatement ps = c.prepareStatement("SELECT wrapped_key FROM system_keys WHERE name = ? FOR UPDATE")) {
          ps.setString(1, name);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return 0;
            }
            byte[] ad = systemAd(name);
            byte[] rewrapped = wrap(unwrap(rs.getBytes(1), ad), ad);
            try (PreparedStatement up = c.prepareStatement("UPDATE system_keys SET wrapped_key = ? WHERE name = ?")) {
              up.setBytes(1, rewrapped);
              up.setString(2, name);
              return up.executeUpdate();
            }
          }
        }
      });
    }
    return n;
  }

  /** Rotates the master key and re-wraps every key with it; returns the number re-wrapped. */
  public int rotateMaster() {
    keys.rotateMaster();
    return rewrapAll();
  }

  /** Encrypts with the subject's data key, creating the key on first use. */
  byte[] encrypt(Pseudonym ref, String tenant, byte[] plaintext, byte[] ad) {
    Aead aead = db.withConnection("subject key", c -> dataKey(c, ref, tenant, true)).orElseThrow();
    try {
      return aead.encrypt(plaintext, ad);
    } catch (GeneralSecurityException e) {
      throw new StoreException("encryption failed", e);
    }
  }

  /** The subject's data key if it still exists (an empty result means: crypto-shredded). */
  Optional<Aead> dataKey(Connection c, Pseudonym ref) throws SQLException {
    return dataKey(c, ref, null, false);
  }

  Optional<Aead> dataKey(Pseudonym ref) {
    return db.withConnection("subject key", c -> dataKey(c, ref));
  }

  private Optional<Aead> dataKey(Connection c, Pseudonym ref, String tenant, boolean create) throws SQLException {
    byte[] ad = subjectAd(ref.hex());
    byte[] wrapped = readWrapped(c, ref.hex());
    if (wrapped == null) {
      if (!create) {
        return Optional.empty();
      }
      try {
        KeysetHandle fresh = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, CONFIG);
        byte[] w = wrap(fresh, ad);
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO subject_keys (subject_ref, tenant, wrapped_key, created_at) VALUES (?, ?, ?, ?)")) {
          ps.setString(1, ref.hex());
          ps.setString(2, tenant);
          ps.setBytes(3, w);
          ps.setLong(4, db.clock().millis());
          ps.executeUpdate();
          wrapped = w;
        }
      } catch (GeneralSecurityException e) {
        throw new StoreException("cannot create a subject key", e);
      } catch (SQLException e) {
        if (!Database.isUniqueViolation(e) || !c.getAutoCommit()) {
          throw e;
        }
        wrapped = readWrapped(c, ref.hex()); // a concurrent writer created it first
        if (wrapped == null) {
          throw new StoreException("subject key vanished while being created");
        }
      }
    }
    try {
      return Optional.of(unwrap(wrapped, ad).getPrimitive(CONFIG, Aead.class));
    } catch (GeneralSecurityException e) {
      throw new StoreException("cannot use a subject key", e);
    }
  }

  private static byte[] readWrapped(Connection c, String ref) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT wrapped_key FROM subject_keys WHERE subject_ref = ?")) {
      ps.setString(1, ref);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    }
  }

  private byte[] mac(String keyName, byte[] data) {
    Mac mac = systemMacs.computeIfAbsent(keyName, this::loadOrCreateMac);
    try {
      return mac.computeMac(data);
    } catch (GeneralSecurityException e) {
      throw new StoreException("keyed hash failed", e);
    }
  }

  private Mac loadOrCreateMac(String name) {
    byte[] ad = systemAd(name);
    byte[] wrapped = db.withConnection("system key", c -> {
      byte[] existing = readSystem(c, name);
      if (existing != null) {
        return existing;
      }
      try {
        // NO_PREFIX: the hash must not depend on Tink's key id; this key is never rotated.
        HmacParameters p = HmacParameters.builder().setKeySizeBytes(32).setTagSizeBytes(32)
            .setHashType(HmacParameters.HashType.SHA256).setVariant(HmacParameters.Variant.NO_PREFIX).build();
        byte[] w = wrap(KeysetHandle.generateNew(p, CONFIG), ad);
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO system_keys (name, wrapped_key, created_at) VALUES (?, ?, ?)")) {
          ps.setString(1, name);
          ps.setBytes(2, w);
          ps.setLong(3, db.clock().millis());
          ps.executeUpdate();
          return w;
        }
      } catch (GeneralSecurityException e) {
        throw new StoreException("cannot create a system key", e);
      } catch (SQLException e) {
        if (Database.isUniqueViolation(e)) {
          return readSystem(c, name);
        }
        throw e;
      }
    });
    try {
      return unwrap(wrapped, ad).getPrimitive(CONFIG, Mac.class);
    } catch (GeneralSecurityException e) {
      throw new StoreException("cannot use a system key", e);
    }
  }

  private static byte[] readSystem(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT wrapped_key FROM system_keys WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    }
  }

  private byte[] wrap(KeysetHandle handle, byte[] ad) {
    try {
      return TinkProtoKeysetFormat.serializeEncryptedKeyset(handle, keys.masterAead(), ad, CONFIG);
    } catch (GeneralSecurityException e) {
      throw new StoreException("cannot wrap a key", e);
    }
  }

  private KeysetHandle unwrap(byte[] wrapped, byte[] ad) {
    try {
      return TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, keys.masterAead(), ad, CONFIG);
    } catch (GeneralSecurityException first) {
      // Another instance may have rotated the master keyset and re-wrapped this key: re-read the key
      // file once and retry before failing closed.
      if (keys.reload()) {
        try {
          return TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, keys.masterAead(), ad, CONFIG);
        } catch (GeneralSecurityException second) {
          second.addSuppressed(first);
          throw new StoreException("cannot unwrap a key: wrong master keyset or tampered key row", second);
        }
      }
      throw new StoreException("cannot unwrap a key: wrong master keyset or tampered key row", first);
    }
  }

  private static byte[] subjectAd(String ref) {
    return Bytes.fields("veil.subject-key.v1", ref);
  }

  private static byte[] systemAd(String name) {
    return Bytes.fields("veil.system-key.v1", name);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
