package dev.airlock.proxy.scan;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Splits a {@code multipart/*} body (RFC 2046; {@code multipart/form-data} per RFC 7578) into its parts so each
 * part's headers and content can be scanned as the receiving server will read them: a part sent as
 * {@code Content-Transfer-Encoding: base64} or {@code quoted-printable} is decoded first, and a nested
 * {@code multipart/*} part is split in turn.
 *
 * <p>Everything is bounded: the boundary (1–70 characters of RFC 2046's set, exactly one {@code boundary}
 * parameter), the number of parts, each part's header block, nesting depth and the total bytes decoded. A body
 * that is not well formed (boundary missing, overlong, absent from the body, or no close delimiter) is refused
 * rather than scanned as opaque bytes: a server's parser might still find parts in it that the guard never looked
 * at ({@link BodyDecoder.DecodeException}, {@code tooLarge} only past the decoded cap). Plain byte scanning, no
 * regular expressions.
 */
public final class MultipartBody {
    static final int MAX_BOUNDARY = 70;
    static final int MAX_PARTS = 1000;
    static final int MAX_PART_HEADER_BYTES = 16 * 1024;
    static final int MAX_DEPTH = 3;

    private MultipartBody() {
    }

    /**
     * One part, decoded.
     *
     * @param label   position, {@code 2} or {@code 2.1} for a part nested in part 2 (never attacker text)
     * @param headers the part's header block as sent
     * @param content the content after undoing its Content-Transfer-Encoding
     */
    public record Part(String label, byte[] headers, byte[] content) {
    }

    /** Whether {@code contentType} names a multipart body. */
    public static boolean isMultipart(String contentType) {
        return contentType != null && contentType.regionMatches(true, contentType.length() - contentType.stripLeading().length(),
                "multipart/", 0, 10);
    }

    /**
     * Every part of {@code body}, nested multiparts flattened after their parent.
     *
     * @param decodedCap most bytes all decoded contents together may take
     */
    public static List<Part> parse(String contentType, byte[] body, long decodedCap) throws BodyDecoder.DecodeException {
        List<Part> out = new ArrayList<>();
        long[] budget = {decodedCap};
        split(contentType, body, "", 1, out, budget);
        return out;
    }

    private static void split(String contentType, byte[] body, String prefix, int depth, List<Part> out, long[] budget)
            throws BodyDecoder.DecodeException {
        byte[] boundary = boundary(contentType);
        byte[] dash = new byte[boundary.length + 2];
        dash[0] = '-';
        dash[1] = '-';
        System.arraycopy(boundary, 0, dash, 2, boundary.length);
        int at = delimiter(body, dash, 0, true);
        if (at < 0) {
            throw new BodyDecoder.DecodeException("multipart body does not contain its boundary", false);
        }
        int n = 0;
        while (true) {
            int after = at + dash.length;
            if (after + 1 < body.length && body[after] == '-' && body[after + 1] == '-') {
                return; // close delimiter; the epilogue is ignored by receivers (and scanned with the raw body)
            }
            int headersStart = lineEnd(body, after);
            if (headersStart < 0) {
                throw new BodyDecoder.DecodeException("multipart boundary line is malformed or the body is unterminated", false);
            }
            int next = delimiter(body, dash, headersStart, false);
            if (next < 0) {
                throw new BodyDecoder.DecodeException("multipart body is unterminated (no close delimiter '--boundary--')", false);
            }
            if (++n > MAX_PARTS) {
                throw new BodyDecoder.DecodeException("multipart body has more than " + MAX_PARTS + " parts", false);
            }
            int contentEnd = next;
            if (contentEnd > headersStart && body[contentEnd - 1] == '\n') {
                contentEnd--;
                if (contentEnd > headersStart && body[contentEnd - 1] == '\r') {
                    contentEnd--;
                }
            }
            part(body, headersStart, contentEnd, prefix + n, depth, out, budget);
            at = next;
        }
    }

    private static void part(byte[] body, int start, int end, String label, int depth, List<Part> out, long[] budget)
            throws BodyDecoder.DecodeException {
        int blank = -1;
        int limit = Math.min(end, start + MAX_PART_HEADER_BYTES);
        if (start < end && (body[start] == '\n' || body[start] == '\r' && start + 1 < end && body[start + 1] == '\n')) {
            blank = start; // no headers at all
        }
        for (int i = start; blank < 0 && i < limit; i++) {
            if (body[i] == '\n' && i + 1 < end && (body[i + 1] == '\n' || body[i + 1] == '\r' && i + 2 < end && body[i + 2] == '\n')) {
                blank = i + 1;
            }
        }
        if (blank < 0) {
            throw new BodyDecoder.DecodeException(end - start > MAX_PART_HEADER_BYTES
                    ? "multipart part " + label + " has more than " + MAX_PART_HEADER_BYTES + " bytes of headers"
                    : "multipart part " + label + " has no blank line after its headers", false);
        }
        int contentStart = blank + (body[blank] == '\r' ? 2 : 1);
        String headers = new String(body, start, blank - start, StandardCharsets.ISO_8859_1);
        String encoding = header(headers, "content-transfer-encoding");
        String type = header(headers, "content-type");
        byte[] content = switch (encoding == null ? "" : encoding.trim().toLowerCase(Locale.ROOT)) {
            case "", "7bit", "8bit", "binary" -> slice(body, contentStart, end);
            case "base64" -> base64(body, contentStart, end, label);
            case "quoted-printable" -> quotedPrintable(body, contentStart, end);
            default -> throw new BodyDecoder.DecodeException("multipart part " + label + " has an unsupported "
                    + "Content-Transfer-Encoding; use base64, quoted-printable or none", false);
        };
        budget[0] -= content.length;
        if (budget[0] < 0) {
            throw new BodyDecoder.DecodeException("decoded multipart parts exceed the scan cap", true);
        }
        int headersEnd = blank;
        while (headersEnd > start && (body[headersEnd - 1] == '\n' || body[headersEnd - 1] == '\r')) {
            headersEnd--;
        }
        out.add(new Part(label, slice(body, start, headersEnd), content));
        if (isMultipart(type)) {
            if (depth >= MAX_DEPTH) {
                throw new BodyDecoder.DecodeException("multipart parts are nested more than " + MAX_DEPTH + " deep", false);
            }
            split(type, content, label + ".", depth + 1, out, budget);
        }
    }

    /** The {@code boundary} parameter, validated; exactly one must be present. */
    static byte[] boundary(String contentType) throws BodyDecoder.DecodeException {
        String found = null;
        int i = contentType.indexOf(';');
        while (i >= 0 && i < contentType.length()) {
            int nameStart = i + 1;
            int eq = contentType.indexOf('=', nameStart);
            if (eq < 0) {
                break;
            }
            String name = contentType.substring(nameStart, eq).trim();
            String value;
            int next;
            int v = eq + 1;
            while (v < contentType.length() && contentType.charAt(v) == ' ') {
                v++;
            }
            if (v < contentType.length() && contentType.charAt(v) == '"') {
                int close = contentType.indexOf('"', v + 1);
                if (close < 0) {
                    throw new BodyDecoder.DecodeException("multipart Content-Type has an unterminated quoted parameter", false);
                }
                value = contentType.substring(v + 1, close);
                next = contentType.indexOf(';', close);
            } else {
                next = contentType.indexOf(';', v);
                value = contentType.substring(v, next < 0 ? contentType.length() : next).trim();
            }
            if (name.equalsIgnoreCase("boundary")) {
                if (found != null) {
                    throw new BodyDecoder.DecodeException("multipart Content-Type has more than one boundary parameter", false);
                }
                found = value;
            }
            i = next;
        }
        if (found == null || found.isEmpty()) {
            throw new BodyDecoder.DecodeException("multipart Content-Type has no boundary parameter", false);
        }
        if (found.length() > MAX_BOUNDARY) {
            throw new BodyDecoder.DecodeException("multipart boundary is longer than " + MAX_BOUNDARY + " characters", false);
        }
        for (int c = 0; c < found.length(); c++) {
            char ch = found.charAt(c);
            boolean ok = ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || "'()+_,-./:=? ".indexOf(ch) >= 0;
            if (!ok || ch == ' ' && c == found.length() - 1) {
                throw new BodyDecoder.DecodeException("multipart boundary contains a character RFC 2046 does not allow", false);
            }
        }
        return found.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Next {@code --boundary} at a line start from {@code from} (or at {@code from} itself when {@code first}). */
    private static int delimiter(byte[] body, byte[] dash, int from, boolean first) {
        for (int i = from; i <= body.length - dash.length; i++) {
            boolean lineStart = i == 0 || body[i - 1] == '\n' || first && i == from;
            if (lineStart && body[i] == '-' && matches(body, i, dash)) {
                int after = i + dash.length;
                // "--boundaryX" is content, not a delimiter: the boundary must end the line or be followed by "--".
                if (after == body.length || body[after] == '\r' || body[after] == '\n' || body[after] == ' '
                        || body[after] == '\t' || body[after] == '-') {
                    return i;
                }
            }
        }
        return -1;
    }

    private static boolean matches(byte[] body, int at, byte[] dash) {
        for (int k = 0; k < dash.length; k++) {
            if (body[at + k] != dash[k]) {
                return false;
            }
        }
        return true;
    }

    /** Start of the line after a boundary (transport padding allowed), or -1. */
    private static int lineEnd(byte[] body, int at) {
        int i = at;
        while (i < body.length && (body[i] == ' ' || body[i] == '\t')) {
            i++;
        }
        if (i < body.length && body[i] == '\n') {
            return i + 1;
        }
        if (i + 1 < body.length && body[i] == '\r' && body[i + 1] == '\n') {
            return i + 2;
        }
        return -1;
    }

    /** A header's (unfolded) value from a part's header block, or {@code null}; the last occurrence wins. */
    private static String header(String block, String name) {
        String found = null;
        int start = 0;
        while (start < block.length()) {
            int end = start;
            // A logical line ends at a line break not followed by a space or tab (obs-fold continues it).
            while (end < block.length() && !(block.charAt(end) == '\n'
                    && (end + 1 >= block.length() || block.charAt(end + 1) != ' ' && block.charAt(end + 1) != '\t'))) {
                end++;
            }
            int colon = block.indexOf(':', start);
            if (colon > start && colon < end && block.substring(start, colon).trim().equalsIgnoreCase(name)) {
                found = block.substring(colon + 1, end).replace('\r', ' ').replace('\n', ' ').trim();
            }
            start = end + 1;
        }
        return found;
    }

    private static byte[] slice(byte[] body, int from, int to) {
        byte[] out = new byte[Math.max(0, to - from)];
        System.arraycopy(body, from, out, 0, out.length);
        return out;
    }

    private static byte[] base64(byte[] body, int from, int to, String label) throws BodyDecoder.DecodeException {
        try {
            // The MIME decoder skips line breaks, as mail and form parsers do.
            return Base64.getMimeDecoder().decode(slice(body, from, to));
        } catch (IllegalArgumentException e) {
            throw new BodyDecoder.DecodeException("multipart part " + label + " is not valid base64", false);
        }
    }

    private static byte[] quotedPrintable(byte[] body, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = body[i];
            if (b == '=' && i + 1 < to && body[i + 1] == '\n') {
                i += 1; // soft line break
            } else if (b == '=' && i + 2 < to && body[i + 1] == '\r' && body[i + 2] == '\n') {
                i += 2;
            } else if (b == '=' && i + 2 < to && hex(body[i + 1]) >= 0 && hex(body[i + 2]) >= 0) {
                out.write(hex(body[i + 1]) << 4 | hex(body[i + 2]));
                i += 2;
            } else {
                out.write(b); // a stray '=' is kept, as lenient decoders do
            }
        }
        return out.toByteArray();
    }

    private static int hex(byte b) {
        return b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
    }
}
