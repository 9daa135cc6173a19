package dev.airlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuardTrustStoreTest {
    /** A self-signed P-256 CA certificate (public; its key was discarded). */
    private static final String CA = """
            -----BEGIN CERTIFICATE-----
            MIIBizCCATGgAwIBAgIUNKJmNMNgyGKBU2xnytmvgtKY+zgwCgYIKoZIzj0EAwIw
            GjEYMBYGA1UEAwwPYWlybG9jayB0ZXN0IGNhMCAXDTI2MTIwNzE3NDg1OVoYDzIx
            MjYxMTEzMTc0ODU5WjAaMRgwFgYDVQQDDA9haXJsb2NrIHRlc3QgY2EwWTATBgcq
            hkjOPQIBBggqhkjOPQMBBwNCAAT71ahDkSohT4XETBMKnO7/xQYxbKcUQM9ftRBi
            Y6RQoLfr66YMgXJn750zKinKN4QTiPvlJhsn0l2zFyVPwHSpo1MwUTAdBgNVHQ4E
            FgQUoPiZZSgaQ9uB6tDd16NqBNJCaZ4wHwYDVR0jBBgwFoAUoPiZZSgaQ9uB6tDd
            16NqBNJCaZ4wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiAxSBzZ
            h/4dJ9KqNtbdeamx+DW2UgnjXat+hCPGy9k+CwIhAP1N68yopeoCvO68LPjx8/LP
            /aOHU5Wd7PoAGw4MdqLa
            -----END CERTIFICATE-----
            """;

    @Test
    void theTrustStoreHoldsTheCaAsATrustedEntryAndOpensWithThePasswordTheSandboxNames(@TempDir Path dir)
            throws Exception {
        Path pem = Files.writeString(dir.resolve("ca.pem"), CA);
        Path store = dir.resolve("guard-truststore.p12");
        GuardTrustStore.write(pem, store);
        for (char[] password : new char[][] {"airlock".toCharArray(), null}) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, password);
            }
            assertThat(ks.size()).isEqualTo(1);
            assertThat(ks.isCertificateEntry("airlock-guard-0")).isTrue();
            assertThat(((X509Certificate) ks.getCertificate("airlock-guard-0")).getSubjectX500Principal().getName())
                    .isEqualTo("CN=airlock test ca");
        }
    }
}
