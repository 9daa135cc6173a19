package dev.airlock.proxy.audit;

import dev.airlock.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.logging.Logger;

/**
 * JSON Lines audit log, rotated by size: {@code audit.jsonl} → {@code audit.jsonl.1} … {@code .N}, oldest dropped.
 */
public final class JsonLinesAuditLog implements AuditSink, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JsonLinesAuditLog.class.getName());
    private final Path file;
    private final long maxBytes;
    private final int keep;
    private OutputStream out;
    private long size;
    private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream(8192);

    public JsonLinesAuditLog(Path file, long maxBytes, int keep) throws IOException {
        if (maxBytes < 1024 || keep < 1) {
            throw new IllegalArgumentException("audit rotation needs maxBytes >= 1024 and keep >= 1");
        }
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
        open();
    }

    private void open() throws IOException {
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        size = Files.size(file);
    }

    @Override
    public synchronized void record(AuditRecord record) {
        write(List.of(record));
    }

    /**
     * Appends records in order with as few writes as possible (one per batch unless a rotation falls inside it).
     * Used by {@link QueuedAuditLog}'s writer thread.
     */
    public synchronized void write(List<AuditRecord> records) {
        try {
            pending.reset();
            for (AuditRecord record : records) {
                byte[] line = Json.mapper().writeValueAsBytes(record);
                if (size + pending.size() > 0 && size + pending.size() + line.length + 1 > maxBytes) {
                    flushPending();
                    if (size > 0) {
                        rotate();
                    }
                }
                pending.write(line);
                pending.write('\n');
            }
            flushPending();
        } catch (IOException e) {
            LOG.severe("audit log write failed, " + records.size() + " record(s) not written: " + e.getMessage());
        }
    }

    private void flushPending() throws IOException {
        if (pending.size() > 0) {
            pending.writeTo(out);
            out.flush();
            size += pending.size();
            pending.reset();
        }
    }

    private void rotate() throws IOException {
        out.close();
        Files.deleteIfExists(rotated(keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(rotated(i))) {
                Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    private Path rotated(int i) {
        return file.resolveSibling(file.getFileName() + "." + i);
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
