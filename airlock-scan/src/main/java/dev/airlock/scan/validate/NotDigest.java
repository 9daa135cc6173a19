package dev.airlock.scan.validate;

import dev.airlock.scan.SecretValidator;
import java.util.Locale;

/**
 * Rejects content hashes: git object ids (40 hex), and digests labelled as such — SRI {@code sha512-…}
 * (package-lock.json), {@code h1:…} (go.sum), {@code sha256:…} (container digests, checksums files).
 */
public final class NotDigest implements SecretValidator {
    private static final String[] PREFIXES = {"sha1-", "sha256-", "sha384-", "sha512-", "sha1:", "sha256:", "sha384:",
        "sha512:", "md5:", "md5-", "h1:", "blake2b:", "blake3:", "sha3-256:", "git+", "integrity"};

    @Override
    public boolean accepts(CharSequence secret) {
        String lower = secret.toString().toLowerCase(Locale.ROOT);
        for (String prefix : PREFIXES) {
            if (lower.startsWith(prefix)) {
                return false;
            }
        }
        return !(lower.length() == 40 && isHex(lower));
    }

    static boolean isHex(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String name() {
        return "not-digest";
    }
}
