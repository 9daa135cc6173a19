package dev.airlock.proxy.scan;

import dev.airlock.scan.Finding;
import dev.airlock.scan.ScanResult;
import dev.airlock.scan.ScanStream;
import dev.airlock.scan.Scanner;
import java.util.Arrays;

/**
 * One scan over every part of a request (request line, decoded path and query, each header, the body and its decoded
 * views), each part a named region, so a request costs one scan setup instead of one per part. A finding is
 * attributed to the region its offset falls in. Regions are separated by a line break, as the head's lines always
 * were, so no token runs from one region into the next. Not thread-safe; single use.
 *
 * <p>The regions are gathered into one buffer, reused by the thread for the next request, and scanned in place at
 * {@link #finish()}: no buffer growing per request and no second copy inside the scanner. A request whose parts add
 * up to more than {@value #GATHER_MAX} bytes is streamed into the scanner instead, so memory stays bounded by the
 * scanner's segment, not by the request.
 *
 * <pre>{@code
 * try (RegionScan scan = new RegionScan(scanner)) {
 *     scan.add("header:accept", bytes);
 *     ScanResult r = scan.finish();
 *     String where = scan.where(r.findings().getFirst());
 * }
 * }</pre>
 */
public final class RegionScan implements AutoCloseable {
    /** Above this many bytes the regions are streamed into the scanner rather than gathered. */
    static final int GATHER_MAX = 1 << 20;
    /** A gather buffer up to this size is kept by its thread for the next request (event loops, inspect workers). */
    private static final int KEEP_MAX = 256 * 1024;
    private static final ThreadLocal<byte[]> SPARE = new ThreadLocal<>();
    private static final byte[] SEPARATOR = {'\n'};

    private final Scanner scanner;
    private byte[] buf;
    private int len;
    /** Set once the regions outgrew {@link #GATHER_MAX}: everything from then on is written to it. */
    private ScanStream stream;
    private long offset;
    private long[] starts = new long[16];
    private String[] wheres = new String[16];
    private int regions;

    /** Scans without a path: request parts are not files, so path-scoped rules and path allowlists never apply. */
    public RegionScan(Scanner scanner) {
        this.scanner = scanner;
        byte[] spare = SPARE.get();
        if (spare != null) {
            SPARE.remove();
        }
        this.buf = spare != null ? spare : new byte[4096];
    }

    /** Adds a region; {@code where} names it in findings ({@code header:x-api-key}, {@code body}…). */
    public void add(String where, byte[] data) {
        add(where, data, 0, data.length);
    }

    public void add(String where, byte[] data, int off, int len) {
        begin(where);
        write(data, off, len);
        end(len);
    }

    /**
     * Adds a region of text whose characters are bytes (header names and values as received, ISO-8859-1); line
     * breaks inside it become spaces so it stays one line.
     */
    public void addLatin1(String where, String... parts) {
        begin(where);
        long total = 0;
        for (String p : parts) {
            total += p.length();
        }
        if (stream == null && room(total)) {
            for (String p : parts) {
                for (int i = 0; i < p.length(); i++) {
                    char c = p.charAt(i);
                    buf[len++] = c == '\n' || c == '\r' ? (byte) ' ' : (byte) c;
                }
            }
        } else {
            byte[] scratch = new byte[256];
            int n = 0;
            for (String p : parts) {
                for (int i = 0; i < p.length(); i++) {
                    if (n == scratch.length) {
                        write(scratch, 0, n);
                        n = 0;
                    }
                    char c = p.charAt(i);
                    scratch[n++] = c == '\n' || c == '\r' ? (byte) ' ' : (byte) c;
                }
            }
            write(scratch, 0, n);
        }
        end(total);
    }

    private void begin(String where) {
        if (regions == starts.length) {
            starts = Arrays.copyOf(starts, regions * 2);
            wheres = Arrays.copyOf(wheres, regions * 2);
        }
        starts[regions] = offset;
        wheres[regions++] = where;
    }

    private void end(long length) {
        write(SEPARATOR, 0, 1);
        offset += length + 1;
    }

    private void write(byte[] data, int off, int n) {
        if (stream == null && room(n)) {
            System.arraycopy(data, off, buf, len, n);
            len += n;
            return;
        }
        stream.write(data, off, n);
    }

    /**
     * Makes room for {@code n} more gathered bytes; false once the regions outgrow {@link #GATHER_MAX}, after
     * which the scan is a stream holding what was gathered so far.
     */
    private boolean room(long n) {
        long need = len + n;
        if (need <= buf.length) {
            return true;
        }
        if (need <= GATHER_MAX) {
            buf = Arrays.copyOf(buf, (int) Math.min(GATHER_MAX, Math.max(need, 2L * buf.length)));
            return true;
        }
        stream = scanner.open(null);
        stream.write(buf, 0, len);
        len = 0;
        return false;
    }

    public ScanResult finish() {
        return stream != null ? stream.finish() : scanner.scan(buf, len, null);
    }

    /** The region a finding of this scan lies in. */
    public String where(Finding f) {
        int i = Arrays.binarySearch(starts, 0, regions, f.offset());
        int at = i >= 0 ? i : Math.max(0, -i - 2);
        return wheres[at];
    }

    @Override
    public void close() {
        if (stream != null) {
            stream.close();
        }
        if (buf != null && buf.length <= KEEP_MAX) {
            SPARE.set(buf);
        }
        buf = null;
    }
}
