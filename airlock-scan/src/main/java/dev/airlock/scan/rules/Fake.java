package dev.airlock.scan.rules;

import dev.airlock.scan.validate.Bech32Checksum;
import dev.airlock.scan.validate.Crc32Base62Checksum;
import dev.airlock.scan.validate.Crc32HexChecksum;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Deterministic, structurally valid fake credentials for rule examples. Generated rather than written out so
 * that this source file holds no literal token that another scanner (or a push-protection hook) would flag, and
 * so that checksummed examples are correct by construction.
 */
final class Fake {
    static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    static final String DIGITS = "0123456789";
    static final String ALNUM = UPPER + LOWER + DIGITS;
    static final String HEX = "0123456789abcdef";
    static final String BASE32 = UPPER + "234567";
    static final String URLSAFE = ALNUM + "-_";
    static final String BASE64 = ALNUM + "+/";

    private final SplittableRandom random;

    Fake(String seed) {
        this.random = new SplittableRandom(seed.hashCode());
    }

    String of(String alphabet, int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /** Mixed-case alphanumerics that always contain an upper, a lower and a digit. */
    String alnum(int n) {
        String s;
        do {
            s = of(ALNUM, n);
        } while (!(s.chars().anyMatch(Character::isUpperCase) && s.chars().anyMatch(Character::isLowerCase)
                && s.chars().anyMatch(Character::isDigit)));
        return s;
    }

    String hex(int n) {
        return of(HEX, n);
    }

    String digits(int n) {
        return of("123456789", 1) + of(DIGITS, n - 1);
    }

    String urlsafe(int n) {
        return of(URLSAFE, n);
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** A GitHub / npm style token: prefix, 30 base62, CRC32 base62 checksum. */
    String crc32Base62(String prefix) {
        String body = alnum(30);
        return prefix + body + Crc32Base62Checksum.checksumOf(body);
    }

    /** A Cloudflare style token: prefix, 40 base62, CRC32 hex checksum. */
    String crc32Hex(String prefix) {
        String body = alnum(40);
        return prefix + body + Crc32HexChecksum.checksumOf(body);
    }

    String ageSecretKey() {
        return Bech32Checksum.encode("age-secret-key-", Bech32Checksum.toFiveBit(bytes(32))).toUpperCase(Locale.ROOT);
    }

    /** A JWT with a real JSON header and payload and a random signature. */
    String jwt() {
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        String header = enc.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = enc.encodeToString(("{\"sub\":\"" + digits(10) + "\",\"name\":\"" + of(LOWER, 8)
                + "\",\"iat\":" + digits(10) + "}").getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + "." + enc.encodeToString(bytes(32));
    }

    /** A DER SEQUENCE of {@code n} random content bytes, as a PKCS#1/PKCS#8/SEC1 body looks from outside. */
    byte[] derSequence(int n) {
        byte[] content = bytes(n);
        byte[] der = new byte[n + 4];
        der[0] = 0x30;
        der[1] = (byte) 0x82;
        der[2] = (byte) (n >>> 8);
        der[3] = (byte) n;
        System.arraycopy(content, 0, der, 4, n);
        return der;
    }

    byte[] opensshBody(int n) {
        byte[] magic = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[magic.length + n];
        System.arraycopy(magic, 0, out, 0, magic.length);
        System.arraycopy(bytes(n), 0, out, magic.length, n);
        return out;
    }

    /** An armored block with 64-column lines joined by {@code newline} (a real newline or a literal backslash-n). */
    static String pem(String label, String headers, byte[] body, String newline) {
        String b64 = Base64.getEncoder().encodeToString(body);
        StringBuilder out = new StringBuilder("-----BEGIN ").append(label).append("-----").append(newline);
        if (!headers.isEmpty()) {
            out.append(headers.replace("\n", newline)).append(newline).append(newline);
        }
        for (int i = 0; i < b64.length(); i += 64) {
            out.append(b64, i, Math.min(b64.length(), i + 64)).append(newline);
        }
        return out.append("-----END ").append(label).append("-----").toString();
    }
}
