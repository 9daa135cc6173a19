package dev.airlock.proxy.scan;

import java.io.ByteArrayOutputStream;

/**
 * Lenient percent-decoding for scanning: valid {@code %XX} escapes (and {@code +} in forms) are decoded, anything
 * malformed is kept as is. Never throws, so a crafted escape cannot make a secret skip the scan.
 */
public final class PercentDecoder {
    private PercentDecoder() {
    }

    public static byte[] decode(byte[] in, boolean plusIsSpace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b == '%' && i + 2 < in.length && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
                out.write((hex(in[i + 1]) << 4) | hex(in[i + 2]));
                i += 2;
            } else if (b == '+' && plusIsSpace) {
                out.write(' ');
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }
}
