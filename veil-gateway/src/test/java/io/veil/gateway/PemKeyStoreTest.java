package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.testing.SelfSignedCert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deployment mistakes with the listener's PEM files are refused at start with a line naming the file
 * and the mistake, instead of a listener that starts and then fails every handshake.
 */
class PemKeyStoreTest {
  @TempDir
  Path dir;

  @Test
  void aMatchingPairLoads() throws Exception {
    TlsConfig tls = SelfSignedCert.create().writePem(dir, TlsConfig::new);
    tls.check();
    assertThat(PemKeyStore.load(tls, new char[0]).getCertificateChain("veil")).hasSize(1);
  }

  @Test
  void aChainFileWithTheLeafFirstLoadsWhole() throws Exception {
    SelfSignedCert leaf = SelfSignedCert.create();
    TlsConfig tls = leaf.writePem(dir, TlsConfig::new);
    Path ca = Files.createDirectory(dir.resolve("ca"));
    TlsConfig other = SelfSignedCert.create().writePem(ca, TlsConfig::new);
    Files.writeString(tls.certificate(), Files.readString(tls.certificate()) + Files.readString(other.certificate()));
    assertThat(PemKeyStore.load(tls, new char[0]).getCertificateChain("veil")).hasSize(2);
  }

  @Test
  void aKeyThatDoesNotBelongToTheCertificateIsRefused() throws Exception {
    // before: accepted; the listener started and every client handshake failed
    TlsConfig tls = SelfSignedCert.create().writePem(dir, TlsConfig::new);
    Path other = Files.createDirectory(dir.resolve("other"));
    TlsConfig stranger = SelfSignedCert.create().writePem(other, TlsConfig::new);
    TlsConfig mixed = new TlsConfig(tls.certificate(), stranger.privateKey());
    assertThatThrownBy(mixed::check).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not belong to").hasMessageContaining(stranger.privateKey().toString());
  }

  @Test
  void anExpiredCertificateIsRefused() throws Exception {
    TlsConfig tls = SelfSignedCert.create(Duration.ofHours(-1)).writePem(dir, TlsConfig::new);
    assertThatThrownBy(tls::check).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expired").hasMessageContaining(tls.certificate().toString());
  }

  @Test
  void anEncryptedOrLegacyKeyGetsTheConversionCommand() throws Exception {
    TlsConfig tls = SelfSignedCert.create().writePem(dir, TlsConfig::new);
    Files.writeString(tls.privateKey(), "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkq\n"
        + "-----END ENCRYPTED PRIVATE KEY-----\n");
    assertThatThrownBy(tls::check).hasMessageContaining("encrypted").hasMessageContaining("openssl pkcs8 -topk8 -nocrypt")
        .hasMessageNotContaining("MIIBvTBX");
    Files.writeString(tls.privateKey(), "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIOr\n-----END EC PRIVATE KEY-----\n");
    assertThatThrownBy(tls::check).hasMessageContaining("openssl pkcs8 -topk8 -nocrypt").hasMessageNotContaining("MHcCAQEEIOr");
  }

  /** qa8: "TLS certificate file not found: cert.pem" did not say that a relative path is read from the current directory. */
  @Test
  void aMissingRelativeFileIsNamedWithTheDirectoryItWasLookedFor() {
    TlsConfig tls = new TlsConfig(Path.of("qa8-no-such-cert.pem"), Path.of("qa8-no-such-key.pem"));
    assertThatThrownBy(tls::check).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("TLS certificate file not found: qa8-no-such-cert.pem (relative to the current directory "
            + Path.of("").toAbsolutePath() + ")");
  }
}
