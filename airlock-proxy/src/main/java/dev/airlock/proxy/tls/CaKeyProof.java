package dev.airlock.proxy.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * Proves that {@code ca.key} is the private key of the public key in {@code ca.pem} (it signs, the certificate's key
 * verifies), and remembers the proof in {@value #FILE} next to them as a SHA-256 of both files, so that only the
 * first start with a given pair pays for it: in a fresh JVM the two EC operations cost about 55 ms of CPU, more than
 * reading the two files (about 30 ms), while the digest costs about 2.5 ms. A missing, stale or unwritable record only
 * means proving again. Whoever can write the record can as well write a matching pair of their own, so it weakens
 * nothing: the proof is there to catch a mistake (a key copied from another CA), which changes the digest.
 */
final class CaKeyProof {
    static final String FILE = "ca.key-matches";
    private static final byte[] CHALLENGE = "airlock guard CA: does ca.key belong to ca.pem?"
            .getBytes(StandardCharsets.US_ASCII);

    private CaKeyProof() {
    }

    /** Refuses a key that is not the certificate's; {@code keyBytes} and {@code certBytes} are the files' contents. */
    static void check(Path keyFile, Path certFile, byte[] keyBytes, byte[] certBytes, PrivateKey key,
                      X509Certificate cert) throws IOException {
        Path record = keyFile.resolveSibling(FILE);
        String digest = digest(keyBytes, certBytes);
        if (digest.equals(recorded(record))) {
            return;
        }
        if (!matches(key, cert)) {
            throw new IOException("CA key " + keyFile + " does not match " + certFile + " (it is the key of another"
                    + " certificate): restore the ca.key created with this ca.pem, or "
                    + CaFiles.startOver(keyFile.getParent()));
        }
        write(record, digest);
    }

    /** Records a pair known to match (the one just created). */
    static void record(Path dir, byte[] keyBytes, byte[] certBytes) {
        write(dir.resolve(FILE), digest(keyBytes, certBytes));
    }

    private static boolean matches(PrivateKey key, X509Certificate cert) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update(CHALLENGE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(cert.getPublicKey()); // not the certificate: its keyUsage rightly lacks digitalSignature
            verifier.update(CHALLENGE);
            return verifier.verify(signature);
        } catch (InvalidKeyException | SignatureException e) {
            return false; // the certificate's key is not EC, or is on another curve
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA256withECDSA unavailable", e);
        }
    }

    private static String digest(byte[] keyBytes, byte[] certBytes) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            // Each file's length first, so that no other pair of contents gives the same input.
            d.update(Integer.toString(keyBytes.length).getBytes(StandardCharsets.US_ASCII));
            d.update((byte) ' ');
            d.update(keyBytes);
            d.update(certBytes);
            return "sha256 " + HexFormat.of().formatHex(d.digest()) + "\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static String recorded(Path record) {
        try {
            // Only a small regular file counts: a FIFO or device planted there would block or feed the start.
            return !Files.isRegularFile(record, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.size(record) > 256
                    ? null : Files.readString(record, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
    }

    /** Written whole or not at all (guards starting at once on one CA may each write it). */
    private static void write(Path record, String digest) {
        Path temporary = null;
        try {
            temporary = Files.createTempFile(record.getParent(), ".ca.key-matches", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temporary, digest, StandardCharsets.ISO_8859_1);
            Files.move(temporary, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // A read-only CA directory: the proof is simply made again at the next start.
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // nothing left to do
                }
            }
        }
    }
}
