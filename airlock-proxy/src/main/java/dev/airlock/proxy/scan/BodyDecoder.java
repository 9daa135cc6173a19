package dev.airlock.proxy.scan;

import java.io.ByteArrayOutputStream;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Undoes {@code Content-Encoding} so the scanner sees what the server will see. Output is capped: a body that
 * inflates past the cap (a zip bomb, or just too large to scan) is refused rather than scanned partially.
 * gzip, deflate and br (Google's pure-Java Brotli decoder) are undone; unknown codings are refused, not
 * forwarded unscanned.
 */
public final class BodyDecoder {
    private BodyDecoder() {
    }

    /**
     * Thrown when a body cannot be decoded (Content-Encoding) or split ({@link MultipartBody}) within the caps;
     * {@link #tooLarge} distinguishes 413 from 415/400.
     */
    public static final class DecodeException extends Exception {
        private final boolean tooLarge;

        DecodeException(String message, boolean tooLarge) {
            super(message);
            this.tooLarge = tooLarge;
        }

        public boolean tooLarge() {
            return tooLarge;
        }
    }

    public static byte[] decode(String contentEncoding, byte[] body, long cap) throws DecodeException {
        if (contentEncoding == null || contentEncoding.isBlank()) {
            return body;
        }
        String[] codings = contentEncoding.toLowerCase(Locale.ROOT).split(",");
        byte[] data = body;
        // Codings are listed in the order applied, so they are undone last-first.
        for (int i = codings.length - 1; i >= 0; i--) {
            String coding = codings[i].trim();
            data = switch (coding) {
                case "identity", "" -> data;
                case "gzip", "x-gzip" -> inflate(gunzipPayload(data), true, cap);
                case "deflate" -> inflateDeflate(data, cap);
                case "br" -> unbrotli(data, cap);
                default -> throw new DecodeException("Content-Encoding '" + coding + "' cannot be scanned", false);
            };
        }
        return data;
    }

    private static byte[] unbrotli(byte[] data, long cap) throws DecodeException {
        try (var in = new org.brotli.dec.BrotliInputStream(new java.io.ByteArrayInputStream(data))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(data.length * 4, 1 << 20));
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() + (long) n > cap) {
                    throw new DecodeException("decoded body exceeds " + cap + " bytes", true);
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (java.io.IOException | IllegalStateException e) {
            // The decoder reports corrupt and truncated streams as IOException ("Brotli decoder failed" etc.).
            throw new DecodeException("brotli body is corrupt or truncated", false);
        }
    }

    private static byte[] inflateDeflate(byte[] data, long cap) throws DecodeException {
        // "deflate" is zlib-wrapped per RFC 9110, but some clients send raw deflate; accept both.
        boolean zlib = data.length >= 2 && (data[0] & 0x0f) == 8 && (((data[0] & 0xff) << 8) | (data[1] & 0xff)) % 31 == 0;
        return inflate(data, !zlib, cap);
    }

    private static byte[] gunzipPayload(byte[] data) throws DecodeException {
        if (data.length < 18 || (data[0] & 0xff) != 0x1f || (data[1] & 0xff) != 0x8b || data[2] != 8) {
            throw new DecodeException("body is not valid gzip", false);
        }
        int flags = data[3] & 0xff;
        int pos = 10;
        if ((flags & 4) != 0) {
            int xlen = (data[pos] & 0xff) | ((data[pos + 1] & 0xff) << 8);
            pos += 2 + xlen;
        }
        if ((flags & 8) != 0) {
            while (pos < data.length && data[pos] != 0) {
                pos++;
            }
            pos++;
        }
        if ((flags & 16) != 0) {
            while (pos < data.length && data[pos] != 0) {
                pos++;
            }
            pos++;
        }
        if ((flags & 2) != 0) {
            pos += 2;
        }
        if (pos > data.length - 8) {
            throw new DecodeException("body is not valid gzip", false);
        }
        byte[] payload = new byte[data.length - 8 - pos];
        System.arraycopy(data, pos, payload, 0, payload.length);
        return payload;
    }

    private static byte[] inflate(byte[] data, boolean raw, long cap) throws DecodeException {
        Inflater inflater = new Inflater(raw);
        try {
            inflater.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(data.length * 4, 1 << 20));
            byte[] buf = new byte[16 * 1024];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new DecodeException("compressed body is truncated", false);
                }
                if (out.size() + (long) n > cap) {
                    throw new DecodeException("decoded body exceeds " + cap + " bytes", true);
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new DecodeException("compressed body is corrupt", false);
        } finally {
            inflater.end();
        }
    }
}
