package dev.airlock.proxy.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Reads and checks the CA's two files, {@code ca.key} and {@code ca.pem}, with the JDK's own parsers (BouncyCastle's
 * PEM object parser and converters load about a hundred classes a guard start does not otherwise need). Every refusal
 * names the file, what is wrong with it and what to do: a guard with an unusable CA must not start, and the operator
 * must not have to guess why.
 */
final class CaFiles {
    /** keyUsage bit 5 (RFC 5280 4.2.1.3). */
    private static final int KEY_CERT_SIGN = 5;

    private CaFiles() {
    }

    /** What to do about a CA that cannot be used: make a new one (the command also prints its certificate). */
    static String startOver(Path dir) {
        return "to start over with a new CA run: rm " + dir.resolve(CertificateAuthority.KEY_FILE) + " "
                + dir.resolve(CertificateAuthority.CERT_FILE) + " && airlock proxy --export-ca --ca-dir " + dir
                + " (runs' sandboxes are given the new ca.pem; any other client that trusted the old one needs it too)";
    }

    /** The EC private key of {@code keyFile} ({@code text} is its content), or a refusal saying what it holds instead. */
    static PrivateKey key(Path keyFile, String text) throws IOException {
        byte[] der = pemContent(keyFile, text, "PRIVATE KEY");
        String algorithm = pkcs8Algorithm(der);
        if (algorithm != null && !algorithm.equals("EC")) {
            throw new IOException("CA key " + keyFile + " holds " + algorithm + " key, not the EC key the guard's CA"
                    + " has: restore the ca.key created with " + CertificateAuthority.CERT_FILE + ", or "
                    + startOver(keyFile.getParent()));
        }
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IOException("CA key " + keyFile + " is not a readable PKCS#8 EC private key (truncated or "
                    + "damaged? " + rootMessage(e) + "): restore the ca.key created with "
                    + CertificateAuthority.CERT_FILE + ", or " + startOver(keyFile.getParent()), e);
        }
    }

    /** The X.509 certificate of {@code certFile} ({@code text} is its content). */
    static X509Certificate certificate(Path certFile, String text) throws IOException {
        byte[] der = pemContent(certFile, text, "CERTIFICATE");
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IOException("CA certificate " + certFile + " is not a readable X.509 certificate ("
                    + rootMessage(e) + "): restore it, or " + startOver(certFile.getParent()), e);
        }
    }

    /**
     * Refuses a certificate that cannot sign the guard's host certificates now: clients reject leaves whose issuer is
     * not a CA (basicConstraints cA), may not sign certificates (keyUsage without keyCertSign) or is out of date.
     */
    static void checkCanIssue(Path certFile, X509Certificate cert) throws IOException {
        String redo = startOver(certFile.getParent());
        if (cert.getBasicConstraints() < 0) {
            throw new IOException("CA certificate " + certFile + " is not a CA certificate (its basicConstraints do not"
                    + " say cA=true), so clients would reject every certificate the guard issues: " + redo);
        }
        boolean[] usage = cert.getKeyUsage();
        if (usage != null && (usage.length <= KEY_CERT_SIGN || !usage[KEY_CERT_SIGN])) {
            throw new IOException("CA certificate " + certFile + " has a keyUsage without keyCertSign, so clients "
                    + "would reject every certificate the guard issues: " + redo);
        }
        try {
            cert.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new IOException("CA certificate " + certFile + " expired on " + cert.getNotAfter().toInstant()
                    + ": " + redo, e);
        } catch (CertificateNotYetValidException e) {
            throw new IOException("CA certificate " + certFile + " is not valid before "
                    + cert.getNotBefore().toInstant() + ": check this machine's clock, or " + redo, e);
        }
    }

    /**
     * The DER content of the single PEM object of {@code type} in {@code text}: the base64 between its BEGIN and END
     * lines (RFC 7468). Read with the JDK's decoder: loading any BouncyCastle class makes the JVM parse that jar's
     * 843 KB manifest, which turned the manifest parser into the hottest code the guard's JIT compiled at start.
     */
    static byte[] pemContent(Path file, String text, String type) throws IOException {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = from < 0 ? -1 : text.indexOf(end, from + begin.length());
        if (from < 0 || to < 0) {
            throw new IOException(file + " does not hold a PEM " + type + ": restore it, or "
                    + startOver(file.getParent()));
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
            // The decoder's message quotes the offending character: a byte of a key file stays out of messages.
            throw new IOException(file + " holds a PEM " + type + " that is not base64: restore it, or "
                    + startOver(file.getParent()));
        }
    }

    /**
     * The key algorithm a PKCS#8 structure names ({@code SEQUENCE {INTEGER, SEQUENCE {OID, ...}, ...}}), with its
     * article, for the error message; null if the DER is not that shape. The JDK's EC key factory only says "Invalid
     * EC private key" for an RSA key, which does not tell the operator they put the wrong kind of key there.
     */
    static String pkcs8Algorithm(byte[] der) {
        try {
            int[] at = {0};
            enter(der, at, 0x30);
            int version = enter(der, at, 0x02);
            at[0] += version; // skipped: 0 or 1 (with the public key), the algorithm follows either way
            enter(der, at, 0x30);
            int length = enter(der, at, 0x06);
            String oid = HexFormat.of().formatHex(der, at[0], at[0] + length);
            return switch (oid) {
                case "2a8648ce3d0201" -> "EC";
                case "2a864886f70d010101", "2a864886f70d01010a" -> "an RSA";
                case "2b6570" -> "an Ed25519";
                case "2b6571" -> "an Ed448";
                case "2b656e" -> "an X25519";
                case "2b656f" -> "an X448";
                case "2a8648ce380401" -> "a DSA";
                default -> "a non-EC (OID bytes " + oid + ")";
            };
        } catch (IndexOutOfBoundsException e) {
            return null;
        }
    }

    /** Checks the tag at {@code at[0]}, moves past tag and length, and returns the content's length. */
    private static int enter(byte[] der, int[] at, int tag) {
        if ((der[at[0]] & 0xFF) != tag) {
            throw new IndexOutOfBoundsException("tag");
        }
        int first = der[at[0] + 1] & 0xFF;
        at[0] += 2;
        if (first < 0x80) {
            return first;
        }
        int bytes = first & 0x7F;
        if (bytes == 0 || bytes > 3) {
            throw new IndexOutOfBoundsException("length");
        }
        int length = 0;
        for (int i = 0; i < bytes; i++) {
            length = length << 8 | (der[at[0]++] & 0xFF);
        }
        return length;
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
