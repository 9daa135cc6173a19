package dev.airlock.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
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
}
