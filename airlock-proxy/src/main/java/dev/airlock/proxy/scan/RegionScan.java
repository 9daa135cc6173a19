package dev.airlock.proxy.scan;

import dev.airlock.scan.Finding;
import dev.airlock.scan.ScanResult;
import dev.airlock.scan.ScanStream;
import dev.airlock.scan.Scanner;
import java.util.Arrays;

/**
 * One scanner stream over every part of a request (request line, decoded path and query, each header, the body and
 * its decoded views), each part a named region, so a request costs one scan setup instead of one per part. A
 * finding is attributed to the region its offset falls in. Regions are separated by a line break, as the head's
 * lines always were, so no token runs from one region into the next. Bytes go straight to the stream (which
 * buffers them itself); only header text is converted, through a small scratch buffer. Not thread-safe; single use.
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
    private static final byte[] SEPARATOR = {'\n'};

    private final ScanStream stream;
    private final byte[] scratch = new byte[256];
    private long offset;
    private long[] starts = new long[16];
    private String[] wheres = new String[16];
    private int regions;

    /** Scans without a path: request parts are not files, so path-scoped rules and path allowlists never apply. */
    public RegionScan(Scanner scanner) {
        this.stream = scanner.open(null);
    }

    /** Adds a region; {@code where} names it in findings ({@code header:x-api-key}, {@code body}…). */
    public void add(String where, byte[] data) {
        add(where, data, 0, data.length);
    }

    public void add(String where, byte[] data, int off, int len) {
        begin(where);
        stream.write(data, off, len);
        end(len);
    }

    /**
     * Adds a region of text whose characters are bytes (header names and values as received, ISO-8859-1); line
     * breaks inside it become spaces so it stays one line.
     */
    public void addLatin1(String where, String... parts) {
        begin(where);
        long len = 0;
        int n = 0;
        for (String p : parts) {
            for (int i = 0; i < p.length(); i++) {
                if (n == scratch.length) {
                    stream.write(scratch, 0, n);
                    n = 0;
                }
                char c = p.charAt(i);
                scratch[n++] = c == '\n' || c == '\r' ? (byte) ' ' : (byte) c;
            }
            len += p.length();
        }
        stream.write(scratch, 0, n);
        end(len);
    }

    private void begin(String where) {
        if (regions == starts.length) {
            starts = Arrays.copyOf(starts, regions * 2);
            wheres = Arrays.copyOf(wheres, regions * 2);
        }
        starts[regions] = offset;
        wheres[regions++] = where;
    }

    private void end(long len) {
        stream.write(SEPARATOR, 0, 1);
        offset += len + 1;
    }

    public ScanResult finish() {
        return stream.finish();
    }

    /** The region a finding of this scan lies in. */
    public String where(Finding f) {
        int i = Arrays.binarySearch(starts, 0, regions, f.offset());
        int at = i >= 0 ? i : Math.max(0, -i - 2);
        return wheres[at];
    }

    @Override
    public void close() {
        stream.close();
    }
}
