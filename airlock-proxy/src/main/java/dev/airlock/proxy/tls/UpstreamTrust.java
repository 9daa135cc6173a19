package dev.airlock.proxy.tls;

import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.TrustManagerFactory;

/**
 * What the guard trusts for upstream TLS, fixed when it starts: the certificates of the policy's {@code
 * testOnlyUpstreamTrust}, the trust store file named by {@code -Djavax.net.ssl.trustStore} (with the JDK's type,
 * provider and password properties), or else the JDK's own store. {@link #checkAtStart} refuses what can be known
 * without reading the store; reading it costs about a tenth of a second of CPU, which only a guard that forwards HTTPS
 * pays, at its first forward ({@link UpstreamTls}).
 */
public final class UpstreamTrust {
    static final String STORE = "javax.net.ssl.trustStore";
    static final String TYPE = "javax.net.ssl.trustStoreType";
    static final String PROVIDER = "javax.net.ssl.trustStoreProvider";
    static final String PASSWORD = "javax.net.ssl.trustStorePassword";

    private final List<X509Certificate> certificates;
    private final Path storeFile;
    private final String storeType;
    private final String storeProvider;
    private final char[] storePassword;
    /** {@code javax.net.ssl.trustStore=NONE}: the JDK's store is a token (such as PKCS#11), not a file. */
    private final boolean token;

    private UpstreamTrust(List<X509Certificate> certificates, Path storeFile, String storeType, String storeProvider,
                          char[] storePassword, boolean token) {
        this.certificates = certificates;
        this.storeFile = storeFile;
        this.storeType = storeType;
        this.storeProvider = storeProvider;
        this.storePassword = storePassword;
        this.token = token;
    }

    /** Exactly these certificates (tests with a local upstream), instead of any trust store. */
    public static UpstreamTrust certificates(X509Certificate... trust) {
        return new UpstreamTrust(List.of(trust), null, null, null, null, false);
    }

    /**
     * The key store {@code file}; null {@code type} is the JDK's default type, null {@code provider} any provider,
     * null {@code password} none (certificates in a PKCS#12 store are then read without its integrity check).
     */
    public static UpstreamTrust storeFile(Path file, String type, String provider, char[] password) {
        return new UpstreamTrust(null, file, type, provider, password == null ? null : password.clone(), false);
    }

    /** What the JDK would trust in this process: {@code javax.net.ssl.trustStore} and its companions, if set. */
    public static UpstreamTrust fromSystemProperties() {
        // Not a method reference: a guard start would pay for its lambda's bootstrap (about 2 ms of CPU).
        return fromProperties(System.getProperties());
    }

    static UpstreamTrust fromProperties(Properties properties) {
        String store = properties.getProperty(STORE);
        String password = properties.getProperty(PASSWORD);
        if (store == null || store.isEmpty() || store.equals("NONE")) {
            // The JDK reads its own store, with the type and password properties as it finds them.
            return new UpstreamTrust(null, null, properties.getProperty(TYPE), properties.getProperty(PROVIDER), null,
                    "NONE".equals(store));
        }
        return storeFile(Path.of(store), properties.getProperty(TYPE), properties.getProperty(PROVIDER),
                password == null ? null : password.toCharArray());
    }

    /**
     * Refuses a trust store that cannot be read or whose type this JDK does not have. A {@code javax.net.ssl.trustStore}
     * naming a missing file matters most: the JDK would quietly trust its default store instead.
     */
    public void checkAtStart() throws IOException {
        if (certificates != null) {
            return; // parsed with the policy already
        }
        if (storeFile != null && !(Files.isRegularFile(storeFile) && Files.isReadable(storeFile))) {
            throw new IOException("the upstream trust store " + storeFile + " (" + STORE + ") is not a readable file;"
                    + " name an existing trust store, or leave " + STORE + " unset for the JDK's own");
        }
        if (storeFile == null && !token && jdkStore() == null) {
            throw new IOException("the JDK in " + System.getProperty("java.home") + " has no trust store (lib/security/"
                    + "cacerts), so no upstream could be verified: install its CA certificates, or name a trust store"
                    + " with -D" + STORE + "=FILE");
        }
        if (storeType != null) {
            try {
                keyStore();
            } catch (GeneralSecurityException e) {
                throw new IOException(TYPE + "=" + storeType + (storeProvider == null ? "" : " (" + PROVIDER + "="
                        + storeProvider + ")") + " is not a key store type this JDK has: " + e.getMessage(), e);
            }
        }
    }

    /** Sets the trust of {@code builder}: reads the trust store file, if that is what the guard trusts. */
    void configure(SslContextBuilder builder) throws GeneralSecurityException, IOException {
        if (certificates != null) {
            builder.trustManager(certificates.toArray(new X509Certificate[0]));
            return;
        }
        if (storeFile == null) {
            return; // the JDK reads its own store, as it would for any client
        }
        KeyStore store = keyStore();
        try (InputStream in = Files.newInputStream(storeFile)) {
            store.load(in, storePassword);
        }
        boolean anyCertificate = false;
        for (String alias : Collections.list(store.aliases())) {
            anyCertificate |= store.isCertificateEntry(alias);
        }
        if (!anyCertificate) {
            throw new GeneralSecurityException("it holds no trusted certificate, so no upstream could be verified");
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        builder.trustManager(factory);
    }

    /** Names the inputs, for a message (never the password). */
    String describe() {
        if (certificates != null) {
            return certificates.size() + " certificate(s) given at start";
        }
        if (storeFile != null) {
            return "the trust store " + storeFile + " (" + STORE + ")";
        }
        Path jdk = jdkStore();
        return "the JDK's trust store" + (jdk == null ? "" : " " + jdk);
    }

    /** What to do once {@link #describe() it} cannot be used. */
    String remedy() {
        if (certificates != null) {
            return "restart the guard";
        }
        if (storeFile != null) {
            return "repair " + storeFile + " (or correct " + TYPE + ", " + PASSWORD + ") and restart the guard";
        }
        return "repair the JDK's trust store, or name another with -D" + STORE + "=FILE, and restart the guard";
    }

    private KeyStore keyStore() throws GeneralSecurityException {
        String type = storeType == null ? KeyStore.getDefaultType() : storeType;
        return storeProvider == null ? KeyStore.getInstance(type) : KeyStore.getInstance(type, storeProvider);
    }

    /** The file the JDK reads when {@code javax.net.ssl.trustStore} is not set, or null if there is none. */
    private static Path jdkStore() {
        Path security = Path.of(System.getProperty("java.home"), "lib", "security");
        for (String name : List.of("jssecacerts", "cacerts")) {
            Path p = security.resolve(name);
            if (Files.isRegularFile(p) && Files.isReadable(p)) {
                return p;
            }
        }
        return null;
    }
}
