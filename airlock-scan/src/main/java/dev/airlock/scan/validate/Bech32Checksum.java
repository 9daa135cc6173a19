package dev.airlock.scan.validate;

import dev.airlock.scan.SecretValidator;
import java.util.Locale;

/**
 * The BIP-173 bech32 checksum, as used by age secret keys ({@code AGE-SECRET-KEY-1…}). Bech32 strings are
 * case-insensitive but never mixed-case; the checksum covers the human-readable part, so a key with a different
 * prefix fails.
 */
public final class Bech32Checksum implements SecretValidator {
    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};

    private final String hrp;

    /** @param hrp the expected human-readable part, lower-case, e.g. {@code age-secret-key-} */
    public Bech32Checksum(String hrp) {
        this.hrp = hrp.toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean accepts(CharSequence secret) {
        String s = secret.toString();
        if (s.length() > 1024 || (!s.equals(s.toLowerCase(Locale.ROOT)) && !s.equals(s.toUpperCase(Locale.ROOT)))) {
            return false;
        }
        s = s.toLowerCase(Locale.ROOT);
        int separator = s.lastIndexOf('1');
        if (separator < 1 || s.length() - separator - 1 < 6 || !s.substring(0, separator).equals(hrp)) {
            return false;
        }
        int[] data = new int[s.length() - separator - 1];
        for (int i = 0; i < data.length; i++) {
            int v = CHARSET.indexOf(s.charAt(separator + 1 + i));
            if (v < 0) {
                return false;
            }
            data[i] = v;
        }
        return polymod(hrp, data) == 1;
    }

    /** Encodes {@code data} (5-bit groups) under {@code hrp} with a valid checksum; for corpora and examples. */
    public static String encode(String hrp, int[] data) {
        int[] values = new int[data.length + 6];
        System.arraycopy(data, 0, values, 0, data.length);
        int mod = polymod(hrp, values) ^ 1;
        StringBuilder out = new StringBuilder(hrp).append('1');
        for (int v : data) {
            out.append(CHARSET.charAt(v));
        }
        for (int i = 0; i < 6; i++) {
            out.append(CHARSET.charAt((mod >>> (5 * (5 - i))) & 31));
        }
        return out.toString();
    }

    /** Regroups bytes into 5-bit values with zero padding (bech32's convertbits(8, 5, pad=true)). */
    public static int[] toFiveBit(byte[] bytes) {
        int[] out = new int[(bytes.length * 8 + 4) / 5];
        int acc = 0;
        int bits = 0;
        int n = 0;
        for (byte b : bytes) {
            acc = (acc << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out[n++] = (acc >>> bits) & 31;
            }
        }
        if (bits > 0) {
            out[n++] = (acc << (5 - bits)) & 31;
        }
        return out;
    }

    private static int polymod(String hrp, int[] data) {
        int chk = 1;
        for (int i = 0; i < hrp.length(); i++) {
            chk = step(chk, hrp.charAt(i) >> 5);
        }
        chk = step(chk, 0);
        for (int i = 0; i < hrp.length(); i++) {
            chk = step(chk, hrp.charAt(i) & 31);
        }
        for (int v : data) {
            chk = step(chk, v);
        }
        return chk;
    }

    private static int step(int chk, int value) {
        int top = chk >>> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ value;
        for (int i = 0; i < 5; i++) {
            if (((top >>> i) & 1) != 0) {
                chk ^= GENERATOR[i];
            }
        }
        return chk;
    }

    @Override
    public boolean verifiesChecksum() {
        return true;
    }

    @Override
    public String name() {
        return "bech32";
    }
}
