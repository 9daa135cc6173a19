package dev.airlock.orchestrator;

import dev.airlock.drop.s3.DropSigner;
import dev.airlock.drop.snapshot.SnapshotLimits;
import dev.airlock.drop.transfer.PresignedUrl;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.time.Duration;

/**
 * The orchestrator's reads of the dead drop (a run's input and output snapshots, to hash and compare them): each a
 * GET through a URL it presigns itself for that one object. The embedded drop is plain HTTP on loopback, so the JDK's
 * {@link HttpURLConnection} does it without an S3 SDK client (building one and its first request were ~0.25 s of CPU
 * of every run) and without the JDK's {@code HttpClient}, whose construction sets up TLS (the default trust store)
 * for nothing here. The presigner is loaded anyway to sign the agent's URLs.
 */
final class DropReader implements AutoCloseable {
    /** Long enough for a large snapshot on a slow disk; the URL is used at once and never leaves this process. */
    private static final Duration EXPIRY = Duration.ofMinutes(10);
    private static final int TIMEOUT_MILLIS = (int) Duration.ofMinutes(2).toMillis();
    /** The snapshot reader refuses more compressed bytes than this anyway; the transfer stops at the same point. */
    private static final long MAX_BYTES = SnapshotLimits.DEFAULT.maxCompressedBytes() + 1;

    private final DropSigner signer;

    private DropReader(DropSigner signer) {
        this.signer = signer;
    }

    static DropReader open(EmbeddedDrop drop) throws IOException {
        return new DropReader(DropSigner.open(drop.settings()));
    }

    /**
     * A reader whose signer and HTTP stack have made one request already (a GET of {@code absentKey}, which is not
     * written yet and answers 404): the first request is what loads and initialises them, which the coding phase
     * would otherwise wait for. Null if the store cannot be reached; reading later opens a reader and says why.
     */
    static DropReader warmed(EmbeddedDrop drop, String absentKey) {
        DropReader reader = null;
        try {
            reader = open(drop);
            try (InputStream ignored = reader.open(absentKey)) {
                // present after all: nothing to read here, the request was the point
            } catch (FileNotFoundException expected) {
                // 404: the store answered
            }
            return reader;
        } catch (IOException | RuntimeException e) {
            if (reader != null) {
                reader.close();
            }
            return null;
        }
    }

    /**
     * Streams the object {@code key} (at most the snapshot limit's bytes); a missing object is a
     * {@link FileNotFoundException}, any other refusal an {@link IOException} with the store's status.
     */
    InputStream open(String key) throws IOException {
        PresignedUrl url = signer.get(key, EXPIRY);
        // Never through a proxy, never to where a redirect points: the signed query is for the drop alone.
        HttpURLConnection http = (HttpURLConnection) url.uri().toURL().openConnection(Proxy.NO_PROXY);
        http.setInstanceFollowRedirects(false);
        http.setConnectTimeout(TIMEOUT_MILLIS);
        http.setReadTimeout(TIMEOUT_MILLIS);
        int status = http.getResponseCode();
        if (status != 200) {
            InputStream error = http.getErrorStream();
            if (error != null) {
                error.close();
            }
            if (status == 404) {
                throw new FileNotFoundException(key + " is not in the drop");
            }
            throw new IOException("the drop answered HTTP " + status + " for " + key);
        }
        return new Bounded(http.getInputStream(), key);
    }

    @Override
    public void close() {
        signer.close();
    }

    /** Refuses to deliver more than {@link #MAX_BYTES}. */
    private static final class Bounded extends FilterInputStream {
        private final String key;
        private long total;

        Bounded(InputStream in, String key) {
            super(in);
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
            if (total > MAX_BYTES) {
                throw new IOException("reading " + key + " from the drop exceeds " + MAX_BYTES + " bytes");
            }
        }
    }
}
