package dev.airlock.sandbox;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The length-prefixed frames between the JVM and the in-sandbox supervisor: u32 frame length, u32 field count, then
 * each field as u32 length and bytes, all little-endian. Replies are bounded: a supervisor (or anything pretending to
 * be one) cannot make the JVM allocate more than {@link #MAX_REPLY} bytes.
 */
final class SupervisorChannel {
    static final int MAX_REPLY = 160 << 20;
    private static final int MAX_FIELDS = 300_000;

    private final OutputStream out;
    private final DataInputStream in;

    SupervisorChannel(OutputStream out, InputStream in) {
        this.out = new BufferedOutputStream(out, 1 << 16);
        this.in = new DataInputStream(new BufferedInputStream(in, 1 << 16));
    }

    void send(List<byte[]> fields) throws IOException {
        long total = 4;
        for (byte[] f : fields) {
            total += 4L + f.length;
        }
        if (total > (64L << 20)) {
            throw new IOException("request larger than 64 MiB");
        }
        ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        head.putInt((int) total).putInt(fields.size());
        out.write(head.array());
        ByteBuffer len = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] f : fields) {
            len.clear();
            len.putInt(f.length);
            out.write(len.array());
            out.write(f);
        }
        out.flush();
    }

    List<byte[]> receive() throws IOException {
        int total = readIntLe();
        if (total < 4 || total > MAX_REPLY) {
            throw new IOException("supervisor sent a malformed frame length " + total);
        }
        int count = readIntLe();
        if (count < 1 || count > MAX_FIELDS) {
            throw new IOException("supervisor sent a malformed field count " + count);
        }
        long remaining = total - 4L;
        List<byte[]> fields = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            int n = readIntLe();
            remaining -= 4;
            if (n < 0 || n > remaining) {
                throw new IOException("supervisor sent a malformed field length");
            }
            byte[] f = new byte[n];
            in.readFully(f);
            remaining -= n;
            fields.add(f);
        }
        if (remaining != 0) {
            throw new IOException("supervisor frame length does not match its fields");
        }
        return fields;
    }

    private int readIntLe() throws IOException {
        int b0 = in.read(), b1 = in.read(), b2 = in.read(), b3 = in.read();
        if ((b0 | b1 | b2 | b3) < 0) {
            throw new EOFException("the sandbox supervisor ended");
        }
        return b0 | (b1 << 8) | (b2 << 16) | (b3 << 24);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
