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
}
