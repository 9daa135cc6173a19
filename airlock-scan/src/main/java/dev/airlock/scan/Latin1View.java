package dev.airlock.scan;

/**
 * A zero-copy {@link CharSequence} over bytes, one char per byte (ISO-8859-1). Credentials are ASCII, so matching
 * over this view finds them while keeping every char offset equal to a byte offset — no decoding pass, and
 * invalid UTF-8 cannot throw.
 */
public final class Latin1View implements CharSequence {
    private final byte[] bytes;
    private final int start;
    private final int end;

    public Latin1View(byte[] bytes, int start, int end) {
        if (start < 0 || end > bytes.length || start > end) {
            throw new IndexOutOfBoundsException("[" + start + "," + end + ") of " + bytes.length);
        }
        this.bytes = bytes;
        this.start = start;
        this.end = end;
    }

    public Latin1View(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    @Override
    public int length() {
        return end - start;
    }

    @Override
    public char charAt(int index) {
        return (char) (bytes[start + index] & 0xFF);
    }

    @Override
    public CharSequence subSequence(int from, int to) {
        return new Latin1View(bytes, start + from, start + to);
    }

    /** The bytes viewed; char {@code i} is {@code bytes()[offset() + i]}. For scans that read the bytes directly. */
    byte[] bytes() {
        return bytes;
    }

    int offset() {
        return start;
    }

    @Override
    public String toString() {
        return new String(bytes, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
