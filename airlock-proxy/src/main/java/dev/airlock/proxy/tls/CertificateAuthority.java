package dev.airlock.proxy.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
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
        try {
            Files.write(keyFile, pem(kp.getPrivate()).getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another process created " + keyFile + " concurrently; start again", e);
        }
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(certFile, pem(cert));
        return new CertificateAuthority(kp.getPrivate(), cert);
    }

    /**
     * Reads the two PEM files with the JDK's own parsers (BouncyCastle's PEM object parser and converters load about
     * a hundred classes a guard start does not otherwise need); a file that is not what it should be still refuses
     * the start.
     */
    private static CertificateAuthority load(Path keyFile, Path certFile) throws IOException {
        String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile));
        if (!perms.equals("rw-------") && !perms.equals("r--------")) {
            throw new IOException("CA key " + keyFile + " has mode " + perms + "; it must be 0600 (chmod 600 " + keyFile + ")");
        }
        try {
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(
                    new PKCS8EncodedKeySpec(pemContent(keyFile, "PRIVATE KEY")));
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pemContent(certFile, "CERTIFICATE")));
            return new CertificateAuthority(key, cert);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IOException("CA files in " + keyFile.getParent() + " are not a PKCS#8 EC key and an X.509 "
                    + "certificate: " + e.getMessage(), e);
        }
    }

    /**
     * The DER content of the single PEM object of {@code type} in {@code file}: the base64 text between its BEGIN and
     * END lines (RFC 7468). Read with the JDK's decoder: loading any BouncyCastle class makes the JVM parse that jar's
     * 843 KB manifest, which turned the manifest parser into the hottest code the guard's JIT compiled at start.
     */
    private static byte[] pemContent(Path file, String type) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = from < 0 ? -1 : text.indexOf(end, from + begin.length());
        if (from < 0 || to < 0) {
            throw new IOException(file + " does not hold a PEM " + type);
        }
        try {
            // Line breaks and spaces are dropped; any other character outside base64 is refused, not skipped.
            StringBuilder base64 = new StringBuilder(to - from);
            for (int i = from + begin.length(); i < to; i++) {
                char c = text.charAt(i);
                if (c != '\n' && c != '\r' && c != ' ' && c != '\t') {
                    base64.append(c);
                }
            }
            return Base64.getDecoder().decode(base64.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " holds a PEM " + type + " that is not base64: " + e.getMessage(), e);
        }
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
