package dev.airlock.proxy.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * The guard's local certificate authority. Created on first start in {@code dir} ({@code ca.key}, mode 0600;
 * {@code ca.pem}, the certificate clients must trust); afterwards loaded. Mints a leaf certificate per host on
 * demand (cached, bounded) so intercepted TLS connections present the name the client asked for.
 */
public final class CertificateAuthority {
    public static final String KEY_FILE = "ca.key";
    public static final String CERT_FILE = "ca.pem";
    private static final int MAX_CACHED_HOSTS = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PrivateKey caKey;
    private final X509Certificate caCert;
    /** Generated at the first leaf: a guard that intercepts nothing (most runs' agents) never pays for it. */
    private KeyPair leafKeys;
    private final Map<String, SslContext> contexts = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SslContext> eldest) {
            return size() > MAX_CACHED_HOSTS;
        }
    };

    private CertificateAuthority(PrivateKey caKey, X509Certificate caCert) {
        this.caKey = caKey;
        this.caCert = caCert;
    }

    /** One key for every leaf: minting stays fast, and the key never leaves this process. */
    private synchronized KeyPair leafKeys() {
        if (leafKeys == null) {
            leafKeys = newKeyPair();
        }
        return leafKeys;
    }

    /** Loads the CA from {@code dir}, creating it (and the directory, mode 0700) on first start. */
    public static CertificateAuthority loadOrCreate(Path dir) throws IOException {
        if (Files.exists(dir.resolve(KEY_FILE)) && Files.exists(dir.resolve(CERT_FILE))) {
            return load(dir.resolve(KEY_FILE), dir.resolve(CERT_FILE));
        }
        if (!Files.exists(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        // Several guards (one per concurrent run) may start on a fresh directory at once: one creates, the others
        // wait and load what it wrote.
        try (var creating = dev.airlock.core.fs.InterProcessLock.acquire(dir.resolve("ca.lock"))) {
            return loadOrCreateLocked(dir);
        }
    }

    private static CertificateAuthority loadOrCreateLocked(Path dir) throws IOException {
        Path keyFile = dir.resolve(KEY_FILE);
        Path certFile = dir.resolve(CERT_FILE);
        if (Files.exists(keyFile) && Files.exists(certFile)) {
            return load(keyFile, certFile);
        }
        if (Files.exists(keyFile) || Files.exists(certFile)) {
            throw new IOException("CA directory " + dir + " holds only one of " + KEY_FILE + " and " + CERT_FILE
                    + "; remove both to generate a new CA, or restore the missing one");
        }
        if (!Files.exists(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        KeyPair kp = newKeyPair();
        X509Certificate cert = CertificateIssuer.selfSignedCa(kp, RANDOM);
        byte[] keyPem = pem(kp.getPrivate()).getBytes(StandardCharsets.US_ASCII);
        byte[] certPem = pem(cert).getBytes(StandardCharsets.US_ASCII);
        try {
            Files.write(keyFile, keyPem, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another process created " + keyFile + " concurrently; start again", e);
        }
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        Files.write(certFile, certPem);
        CaKeyProof.record(dir, keyPem, certPem);
        return new CertificateAuthority(kp.getPrivate(), cert);
    }

    /**
     * Reads the two files and refuses the start unless they make a usable CA: an EC key, a CA certificate valid now,
     * and the key of that certificate (checks in {@link CaFiles} and {@link CaKeyProof}, all with the JDK's parsers).
     */
    private static CertificateAuthority load(Path keyFile, Path certFile) throws IOException {
        String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile));
        if (!perms.equals("rw-------") && !perms.equals("r--------")) {
            throw new IOException("CA key " + keyFile + " has mode " + perms + "; it must be 0600 (chmod 600 " + keyFile + ")");
        }
        byte[] keyBytes = Files.readAllBytes(keyFile);
        byte[] certBytes = Files.readAllBytes(certFile);
        // ISO-8859-1 decodes any byte: a stray one is then refused by the base64 decoder, with the file named.
        PrivateKey key = CaFiles.key(keyFile, new String(keyBytes, StandardCharsets.ISO_8859_1));
        X509Certificate cert = CaFiles.certificate(certFile, new String(certBytes, StandardCharsets.ISO_8859_1));
        CaFiles.checkCanIssue(certFile, cert);
        CaKeyProof.check(keyFile, certFile, keyBytes, certBytes, key, cert);
        return new CertificateAuthority(key, cert);
    }

    public X509Certificate certificate() {
        return caCert;
    }

    /** The CA certificate in PEM, for client trust stores ({@code curl --cacert}, {@code NODE_EXTRA_CA_CERTS}). */
    public String certificatePem() {
        return pem(caCert);
    }

    /** A server TLS context presenting a certificate for {@code host}, minted on first use and cached. */
    public synchronized SslContext serverContext(String host) throws SSLException {
        SslContext ctx = contexts.get(host);
        if (ctx == null) {
            X509Certificate leaf = mintLeaf(host);
            ctx = SslContextBuilder.forServer(leafKeys().getPrivate(), leaf, caCert)
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
            contexts.put(host, ctx);
        }
        return ctx;
    }

    X509Certificate mintLeaf(String host) {
        return CertificateIssuer.leaf(caCert, caKey, host, leafKeys().getPublic(), RANDOM);
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 unavailable", e);
        }
    }

    /** PKCS#8 for the key (what {@link #load} reads back), X.509 DER for the certificate, each as one PEM object. */
    private static String pem(Object o) {
        String type;
        byte[] der;
        if (o instanceof PrivateKey key) {
            type = "PRIVATE KEY";
            der = key.getEncoded();
        } else {
            type = "CERTIFICATE";
            try {
                der = ((X509Certificate) o).getEncoded();
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
