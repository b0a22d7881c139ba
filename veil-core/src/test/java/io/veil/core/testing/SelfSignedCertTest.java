package io.veil.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertTest {
  @TempDir Path dir;

  private static List<Object> altName(int type, String value) {
    return List.of(type, value);
  }

  @Test
  void coversLoopbackAndIsSelfSigned() throws Exception {
    SelfSignedCert c = SelfSignedCert.create();
    c.cert().checkValidity();
    c.cert().verify(c.keys().getPublic());
    assertThat(c.cert().getSubjectX500Principal()).isEqualTo(c.cert().getIssuerX500Principal());
    assertThat(c.cert().getSubjectAlternativeNames()).containsExactlyInAnyOrder(altName(7, "127.0.0.1"), altName(2, "localhost"));
    assertThat(SelfSignedCert.forDnsName("veil.example.com").cert().getSubjectAlternativeNames())
        .containsExactly(altName(2, "veil.example.com"));
  }

  @Test
  void aNegativeValidityIsExpired() throws Exception {
    assertThatThrownBy(() -> SelfSignedCert.create(Duration.ofHours(-1)).cert().checkValidity())
        .isInstanceOf(CertificateExpiredException.class);
  }

  @Test
  void thePemFilesReadBackAsTheCertificateAndItsKey() throws Exception {
    SelfSignedCert c = SelfSignedCert.create();
    List<Path> files = c.writePem(dir.resolve("made/here"), List::of);
    assertThat(files).containsExactly(dir.resolve("made/here/cert.pem"), dir.resolve("made/here/key.pem"));
    X509Certificate read;
    try (var in = Files.newInputStream(files.get(0))) {
      read = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    assertThat(read).isEqualTo(c.cert());
    String key = Files.readString(files.get(1));
    assertThat(key).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("\n-----END PRIVATE KEY-----\n");
    byte[] der = Base64.getMimeDecoder().decode(key.replaceAll("-----[A-Z ]+-----", ""));
    assertThat(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der))).isEqualTo(c.keys().getPrivate());
  }
}
