package dev.airlock.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/** The guard's CA as a PKCS#12 trust store for JVMs inside the sandbox (public certificates: nothing to protect). */
final class GuardTrustStore {
    private GuardTrustStore() {
    }

    static void write(Path pem, Path out) throws IOException {
        try (InputStream in = Files.newInputStream(pem); OutputStream os = Files.newOutputStream(out)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("airlock-guard-" + i++, c);
            }
            if (i == 0) {
                throw new IOException("no certificate in " + pem);
            }
            // Stored without a password: no MAC and no certificate encryption, which with a published password
            // protected nothing and cost each sandbox start two 10,000-round PBKDF2 derivations (~50 ms of CPU on
            // the coding phase's path). JVMs inside still open it with the password JAVA_TOOL_OPTIONS names: a
            // PKCS#12 file without a MAC loads under any password.
            ks.store(os, null);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build the guard trust store from " + pem + ": " + e.getMessage(), e);
        }
    }
}
