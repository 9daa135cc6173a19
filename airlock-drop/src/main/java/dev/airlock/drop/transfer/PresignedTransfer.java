package dev.airlock.drop.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The agent side of the dead drop: downloads its input and uploads its output through presigned URLs with the
 * JDK's HTTP client. Holds no credentials and depends on nothing but the JDK. Redirects are never followed (a
 * redirect could carry the signed query to another host).
 */
public final class PresignedTransfer {
    private final HttpClient http;
    private final Duration timeout;

    public PresignedTransfer(Duration timeout) {
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.timeout = timeout;
    }

    /** Downloads into {@code out}, refusing more than {@code maxBytes}. Returns the byte count. */
    public long download(PresignedUrl url, OutputStream out, long maxBytes) throws IOException {
        require(url, "GET");
        HttpRequest req = HttpRequest.newBuilder(url.uri()).timeout(timeout).GET().build();
        HttpResponse<InputStream> resp = send(req, HttpResponse.BodyHandlers.ofInputStream(), url);
        try (InputStream in = resp.body()) {
            if (resp.statusCode() != 200) {
                throw new TransferException(url, resp.statusCode(), in);
            }
            byte[] buffer = new byte[256 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total > maxBytes) {
                    throw new IOException("download of " + url.key() + " exceeds " + maxBytes + " bytes");
                }
                out.write(buffer, 0, n);
            }
            return total;
        }
    }

    /**
     * Opens the object for streaming (so unpacking overlaps the transfer instead of waiting for the whole archive);
     * reading past {@code maxBytes} throws. The caller closes the stream.
     */
    public InputStream open(PresignedUrl url, long maxBytes) throws IOException {
        require(url, "GET");
        HttpRequest req = HttpRequest.newBuilder(url.uri()).timeout(timeout).GET().build();
        HttpResponse<InputStream> resp = send(req, HttpResponse.BodyHandlers.ofInputStream(), url);
        if (resp.statusCode() != 200) {
            try (InputStream error = resp.body()) {
                throw new TransferException(url, resp.statusCode(), error);
            }
        }
        return new BoundedStream(resp.body(), maxBytes, url.key());
    }

    /** Downloads the whole object into memory (bounded by {@code maxBytes}). */
    public byte[] download(PresignedUrl url, long maxBytes) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        download(url, out, maxBytes);
        return out.toByteArray();
    }

    public void upload(PresignedUrl url, byte[] content) throws IOException {
        require(url, "PUT");
        HttpRequest req = HttpRequest.newBuilder(url.uri()).timeout(timeout)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build();
        HttpResponse<InputStream> resp = send(req, HttpResponse.BodyHandlers.ofInputStream(), url);
        try (InputStream answer = resp.body()) {
            if (resp.statusCode() != 200) {
                throw new TransferException(url, resp.statusCode(), answer);
            }
        }
    }

    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler, PresignedUrl url)
            throws IOException {
        try {
            return http.send(req, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during " + url, e);
        }
    }

    private static void require(PresignedUrl url, String method) {
        if (!url.method().equals(method)) {
            throw new IllegalArgumentException(url + " is not a " + method + " URL");
        }
    }

    /** Refuses to deliver more than its cap. */
    private static final class BoundedStream extends java.io.FilterInputStream {
        private final long max;
        private final String key;
        private long total;

        BoundedStream(InputStream in, long max, String key) {
            super(in);
            this.max = max;
            this.key = key;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
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
                throw new IOException("download of " + key + " exceeds " + max + " bytes");
            }
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

        TransferException(PresignedUrl url, int status, InputStream answer) throws IOException {
            super(url + " answered HTTP " + status + storeError(answer)
                    + (status == 403 && java.time.Instant.now().isAfter(url.expiresAt())
                    ? " (the URL expired at " + url.expiresAt() + ")" : ""));
            this.status = status;
        }

        public int status() {
            return status;
        }

        /** " (Code: Message)" from an S3 error document, or "" when there is none. */
        private static String storeError(InputStream answer) throws IOException {
            String xml = new String(answer.readNBytes(MAX_ERROR_BYTES), java.nio.charset.StandardCharsets.UTF_8);
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
