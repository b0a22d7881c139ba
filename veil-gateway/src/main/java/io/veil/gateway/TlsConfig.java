package io.veil.gateway;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The gateway's own TLS listener: a PEM certificate chain and a PEM PKCS#8 private key
 * ({@code -----BEGIN PRIVATE KEY-----}; convert others with {@code openssl pkcs8 -topk8 -nocrypt}).
 */
public record TlsConfig(Path certificate, Path privateKey) {
  public TlsConfig {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
  }

  /**
   * Reads and parses the certificate chain and the key once, so a deployment mistake is reported
   * before anything is started or created.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it (never its content)
   */
  public void check() {
    PemKeyStore.load(this, new char[0]);
  }

  /**
   * The file as an error names it: a relative path with the directory it was read from (the current one,
   * not the YAML file's), so "not found" says where Veil looked.
   */
  static String located(Path file) {
    return file.isAbsolute() ? file.toString()
        : file + " (relative to the current directory " + Path.of("").toAbsolutePath() + ")";
  }
}
