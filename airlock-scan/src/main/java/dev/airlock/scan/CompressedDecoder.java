package dev.airlock.scan;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * gzip members and zlib (deflate) streams, recognised by their magic bytes. Output is capped by the scan's
 * decode budget, so a decompression bomb costs at most that budget.
 */
final class CompressedDecoder implements LayerDecoder {
    @Override
    public String name() {
        return "gzip";
    }

    static boolean isCompressed(byte[] d, int i) {
        return isGzip(d, i) || isZlib(d, i);
    }

    private static boolean isGzip(byte[] d, int i) {
        return i + 3 <= d.length && (d[i] & 0xFF) == 0x1f && (d[i + 1] & 0xFF) == 0x8b && d[i + 2] == 8;
    }

    private static boolean isZlib(byte[] d, int i) {
        if (i + 2 > d.length) {
            return false;
        }
        int cmf = d[i] & 0xFF;
        int flg = d[i + 1] & 0xFF;
        return cmf == 0x78 && (cmf * 256 + flg) % 31 == 0 && (flg & 0x20) == 0;
    }

    /** Only tried at the start of a layer: a compressed body, or the decoded bytes of a base64 blob. */
    @Override
    public long regionAround(byte[] data, int at, int floor, int limit) {
        // The member's end is unknown until inflated; claim everything available.
        return isCompressed(data, at) ? LayerDecoder.pack(at, limit) : -1;
    }

    @Override
    public byte[] decode(byte[] data, int start, int end, int maxOutput) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = isGzip(data, start)
                ? new GZIPInputStream(new ByteArrayInputStream(data, start, end - start))
                : new InflaterInputStream(new ByteArrayInputStream(data, start, end - start))) {
            byte[] buf = new byte[8192];
            int n;
            while (out.size() < maxOutput && (n = in.read(buf, 0, Math.min(buf.length, maxOutput - out.size()))) > 0) {
                out.write(buf, 0, n);
            }
            return out.size() == 0 ? null : out.toByteArray();
        } catch (IOException | RuntimeException e) {
            // Magic bytes by coincidence give nothing; a truncated stream still gives what inflated so far.
            return out.size() == 0 ? null : out.toByteArray();
        }
    }

    @Override
    public int alignment() {
        return 1;
    }
}
