package io.veil.core.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.Aead;
import io.veil.core.files.OwnerOnlyFiles;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.mac.HmacParameters;
import com.google.crypto.tink.mac.MacConfig;
import io.veil.core.VeilException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;

/**
 * The keys behind the {@code hash} and {@code encrypt} operators and {@code Veil.anonymize}: a Tink
 * HMAC-SHA256 keyset and a Tink AES-256-GCM keyset. Callers get Tink primitives, never key bytes.
 *
 * <p>Sources: {@link #generate()} (in memory, lost at exit: hashes and ciphertexts are then not stable
 * across restarts), {@link #load(Path)} / {@link #fromEnv(String)} (a JSON document
 * {@code {"mac": <Tink JSON keyset>, "aead": <Tink JSON keyset>}}), or {@link #of(KeysetHandle,
 * KeysetHandle)} for keysets a key store has unwrapped (the seam for master-key wrapping and rotation).
 *
 * <p>Thread safety: immutable; the primitives are thread-safe.
 *
 * <p><b>Security:</b> the file and environment forms hold the keys in clear text: protect them like a
 * password (mode 0600, a secrets manager). {@link #toString()} prints no key material; exceptions carry
 * none.
 */
public final class VeilKeys {
  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    try {
      MacConfig.register();
      AeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError("cannot register Tink primitives: " + e.getClass().getSimpleName());
    }
  }

  private final KeysetHandle macKeyset;
  private final KeysetHandle aeadKeyset;
  private final Mac mac;
  private final Aead aead;

  private VeilKeys(KeysetHandle macKeyset, KeysetHandle aeadKeyset) {
    this.macKeyset = Objects.requireNonNull(macKeyset, "macKeyset");
    this.aeadKeyset = Objects.requireNonNull(aeadKeyset, "aeadKeyset");
    try {
      this.mac = macKeyset.getPrimitive(RegistryConfiguration.get(), Mac.class);
      this.aead = aeadKeyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
    } catch (GeneralSecurityException e) {
      throw new VeilException("keysets are not a MAC and an AEAD keyset: " + e.getClass().getSimpleName());
    }
  }

  /** Fresh random keys, held only in memory. */
  public static VeilKeys generate() {
    try {
      HmacParameters hmac = HmacParameters.builder()
          .setKeySizeBytes(32)
          .setTagSizeBytes(32)
          .setHashType(HmacParameters.HashType.SHA256)
          .setVariant(HmacParameters.Variant.NO_PREFIX)
          .build();
      return new VeilKeys(
          KeysetHandle.generateNew(hmac), KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM));
    } catch (GeneralSecurityException e) {
      throw new VeilException("cannot generate keys: " + e.getClass().getSimpleName());
    }
  }

  /** Keys from keysets unwrapped elsewhere (for example by a key store with a master key). */
  public static VeilKeys of(KeysetHandle macKeyset, KeysetHandle aeadKeyset) {
    return new VeilKeys(macKeyset, aeadKeyset);
  }

  /** Reads keys written by {@link #writeCleartext(Path)}. */
  public static VeilKeys load(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new VeilException("cannot read the key file: " + e.getClass().getSimpleName());
    }
  }

  /** Reads keys from an environment variable holding the key document, plain or base64-encoded. */
  public static VeilKeys fromEnv(String variable) {
    String v = System.getenv(variable);
    if (v == null || v.isBlank()) {
      throw new VeilException("environment variable " + variable + " is not set");
    }
    String doc = v.strip();
    if (!doc.startsWith("{")) {
      try {
        doc = new String(Base64.getDecoder().decode(doc), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new VeilException("environment variable " + variable + " is neither JSON nor base64");
      }
    }
    return parse(doc);
  }

  private static VeilKeys parse(String document) {
    try {
      JsonNode root = JSON.readTree(document);
      if (root == null || !root.path("mac").isObject() || !root.path("aead").isObject()) {
        throw new VeilException("key document must have the objects \"mac\" and \"aead\"");
      }
      return new VeilKeys(
          TinkJsonProtoKeysetFormat.parseKeyset(root.get("mac").toString(), InsecureSecretKeyAccess.get()),
          TinkJsonProtoKeysetFormat.parseKeyset(root.get("aead").toString(), InsecureSecretKeyAccess.get()));
    } catch (IOException | GeneralSecurityException e) {
      throw new VeilException("key document is not valid: " + e.getClass().getSimpleName());
    }
  }

  /**
   * Writes the keys in clear text, whole or not at all, through {@link OwnerOnlyFiles#write} (0600 from creation, a
   * link at {@code file} replaced, not followed; refused on a file system without POSIX permissions).
   * <b>Security:</b> anyone who reads the file can restore encrypted tokens and link hashes.
   */
  public void writeCleartext(Path file) {
    try {
      ObjectNode root = JSON.createObjectNode();
      root.set("mac", JSON.readTree(
          TinkJsonProtoKeysetFormat.serializeKeyset(macKeyset, InsecureSecretKeyAccess.get())));
      root.set("aead", JSON.readTree(
          TinkJsonProtoKeysetFormat.serializeKeyset(aeadKeyset, InsecureSecretKeyAccess.get())));
      OwnerOnlyFiles.write(file, root.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException | GeneralSecurityException e) {
      throw new VeilException("cannot write the key file: " + e.getClass().getSimpleName());
    }
  }

  /** HMAC-SHA256 (untruncated 32-byte tags, no key-id prefix). */
  public Mac mac() {
    return mac;
  }

  /** AES-256-GCM; ciphertexts carry a Tink key-id prefix, so rotated keysets still decrypt. */
  public Aead aead() {
    return aead;
  }

  @Override
  public String toString() {
    return "VeilKeys[mac keys=" + macKeyset.size() + ", aead keys=" + aeadKeyset.size() + "]";
  }
}
