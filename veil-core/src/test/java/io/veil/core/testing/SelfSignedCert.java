package io.veil.core.testing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.function.BiFunction;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed certificate (RSA 2048, subject and issuer {@code CN=localhost}, as {@code openssl req -x509} makes
 * one), generated per test with BouncyCastle: the one certificate maker of the gateway's and the CLI's TLS tests.
 *
 * <p>Thread safety: immutable. Test code only: the key is fresh and never leaves the test's files.
 */
public record SelfSignedCert(X509Certificate cert, KeyPair keys) {
  /** For 127.0.0.1 and localhost, valid for an hour. */
  public static SelfSignedCert create() throws Exception {
    return create(Duration.ofHours(1));
  }

  /** For 127.0.0.1 and localhost; valid from a minute before until {@code validity} from now (negative: expired). */
  public static SelfSignedCert create(Duration validity) throws Exception {
    return create(validity, new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
        new GeneralName(GeneralName.dNSName, "localhost"));
  }

  /** A certificate for one DNS name only, as a service's certificate is (no loopback name or address). */
  public static SelfSignedCert forDnsName(String name) throws Exception {
    return create(Duration.ofHours(1), new GeneralName(GeneralName.dNSName, name));
  }

  private static SelfSignedCert create(Duration validity, GeneralName... altNames) throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    KeyPair pair = gen.generateKeyPair();
    X500Name name = new X500Name("CN=localhost");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(validity.isNegative() ? now.plus(validity).minus(Duration.ofDays(2)) : now.minusSeconds(60)),
        Date.from(now.plus(validity)), name, pair.getPublic());
    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames));
    X509Certificate cert = new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
    return new SelfSignedCert(cert, pair);
  }

  /**
   * Writes {@code cert.pem} and {@code key.pem} (PKCS#8) into {@code dir}, made if missing, and returns
   * {@code files} of their paths (certificate, key): {@code writePem(dir, TlsConfig::new)}.
   */
  public <T> T writePem(Path dir, BiFunction<Path, Path, T> files) throws Exception {
    Files.createDirectories(dir);
    Path certPem = dir.resolve("cert.pem");
    Path keyPem = dir.resolve("key.pem");
    Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyPem, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    return files.apply(certPem, keyPem);
  }

  /** A client context trusting only this certificate. */
  public SSLContext trusting() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("veil", cert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** A server context presenting this certificate. */
  public SSLContext serving() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("veil", keys.getPrivate(), new char[0], new Certificate[] {cert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
