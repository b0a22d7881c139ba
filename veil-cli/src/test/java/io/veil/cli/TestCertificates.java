package io.veil.cli;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed certificates for the gateway's TLS listener in CLI tests, as {@code openssl req -x509} makes them. */
final class TestCertificates {
  private TestCertificates() {}

  /** A PEM pair (server certificate, PKCS#8 key). */
  record Pem(Path certificate, Path privateKey) {}

  /** A fresh self-signed EC certificate for 127.0.0.1, valid for an hour: {@code cert.pem} and {@code key.pem} in {@code dir}. */
  static Pem selfSigned(Path dir) throws Exception {
    Files.createDirectories(dir);
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(256);
    KeyPair pair = gen.generateKeyPair();
    X500Name name = new X500Name("CN=localhost");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), name, pair.getPublic());
    builder.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    byte[] cert = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())).getEncoded();
    Pem pem = new Pem(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    Files.writeString(pem.certificate(), pem("CERTIFICATE", cert));
    Files.writeString(pem.privateKey(), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    return pem;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
