package dev.airlock.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

    @Test
    void createdOnFirstStartWithPrivateKeyFileAndReloadedAfterwards(@TempDir Path dir) throws Exception {
        Path caDir = dir.resolve("ca");
        CertificateAuthority first = CertificateAuthority.loadOrCreate(caDir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(caDir.resolve("ca.key")))).isEqualTo("rw-------");
        assertThat(Files.readString(caDir.resolve("ca.pem"))).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(caDir.resolve("ca.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
        CertificateAuthority again = CertificateAuthority.loadOrCreate(caDir);
        assertThat(again.certificate()).isEqualTo(first.certificate());
        assertThat(first.certificate().getBasicConstraints()).isEqualTo(0);
    }

    @Test
    void leafIsSignedByTheCaForExactlyTheHost(@TempDir Path dir) throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir);
        X509Certificate leaf = ca.mintLeaf("api.example.com");
        leaf.verify(ca.certificate().getPublicKey());
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(java.util.List.of(2, "api.example.com"));
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(ca.serverContext("api.example.com")).isSameAs(ca.serverContext("api.example.com"));
    }

    @Test
    void looseKeyPermissionsAreRefused(@TempDir Path dir) throws Exception {
        CertificateAuthority.loadOrCreate(dir);
        Files.setPosixFilePermissions(dir.resolve("ca.key"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir)).hasMessageContaining("0600");
    }

    @Test
    void caFilesThatAreNotPemOrNotTheRightObjectAreRefused(@TempDir Path dir) throws Exception {
        CertificateAuthority.loadOrCreate(dir);
        String cert = Files.readString(dir.resolve("ca.pem"));
        Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir)).hasMessageContaining("PEM CERTIFICATE");
        Files.writeString(dir.resolve("ca.pem"), cert.replace("-----BEGIN CERTIFICATE-----\n", "-----BEGIN CERTIFICATE-----\n!"));
        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir)).isInstanceOf(java.io.IOException.class);
        Files.writeString(dir.resolve("ca.pem"), Files.readString(dir.resolve("ca.key"))
                .replace("PRIVATE KEY", "CERTIFICATE"));
        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir)).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void keyOfAnotherCaIsRefusedNamingBothFilesAndTheCommandThatStartsOver(@TempDir Path dir) throws Exception {
        Path caDir = dir.resolve("ca");
        CertificateAuthority.loadOrCreate(caDir);
        CertificateAuthority.loadOrCreate(dir.resolve("other"));
        writeKey(caDir, Files.readString(dir.resolve("other").resolve("ca.key")));
        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(caDir)).isInstanceOf(IOException.class)
                .hasMessageContaining(caDir.resolve("ca.key") + " does not match " + caDir.resolve("ca.pem"))
                .hasMessageContaining("rm " + caDir.resolve("ca.key") + " " + caDir.resolve("ca.pem")
                        + " && airlock proxy --export-ca --ca-dir " + caDir);
    }

    @Test
    void aPairProvedOnceIsNotProvedAgainButAnyChangeIsProvedAfresh(@TempDir Path dir) throws Exception {
        Path caDir = dir.resolve("ca");
        CertificateAuthority created = CertificateAuthority.loadOrCreate(caDir);
        Path record = caDir.resolve(CaKeyProof.FILE);
        assertThat(record).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(record))).isEqualTo("rw-------");
        // A CA made by an older guard has no record: proved at its first load, recorded for the next.
        Files.delete(record);
        assertThat(CertificateAuthority.loadOrCreate(caDir).certificate()).isEqualTo(created.certificate());
        String proved = Files.readString(record);
        assertThat(proved).startsWith("sha256 ").doesNotContain(Files.readString(caDir.resolve("ca.key")).substring(28, 60));
        // A record of another pair does not vouch for this one.
        CertificateAuthority.loadOrCreate(dir.resolve("other"));
        writeKey(caDir, Files.readString(dir.resolve("other").resolve("ca.key")));
        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(caDir)).hasMessageContaining("does not match");
        assertThat(Files.readString(record)).isEqualTo(proved);
    }

    @Test
    void truncatedOrGarbageKeyIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        CertificateAuthority.loadOrCreate(dir);
        String key = Files.readString(dir.resolve("ca.key"));
        String body = key.substring(key.indexOf('\n') + 1, key.indexOf("-----END"));
        // Cut at a whole base64 group so that the decoder accepts it: the DER itself is short.
        String truncated = key.replace(body, body.substring(0, 40) + "\n");
        writeKey(dir, truncated);
        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir))
                .hasMessageContaining("CA key " + dir.resolve("ca.key") + " is not a readable PKCS#8 EC private key")
                .hasMessageContaining("airlock proxy --export-ca --ca-dir " + dir);
        byte[] garbage = new byte[67];
        new SecureRandom().nextBytes(garbage);
        garbage[0] = 0x04; // not a SEQUENCE: never a PKCS#8 structure by chance
        writeKey(dir, pem("PRIVATE KEY", garbage));
        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir))
                .hasMessageContaining("CA key " + dir.resolve("ca.key") + " is not a readable PKCS#8 EC private key");
        writeKey(dir, key.replace(body, body.replace('A', '%')));
        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir))
                .hasMessageContaining(dir.resolve("ca.key") + " holds a PEM PRIVATE KEY that is not base64");
        writeKey(dir, "\u00ff\u0000binary\n");
        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir))
                .hasMessageContaining(dir.resolve("ca.key") + " does not hold a PEM PRIVATE KEY");
    }

    @Test
    void keyOfAnotherTypeIsRefusedSayingWhichType(@TempDir Path dir) throws Exception {
        CertificateAuthority.loadOrCreate(dir);
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        writeKey(dir, pem("PRIVATE KEY", rsa.generateKeyPair().getPrivate().getEncoded()));
        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir))
                .hasMessageContaining("CA key " + dir.resolve("ca.key") + " holds an RSA key, not the EC key");
        writeKey(dir, pem("PRIVATE KEY", KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded()));
        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir)).hasMessageContaining("holds an Ed25519 key");
    }

    @Test
    void certificateOfAnotherKeyTypeDoesNotMatchTheKey(@TempDir Path dir) throws Exception {
        CertificateAuthority.loadOrCreate(dir);
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair pair = rsa.generateKeyPair();
        Instant now = Instant.now();
        writeCert(dir, certificate(pair, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), true,
                KeyUsage.keyCertSign, "SHA256withRSA"));
        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir)).hasMessageContaining("does not match");
    }

    @Test
    void certificateThatIsNotACaIsRefused(@TempDir Path dir) throws Exception {
        CertificateAuthority.loadOrCreate(dir);
        KeyPair pair = ecPair();
        Instant now = Instant.now();
        // The key matches: only the certificate's constraints are wrong.
        writeKey(dir, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        writeCert(dir, certificate(pair, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), false,
                KeyUsage.keyCertSign, "SHA256withECDSA"));
        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir))
                .hasMessageContaining("CA certificate " + dir.resolve("ca.pem") + " is not a CA certificate")
                .hasMessageContaining("airlock proxy --export-ca --ca-dir " + dir);
        writeCert(dir, certificate(pair, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), true,
                KeyUsage.digitalSignature, "SHA256withECDSA"));
        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir))
                .hasMessageContaining(dir.resolve("ca.pem") + " has a keyUsage without keyCertSign");
        // The same pair as a proper CA loads, and issues.
        writeCert(dir, certificate(pair, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), true,
                KeyUsage.keyCertSign | KeyUsage.cRLSign, "SHA256withECDSA"));
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir);
        ca.mintLeaf("api.example.com").verify(pair.getPublic());
    }

    @Test
    void certificateOutOfItsValidityIsRefused(@TempDir Path dir) throws Exception {
        CertificateAuthority.loadOrCreate(dir);
        KeyPair pair = ecPair();
        Instant now = Instant.now();
        writeKey(dir, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        writeCert(dir, certificate(pair, now.minus(Duration.ofDays(900)), now.minus(Duration.ofDays(75)), true,
                KeyUsage.keyCertSign, "SHA256withECDSA"));
        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir))
                .hasMessageContaining("CA certificate " + dir.resolve("ca.pem") + " expired on ")
                .hasMessageContaining("airlock proxy --export-ca --ca-dir " + dir);
        writeCert(dir, certificate(pair, now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(800)), true,
                KeyUsage.keyCertSign, "SHA256withECDSA"));
        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir))
                .hasMessageContaining(dir.resolve("ca.pem") + " is not valid before ").hasMessageContaining("clock");
    }

    private static KeyPair ecPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** A self-signed certificate with the given validity, basicConstraints cA and keyUsage bits. */
    private static byte[] certificate(KeyPair pair, Instant from, Instant to, boolean ca, int keyUsage,
                                      String signature) throws Exception {
        X500Name name = new X500Name("CN=test CA,O=Airlock test");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(7), Date.from(from),
                Date.from(to), name, pair.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
        PrivateKey key = pair.getPrivate();
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(signature).build(key)))
                .getEncoded();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void writeKey(Path dir, String text) throws IOException {
        Files.writeString(dir.resolve("ca.key"), text, java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.setPosixFilePermissions(dir.resolve("ca.key"), PosixFilePermissions.fromString("rw-------"));
    }

    private static void writeCert(Path dir, byte[] der) throws IOException {
        Files.writeString(dir.resolve("ca.pem"), pem("CERTIFICATE", der));
    }
}
