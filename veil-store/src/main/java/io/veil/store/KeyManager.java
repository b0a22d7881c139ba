package io.veil.store;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.mac.MacConfig;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import io.veil.core.files.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Objects;

/**
 * The store's two root keysets: the <b>master</b> AEAD keyset that wraps every other key (subject data
 * keys, the store's HMAC keys) and the <b>signing</b> Ed25519 keyset for audit checkpoints and erasure
 * receipts. Both are Tink keysets, loaded either from a key directory ({@code master.json},
 * {@code signing.json}, created on first use with mode 0600) or from environment variables
 * ({@value #MASTER_ENV}, {@value #SIGNING_ENV}, each holding the keyset JSON).
 *
 * <p>Callers never see key material: the class hands out Tink primitives only inside this package,
 * and the signing public keyset (no secrets) for external verifiers.
 *
 * <p>Thread safety: safe for concurrent use; {@link #rotateMaster()} swaps the keyset atomically.
 *
 * <p><b>Security:</b> a key file readable or writable by group or others is refused — copy it with
 * {@code install -m 600}. Several gateway instances must load the same keysets. Keep a backup of the
 * key directory apart from database backups: without the master keyset nothing in the database can
 * be decrypted, which is the point.
 */
public final class KeyManager {
  public static final String MASTER_ENV = "VEIL_MASTER_KEYSET";
  public static final String SIGNING_ENV = "VEIL_SIGNING_KEYSET";
  static final Configuration CONFIG;
  static final String MASTER_FILE = "master.json";
  static final String SIGNING_FILE = "signing.json";

