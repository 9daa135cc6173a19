package dev.airlock.proxy.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
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
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

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
        X509Certificate cert = selfSign(kp);
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

    /** The DER content of the single PEM object of {@code type} in {@code file}. */
    private static byte[] pemContent(Path file, String type) throws IOException {
        try (PemReader reader = new PemReader(Files.newBufferedReader(file, StandardCharsets.US_ASCII))) {
            PemObject o = reader.readPemObject();
            if (o == null || !o.getType().equals(type)) {
                throw new IOException(file + " does not hold a PEM " + type);
            }
            return o.getContent();
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
        try {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    caCert, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))),
                    new X500Name("CN=" + host), leafKeys().getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, host)));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(leafKeys().getPublic()));
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot mint a certificate for " + host, e);
        }
    }

    private static X509Certificate selfSign(KeyPair kp) {
        try {
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=Airlock egress guard local CA " + Long.toHexString(RANDOM.nextLong()) + ",O=Airlock");
            PublicKey pub = kp.getPublic();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(825))), name, pub);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pub));
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot create the CA certificate", e);
        }
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
        StringWriter w = new StringWriter();
        try (PemWriter pw = new PemWriter(w)) {
            if (o instanceof PrivateKey key) {
                pw.writeObject(new PemObject("PRIVATE KEY", key.getEncoded()));
            } else {
                pw.writeObject(new PemObject("CERTIFICATE", ((X509Certificate) o).getEncoded()));
            }
        } catch (IOException | java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }
}
