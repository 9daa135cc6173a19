package dev.airlock.drop.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.time.Duration;

/**
 * The side of the dead drop without credentials (the agent worker, the git service): downloads and uploads single
 * objects through presigned URLs with the JDK's {@link HttpURLConnection}. Holds no credentials and depends on nothing
 * but the JDK. Redirects are never followed (a redirect could carry the signed query to another host) and no proxy
 * is consulted (the URL names the store).
 *
 * <p>Why not {@code java.net.http}: its client costs ~0.35 s of CPU to create and use once in a fresh JVM (it builds
 * the default TLS context and its asynchronous machinery even for {@code http://}), against ~0.03 s here — a cost
 * every short-lived role JVM paid on the run's critical path. A download must deliver the whole
 * {@code Content-Length}: a body cut short throws instead of ending early.
 */
public final class PresignedTransfer {
    private final int timeoutMillis;

    /** @param timeout to connect, and between any two reads of an answer */
    public PresignedTransfer(Duration timeout) {
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    }

    /** Downloads into {@code out}, refusing more than {@code maxBytes}. Returns the byte count. */
    public long download(PresignedUrl url, OutputStream out, long maxBytes) throws IOException {
        try (InputStream in = open(url, maxBytes)) {
            byte[] buffer = new byte[256 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                out.write(buffer, 0, n);
            }
            return total;
        }
    }

    /**
     * Opens the object for streaming (so unpacking overlaps the transfer instead of waiting for the whole archive);
     * reading past {@code maxBytes}, or an end before the announced length, throws. The caller closes the stream.
     */
    public InputStream open(PresignedUrl url, long maxBytes) throws IOException {
        require(url, "GET");
        HttpURLConnection c = connect(url, "GET");
        int status = c.getResponseCode();
        if (status != 200) {
            throw refused(url, c, status);
        }
        long length = c.getContentLengthLong();
        if (length > maxBytes) {
            c.disconnect();
            throw new TooLarge(url.key(), maxBytes);
        }
        return new BoundedStream(c.getInputStream(), maxBytes, length, url.key());
    }