  static {
    try {
      AeadConfig.register();
      MacConfig.register();
      SignatureConfig.register();
      CONFIG = RegistryConfiguration.get();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Path keyDir; // null when loaded from the environment
  private volatile KeysetHandle master;
  private volatile Aead masterAead;
  private final KeysetHandle signing;
  private final PublicKeySign signer;
  private final PublicKeyVerify verifier;

  private KeyManager(Path keyDir, KeysetHandle master, KeysetHandle signing) throws GeneralSecurityException {
    this.keyDir = keyDir;
    this.master = master;
    this.masterAead = JceAesGcm.of(master, CONFIG);
    this.signing = signing;
    this.signer = signing.getPrimitive(CONFIG, PublicKeySign.class);
    this.verifier = signing.getPublicKeysetHandle().getPrimitive(CONFIG, PublicKeyVerify.class);
  }

  /**
   * Loads the keysets from {@code keyDir}, creating the directory (0700) and fresh keysets (0600) where
   * they do not exist yet; an existing directory is made owner-only as {@link OwnerOnlyFiles#dataDirectory} says.
   *
   * @throws StoreException if a key file is group/world accessible, unreadable or not a valid keyset, or the
   *     directory is open to others and belongs to another user
   */
  public static KeyManager openOrCreate(Path keyDir) {
    Objects.requireNonNull(keyDir, "keyDir");
    try {
      OwnerOnlyFiles.dataDirectory(keyDir);
      Path masterFile = keyDir.resolve(MASTER_FILE);
      Path signingFile = keyDir.resolve(SIGNING_FILE);
      // publish-once: of processes starting on an empty directory at once, one's keysets are kept and every one
      // of them reads those (a replace would swap a key another process already uses)
      OwnerOnlyFiles.createIfAbsent(masterFile,
          () -> serialize(generate(PredefinedAeadParameters.AES256_GCM)));
      OwnerOnlyFiles.createIfAbsent(signingFile,
          () -> serialize(generate(PredefinedSignatureParameters.ED25519)));
      return new KeyManager(keyDir, readSecret(masterFile), readSecret(signingFile));
    } catch (IOException | UncheckedIOException | GeneralSecurityException e) {
      throw new StoreException("cannot open the key directory: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * Loads the keysets from the environment variables {@value #MASTER_ENV} and {@value #SIGNING_ENV}.
   * Such a manager cannot {@link #rotateMaster() rotate}: rotate the file-based keyset and update the
   * variable instead.
   *
   * @throws StoreException if a variable is missing or not a valid keyset
   */
  public static KeyManager fromEnvironment(Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    String m = env.get(MASTER_ENV);
    String s = env.get(SIGNING_ENV);
    if (m == null || m.isBlank() || s == null || s.isBlank()) {
      throw new StoreException("both " + MASTER_ENV + " and " + SIGNING_ENV + " must hold a Tink keyset (JSON)");
    }
    try {
      return new KeyManager(null, TinkJsonProtoKeysetFormat.parseKeyset(m, CONFIG, InsecureSecretKeyAccess.get()),
          TinkJsonProtoKeysetFormat.parseKeyset(s, CONFIG, InsecureSecretKeyAccess.get()));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new StoreException("the keysets in the environment are not valid Tink keysets", e);
    }
  }

  /**
   * The public half of the signing keyset that is already there, read only: from {@code signingKeysetJson} (the
   * value of {@value #SIGNING_ENV}) when it is not null, else from {@code keyDir}'s {@code signing.json}. Nothing
   * is created. For checking a receipt or checkpoint that another process (a running gateway) signed against the
   * keyset on this side, not against one that process hands over.
   *
   * @return empty when {@code signingKeysetJson} is null and the key directory holds no signing keyset
   * @throws StoreException if the keyset is there but cannot be read (a key file others can read is refused, as
   *     on {@link #openOrCreate}) or is not a valid keyset
   */
  public static java.util.Optional<String> existingSigningPublicKeyset(Path keyDir, String signingKeysetJson) {
    try {
      KeysetHandle h;
      if (signingKeysetJson != null) {
        h = TinkJsonProtoKeysetFormat.parseKeyset(signingKeysetJson, CONFIG, InsecureSecretKeyAccess.get());
      } else {
        Path file = Objects.requireNonNull(keyDir, "keyDir").resolve(SIGNING_FILE);
        if (!java.nio.file.Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
          return java.util.Optional.empty();
        }
        h = readSecret(file);
      }
      return java.util.Optional.of(TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(h.getPublicKeysetHandle(), CONFIG));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (e instanceof StoreException se) {
        throw se;
      }
      throw new StoreException("cannot read the signing keyset: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * Adds a fresh AES-256-GCM key to the master keyset and makes it primary; earlier keys stay in the
   * keyset so that everything wrapped with them stays readable. Persists the keyset file atomically
   * (mode 0600). Follow with {@link SubjectKeys#rewrapAll()} to move wrapped keys onto the new key.
   *
   * @return the number of keys in the master keyset after rotation
   * @throws StoreException if the manager was loaded from the environment or the file cannot be written
   */
  public synchronized int rotateMaster() {
    if (keyDir == null) {
      throw new StoreException("keysets loaded from the environment cannot be rotated in place");
    }
    try {
      KeysetHandle rotated = KeysetHandle.newBuilder(master)
          .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
              .withRandomId().makePrimary())
          .build();
      writeSecret(keyDir.resolve(MASTER_FILE), rotated);
      Aead aead = JceAesGcm.of(rotated, CONFIG);
      master = rotated;
      masterAead = aead;
      return rotated.size();
    } catch (IOException | GeneralSecurityException e) {
      throw new StoreException("master key rotation failed: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * Re-reads the master keyset file (after another instance rotated it).
   *
   * @return true if the keyset on disk differed from the one in memory and was loaded
   */
  public synchronized boolean reload() {
    if (keyDir == null) {
      return false;
    }
    try {
      KeysetHandle h = readSecret(keyDir.resolve(MASTER_FILE));
      if (h.equalsKeyset(master)) {
        return false;
      }
      masterAead = JceAesGcm.of(h, CONFIG);
      master = h;
      return true;
    } catch (IOException | GeneralSecurityException e) {
      throw new StoreException("cannot reload the master keyset: " + e.getClass().getSimpleName(), e);
    }
  }

  /** Number of keys in the master keyset (grows by one per rotation). */
  public int masterKeyCount() {
    return master.size();
  }

  /** The signing keyset's public half as Tink JSON, for verifying checkpoints and receipts elsewhere. */
  public String signingPublicKeyset() {
    try {
      return TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(signing.getPublicKeysetHandle(), CONFIG);
    } catch (GeneralSecurityException e) {
      throw new StoreException("cannot export the public signing keyset", e);
    }
  }

  Aead masterAead() {
    return masterAead;
  }

  byte[] sign(byte[] data) {
    try {
      return signer.sign(data);
    } catch (GeneralSecurityException e) {
      throw new StoreException("signing failed", e);
    }
  }

  boolean verify(byte[] signature, byte[] data) {
    try {
      verifier.verify(signature, data);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Verifies {@code signature} over {@code data} with a public keyset exported by {@link #signingPublicKeyset()}. */
  static boolean verifyWith(String publicKeysetJson, byte[] signature, byte[] data) {
    try {
      PublicKeyVerify v = TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(publicKeysetJson, CONFIG)
          .getPrimitive(CONFIG, PublicKeyVerify.class);
      v.verify(signature, data);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static KeysetHandle readSecret(Path file) throws IOException, GeneralSecurityException {
    byte[] json;
    try {
      // never through a link planted at the path (its planter would choose the key), never a file others can read
      json = OwnerOnlyFiles.readSecret(file, 1 << 20);
    } catch (java.nio.file.FileSystemException e) {
      throw new StoreException("refusing key file " + file + ": " + e.getReason(), e);
    }
    return TinkJsonProtoKeysetFormat.parseKeyset(new String(json, StandardCharsets.UTF_8), CONFIG,
        InsecureSecretKeyAccess.get());
  }

  /** Writes a keyset file whole or not at all, replacing what is there (rotation). */
  private static void writeSecret(Path file, KeysetHandle handle) throws IOException {
    OwnerOnlyFiles.write(file, serialize(handle));
  }

  /** A new keyset of one fresh key. */
  private static KeysetHandle generate(com.google.crypto.tink.Parameters parameters) {
    try {
      return KeysetHandle.generateNew(parameters, CONFIG);
    } catch (GeneralSecurityException e) {
      throw new StoreException("cannot generate a keyset", e);
    }
  }

  /** A keyset as Tink JSON. <b>Security:</b> holds the secret keys in clear. */
  private static byte[] serialize(KeysetHandle handle) {
    try {
      return TinkJsonProtoKeysetFormat.serializeKeyset(handle, CONFIG, InsecureSecretKeyAccess.get())
          .getBytes(StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new StoreException("cannot serialize a keyset", e);
    }
  }

  @Override
  public String toString() {
    return "KeyManager[" + (keyDir == null ? "environment" : "directory") + ", masterKeys=" + master.size() + "]";
  }
}
