package dev.airlock.scan.validate;

import dev.airlock.scan.SecretValidator;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * The checksum of Cloudflare's scannable credentials ({@code cfk_}, {@code cfut_}, {@code cfat_}): 40 random
 * base62 characters followed by the CRC32 of those 40 characters as 8 lower-case hex digits.
 */
public final class Crc32HexChecksum implements SecretValidator {
    private static final int BODY = 40;
    private static final int CHECKSUM = 8;

    private final String prefix;

    /** @param prefix the literal token prefix, e.g. {@code cfut_}; the secret must start with it */
    public Crc32HexChecksum(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public boolean accepts(CharSequence secret) {
        if (secret.length() != prefix.length() + BODY + CHECKSUM
                || !Crc32Base62Checksum.startsWith(secret, prefix)) {
            return false;
        }
        String body = secret.subSequence(prefix.length(), prefix.length() + BODY).toString();
        for (int i = 0; i < body.length(); i++) {
            if (Crc32Base62Checksum.ALPHABET.indexOf(body.charAt(i)) < 0) {
                return false;
            }
        }
        String checksum = secret.subSequence(prefix.length() + BODY, secret.length()).toString();
        return checksum.equals(checksumOf(body));
    }

    /** The 8-hex-digit CRC32 checksum of a 40-character body. */
    public static String checksumOf(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    @Override
    public boolean verifiesChecksum() {
        return true;
    }

    @Override
    public String name() {
        return "crc32-hex";
    }
}
