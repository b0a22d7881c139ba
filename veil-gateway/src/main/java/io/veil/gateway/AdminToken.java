package io.veil.gateway;

import io.veil.core.files.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The admin API's bearer token: configured ({@code admin.token} / {@code VEIL_ADMIN_TOKEN}), else read
 * from {@code DATA_DIR/admin-token}, which is generated (256 random bits, mode 0600) on first use.
 *
 * <p>Thread safety: immutable. <b>Security:</b> compared in constant time (of equal-length SHA-256
 * digests, so the length leaks nothing either); never logged; {@link #toString()} hides it.
 */
public final class AdminToken {
  /** File name in the data directory. */
  public static final String FILE = "admin-token";
  private final byte[] digest;

  private AdminToken(String token) {
    if (token.length() < 16) {
      throw new IllegalArgumentException("the admin token must be at least 16 characters");
    }
    this.digest = sha256(token);
  }

  /** The configured token, or the data directory's (created when missing). */
  public static AdminToken loadOrCreate(Path dataDir, String configured) {
    if (configured != null && !configured.isBlank()) {
      return new AdminToken(configured.strip());
    }
    Path file = dataDir.resolve(FILE);
    try {
      OwnerOnlyFiles.dataDirectory(dataDir); // also when started as a library, not by veil serve
      OwnerOnlyFiles.createIfAbsent(file, () -> { // another instance on this directory may have made it: theirs
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return ("veil-admin-" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw))
            .getBytes(StandardCharsets.US_ASCII);
      });
      // never through a link planted at the path (its planter would choose the token), never one others can read
      return new AdminToken(new String(OwnerOnlyFiles.readSecret(file, 4096), StandardCharsets.US_ASCII).strip());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the admin token: " + e.getMessage(), e);
    }
  }

  /** True if {@code presented} is the token (constant time). */
  public boolean matches(String presented) {
    return presented != null && MessageDigest.isEqual(digest, sha256(presented.strip()));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "AdminToken[<redacted>]";
  }
}