    /** Downloads the whole object into memory (bounded by {@code maxBytes}). */
    public byte[] download(PresignedUrl url, long maxBytes) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        download(url, out, maxBytes);
        return out.toByteArray();
    }

    public void upload(PresignedUrl url, byte[] content) throws IOException {
        require(url, "PUT");
        HttpURLConnection c = connect(url, "PUT");
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(content.length);
        try (OutputStream out = c.getOutputStream()) {
            out.write(content);
        }
        int status = c.getResponseCode();
        if (status != 200) {
            throw refused(url, c, status);
        }
        try (InputStream answer = c.getInputStream()) {
            answer.readNBytes(TransferException.MAX_ERROR_BYTES); // S3 answers a PUT with no body
        }
    }

    private HttpURLConnection connect(PresignedUrl url, String method) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.uri().toURL().openConnection(Proxy.NO_PROXY);
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setConnectTimeout(timeoutMillis);
        c.setReadTimeout(timeoutMillis);
        c.setRequestMethod(method);
        // One request per connection: the JDK would take a kept-alive connection for a PUT without checking that
        // the store had not closed it meanwhile, and a streamed PUT cannot be retried. A role makes a few requests.
        c.setRequestProperty("Connection", "close");
        return c;
    }

    private static TransferException refused(PresignedUrl url, HttpURLConnection c, int status) throws IOException {
        InputStream error = c.getErrorStream();
        try (InputStream answer = error != null ? error : InputStream.nullInputStream()) {
            return new TransferException(url, status, answer);
        } finally {
            c.disconnect();
        }
    }

    private static void require(PresignedUrl url, String method) {
        if (!url.method().equals(method)) {
            throw new IllegalArgumentException(url + " is not a " + method + " URL");
        }
    }

    /** Refuses to deliver more than its cap, or to end before the length the store announced (-1: none). */
    private static final class BoundedStream extends java.io.FilterInputStream {
        private final long max;
        private final long announced;
        private final String key;
        private long total;

        BoundedStream(InputStream in, long max, long announced, String key) {
            super(in);
            this.max = max;
            this.announced = announced;
            this.key = key;
        }

        @Override
        public int read() throws IOException {
            int b;
            try {
                b = super.read();
            } catch (IOException e) {
                throw broken(e);
            }
            if (b >= 0) {
                count(1);
            } else {
                ended();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = super.read(b, off, len);
            } catch (IOException e) {
                throw broken(e);
            }
            if (n > 0) {
                count(n);
            } else if (n < 0) {
                ended();
            }
            return n;
        }

        @Override
        public long transferTo(OutputStream out) throws IOException {
            // Not the wrapped stream's own transferTo, which would bypass the counting.
            byte[] buffer = new byte[64 * 1024];
            long moved = 0;
            int n;
            while ((n = read(buffer, 0, buffer.length)) >= 0) {
                out.write(buffer, 0, n);
                moved += n;
            }
            return moved;
        }

        /** The connection failed mid-body (the JDK says "Premature EOF" for a body cut short): name the object. */
        private IOException broken(IOException e) {
            return new IOException("download of " + key + " failed after " + total
                    + (announced >= 0 ? " of " + announced : "") + " bytes: " + e.getMessage(), e);
        }

        private void ended() throws IOException {
            if (announced >= 0 && total < announced) {
                throw new IOException("download of " + key + " ended after " + total + " of " + announced + " bytes");
            }
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count(skipped);
            return skipped;
        }

        private void count(long n) throws IOException {
            total += n;
            if (total > max) {
                throw new TooLarge(key, max);
            }
        }
    }

    /** The object is larger than the caller's cap: the sender's fault, not the store's. */
    public static final class TooLarge extends IOException {
        TooLarge(String key, long max) {
            super("download of " + key + " exceeds " + max + " bytes");
        }
    }

    /**
     * The store refused (403 for a tampered or expired URL, 404 for a missing object). The message names the object
     * (never the signed query), the status, the store's error code and message (from the first
     * {@value #MAX_ERROR_BYTES} bytes of its answer) and, when the URL's expiry has passed, that it expired.
     */
    public static final class TransferException extends IOException {
        static final int MAX_ERROR_BYTES = 4096;
        private final int status;

        TransferException(PresignedUrl url, int status, InputStream answer) {
            super(url + " answered HTTP " + status + storeError(answer)
                    + (status == 403 && java.time.Instant.now().isAfter(url.expiresAt())
                    ? " (the URL expired at " + url.expiresAt() + ")" : ""));
            this.status = status;
        }

        public int status() {
            return status;
        }

        /** " (Code: Message)" from an S3 error document, or "" when there is none. */
        private static String storeError(InputStream answer) {
            String xml;
            try {
                xml = new String(answer.readNBytes(MAX_ERROR_BYTES), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IOException e) {
                return ""; // a broken error body must not hide the status (and the expiry hint) it came with
            }
            String code = element(xml, "Code");
            String message = element(xml, "Message");
            if (code == null) {
                return "";
            }
            return " (" + code + (message == null ? "" : ": " + message) + ")";
        }

        /** The text of the first {@code <name>…</name>}, printable ASCII only and at most 200 characters. */
        private static String element(String xml, String name) {
            int start = xml.indexOf("<" + name + ">");
            int end = start < 0 ? -1 : xml.indexOf("</" + name + ">", start);
            if (end < 0) {
                return null;
            }
            String text = xml.substring(start + name.length() + 2, end);
            StringBuilder clean = new StringBuilder();
            for (int i = 0; i < text.length() && clean.length() < 200; i++) {
                char c = text.charAt(i);
                clean.append(c >= 0x20 && c < 0x7f ? c : '?');
            }
            return clean.toString();
        }
    }
}
