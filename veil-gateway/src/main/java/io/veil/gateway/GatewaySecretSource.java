package io.veil.gateway;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * Where the gateway secret comes from: the data directory's {@code gateway-secret} file (created on the first
 * start, owner-only), or the environment, for instances that must share it without an init step copying it into
 * each data directory (a Kubernetes Secret is mounted as a link to a root-owned 0644 file, which the data
 * directory's owner-only rule refuses):
 *
 * <ul>
 *   <li>{@value #VARIABLE}: the secret as the file holds it, base64 of at least 32 bytes;
 *   <li>{@value #FILE_VARIABLE}: a file holding that, read like the other {@code _FILE} secrets of
 *       {@link ConfigLoader} (whole, at most 64 KiB, surrounding white space removed; links followed and no
 *       owner-only rule: the operator owns that mount).
 * </ul>
 *
 * At most one of them; either is validated when the configuration is loaded, and every user of the secret (the
 * hashes, privacy links, the database verifier of {@link Governance#requireGatewaySecret}) then uses it instead
 * of the data directory's file, which is neither read nor written.
 *
 * <p>Thread safety: immutable. Failure: {@link #fromEnvironment} throws {@link IllegalArgumentException} with one
 * line naming the variable (and the file), never the value.
 *
 * <p><b>Security:</b> holds the secret. {@link #toString()} and {@link #describe} name the source only; the raw
 * secret never leaves the package ({@link #open} gives a {@link GatewaySecret}, which only hashes and derives).
 */
public final class GatewaySecretSource {
  /** The secret itself (base64), as the data directory's file holds it. */
  public static final String VARIABLE = "VEIL_GATEWAY_SECRET";
  /** A file holding {@link #VARIABLE}'s value (a mounted Secret). */
  public static final String FILE_VARIABLE = "VEIL_GATEWAY_SECRET_FILE";

  private static final GatewaySecretSource DATA_DIRECTORY = new GatewaySecretSource(null, null, null);

  /** Null: the data directory's file. */
  private final GatewaySecret secret;
  /** The variable, and for the file form the path; never the value. Null for the data directory. */
  private final String name;
  /** For {@value #FILE_VARIABLE}: the file it names, absolute; null otherwise. */
  private final Path file;

  private GatewaySecretSource(GatewaySecret secret, String name, Path file) {
    this.secret = secret;
    this.name = name;
    this.file = file;
  }

  /** The data directory's {@code gateway-secret} (created if missing): the default. */
  public static GatewaySecretSource dataDirectory() {
    return DATA_DIRECTORY;
  }

  /**
   * The source the environment names: {@value #VARIABLE}, {@value #FILE_VARIABLE}, or the data directory when
   * neither is set (blank counts as unset).
   *
   * @throws IllegalArgumentException if both are set, the file is missing, unreadable, empty or over 64 KiB, or
   *     the value is not base64 of at least 32 bytes (the message names the variable, never the value)
   */
  public static GatewaySecretSource fromEnvironment(Map<String, String> env) {
    String value = blank(env.get(VARIABLE)) ? null : env.get(VARIABLE);
    String file = blank(env.get(FILE_VARIABLE)) ? null : env.get(FILE_VARIABLE).strip();
    if (value != null && file != null) {
      throw new IllegalArgumentException(VARIABLE + " and " + FILE_VARIABLE + " are both set; set one");
    }
    if (value != null) {
      return new GatewaySecretSource(decode(value, VARIABLE), VARIABLE, null);
    }
    if (file == null) {
      return DATA_DIRECTORY;
    }
    Path path = Path.of(file).toAbsolutePath().normalize();
    String what = FILE_VARIABLE + " (" + path + ")";
    return new GatewaySecretSource(decode(ConfigLoader.readSecret(Path.of(file), FILE_VARIABLE), what), what, path);
  }

  /** True when the secret is the data directory's file (neither variable set). */
  public boolean inDataDirectory() {
    return secret == null;
  }

  /**
   * The source in words, for {@code veil doctor} and errors: the variable (and the file), or the data
   * directory's file. Never the value.
   */
  public String describe(Path dataDir) {
    return secret == null ? dataDir.toAbsolutePath().normalize().resolve(GatewaySecret.FILE).toString() : name;
  }

  /**
   * Deletes the data directory's {@code gateway-secret} when this source leaves it unused: the secret comes from the
   * environment, and {@value #FILE_VARIABLE} does not name that very file (or a link to it). For after the
   * environment's secret was adopted ({@code veil serve --adopt-gateway-secret}): the file then holds a previous
   * secret (or a copy of this one) that no instance on the database may use any more; left there, it keys the
   * {@code user} hashes already sent upstream, and a command run without the variable would sign privacy links with
   * it that no gateway accepts. A link at that path is removed, never what it points to.
   *
   * @return the file deleted; empty when there was none, or the secret is that file's
   * @throws IOException if it cannot be deleted (it is then still there)
   */
  public java.util.Optional<Path> deleteUnusedFile(Path dataDir) throws java.io.IOException {
    Path there = dataDir.toAbsolutePath().normalize().resolve(GatewaySecret.FILE);
    if (secret == null || !java.nio.file.Files.exists(there, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return java.util.Optional.empty();
    }
    if (file != null && (file.equals(there) || sameFile(file, there))) {
      return java.util.Optional.empty(); // the variable names it: it is the secret in use
    }
    return java.nio.file.Files.deleteIfExists(there) ? java.util.Optional.of(there) : java.util.Optional.empty();
  }

  /** True if both paths reach the same file (links followed); false if either cannot be reached. */
  private static boolean sameFile(Path a, Path b) {
    try {
      return java.nio.file.Files.isSameFile(a, b);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** The secret: this source's, or the data directory's file (created if missing). */
  GatewaySecret open(Path dataDir) {
    return secret != null ? secret : GatewaySecret.loadOrCreate(dataDir);
  }

  @Override
  public String toString() {
    return secret == null ? "DATA_DIR/" + GatewaySecret.FILE : name;
  }

  private static GatewaySecret decode(String base64, String what) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      // the decoder's message quotes the offending character: part of the secret
      throw new IllegalArgumentException(what + " is not base64 (it holds the gateway secret as the data"
          + " directory's gateway-secret file does: base64 of 32 random bytes, e.g. from openssl rand -base64 32)");
    }
    try {
      if (raw.length < GatewaySecret.MIN_BYTES) {
        throw new IllegalArgumentException(what + " holds " + raw.length + " bytes; the gateway secret needs at"
            + " least " + GatewaySecret.MIN_BYTES + " (openssl rand -base64 32)");
      }
      return GatewaySecret.of(raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
