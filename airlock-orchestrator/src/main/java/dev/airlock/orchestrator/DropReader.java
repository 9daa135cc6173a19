package dev.airlock.orchestrator;

import dev.airlock.drop.s3.DropSigner;
import dev.airlock.drop.snapshot.SnapshotLimits;
import dev.airlock.drop.transfer.PresignedTransfer;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * The orchestrator's reads of the dead drop (a run's input and output snapshots, to hash and compare them): each a
 * GET through a URL it presigns itself for that one object, with the JDK's HTTP client. The orchestrator then builds
 * no S3 SDK client: building one and its first request were ~0.25 s of CPU in every run, while the presigner is
 * loaded anyway to sign the agent's URLs.
 */
final class DropReader implements AutoCloseable {
    /** Long enough for a large snapshot on a slow disk; the URL is used at once and never leaves this process. */
    private static final Duration EXPIRY = Duration.ofMinutes(10);
    /** The snapshot reader refuses more compressed bytes than this anyway; the transfer stops at the same point. */
    private static final long MAX_BYTES = SnapshotLimits.DEFAULT.maxCompressedBytes() + 1;

    private final DropSigner signer;
    private final PresignedTransfer http;

    private DropReader(DropSigner signer, PresignedTransfer http) {
        this.signer = signer;
        this.http = http;
    }

    static DropReader open(EmbeddedDrop drop) throws IOException {
        return new DropReader(DropSigner.open(drop.settings()), new PresignedTransfer(Duration.ofMinutes(2)));
    }

    /**
     * A reader whose signer and HTTP client have made one request already (a GET of {@code absentKey}, which is not
     * written yet and answers 404): the first request is what loads and initialises them, which the coding phase
     * would otherwise wait for. Null if the store cannot be reached; reading later opens a reader and says why.
     */
    static DropReader warmed(EmbeddedDrop drop, String absentKey) {
        DropReader reader = null;
        try {
            reader = open(drop);
            try (InputStream ignored = reader.open(absentKey)) {
                // present after all: nothing to read here, the request was the point
            } catch (PresignedTransfer.TransferException expected) {
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

    /** Streams the object {@code key}; a missing object is a {@link PresignedTransfer.TransferException} (404). */
    InputStream open(String key) throws IOException {
        return http.open(signer.get(key, EXPIRY), MAX_BYTES);
    }

    @Override
    public void close() {
        signer.close();
    }
}
