package dev.airlock.scan.validate;

import dev.airlock.scan.SecretValidator;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The checksum of GitHub ({@code ghp_}, {@code gho_}, {@code ghu_}, {@code ghs_}, {@code ghr_}) and npm
 * ({@code npm_}) tokens: after the prefix come 30 random base62 characters and the CRC32 of those 30 characters,
 * base62-encoded (alphabet {@code 0-9A-Za-z}) and left-padded with {@code 0} to 6 characters.
 *
 * <p>A random 36-character string passes with probability 1 / 62^6 (about 1 in 57 billion), which is what lets a
 * passing token be reported as certain.
 */
public final class Crc32Base62Checksum implements SecretValidator {
    static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int BODY = 30;
    private static final int CHECKSUM = 6;

    private final String prefix;

    /** @param prefix the literal token prefix, e.g. {@code ghp_}; the secret must start with it */
    public Crc32Base62Checksum(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public boolean accepts(CharSequence secret) {
        if (secret.length() != prefix.length() + BODY + CHECKSUM || !startsWith(secret, prefix)) {
            return false;
        }
        String body = secret.subSequence(prefix.length(), prefix.length() + BODY).toString();
        String checksum = secret.subSequence(prefix.length() + BODY, secret.length()).toString();
        for (int i = 0; i < body.length(); i++) {
            if (ALPHABET.indexOf(body.charAt(i)) < 0) {
                return false;
            }
        }
        return checksum.equals(checksumOf(body));
    }

    /** The 6-character base62 CRC32 checksum of a 30-character body. */
    public static String checksumOf(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        long value = crc.getValue();
        char[] out = new char[CHECKSUM];
        for (int i = CHECKSUM - 1; i >= 0; i--) {
            out[i] = ALPHABET.charAt((int) (value % 62));
            value /= 62;
        }
        return new String(out);
    }

    static boolean startsWith(CharSequence s, String prefix) {
        if (s.length() < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (s.charAt(i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean verifiesChecksum() {
        return true;
    }

    @Override
    public String name() {
        return "crc32-base62";
    }
}
