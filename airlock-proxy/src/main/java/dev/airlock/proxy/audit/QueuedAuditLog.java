package dev.airlock.proxy.audit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

/**
 * Takes the audit file write off the event loop: records go into a bounded queue, in order, and one writer thread
 * appends them to a {@link JsonLinesAuditLog} in batches (one write per batch instead of one per request; the writer
 * lingers {@value #LINGER_MILLIS} ms after a batch's first record so that a batch is more than one record under load).
 *
 * <p>Never drops silently and fails closed: once the queue is three-quarters full {@link #accepting()} turns false
 * and the guard refuses new requests (503) until the writer catches up; the remaining quarter holds the records of
 * requests already admitted. Should even that fill (a disk that stopped), {@link #record} waits, as a synchronous
 * write would. Only records arriving after {@link #close()} are lost, each logged at SEVERE; close writes
 * everything still queued.
 */
public final class QueuedAuditLog implements AuditSink, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(QueuedAuditLog.class.getName());
    private static final int BATCH = 1024;
    /**
     * After the first record of a batch the writer waits this long for more: under load the event loops then add
     * records without waking the writer (no one is waiting on the queue) and one write carries a few hundred of them,
     * instead of one wake-up, one context switch and one write per request. Bounds how late a record reaches the file.
     */
    static final long LINGER_MILLIS = 5;
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);

    private final JsonLinesAuditLog log;
    private final ArrayBlockingQueue<AuditRecord> queue;
    private final int admitBelow;
    private final AtomicLong lost = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;

    public QueuedAuditLog(JsonLinesAuditLog log, int capacity) {
        if (capacity < 4) {
            throw new IllegalArgumentException("audit queue capacity must be at least 4");
        }
        this.log = log;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.admitBelow = capacity - capacity / 4;
        this.writer = Thread.ofPlatform().daemon().name("airlock-audit-writer").start(this::drain);
    }

    @Override
    public boolean accepting() {
        return !closed && queue.size() < admitBelow;
    }

    @Override
    public void record(AuditRecord record) {
        if (queue.offer(record)) {
            return;
        }
        // Full although admission stopped at three quarters: wait (as a synchronous write to a slow disk would)
        // rather than drop; only a closed log loses a record, and says so.
        try {
            while (!closed) {
                if (queue.offer(record, 1, TimeUnit.SECONDS)) {
                    return;
                }
                LOG.warning("the audit writer is behind (queue of " + queue.size() + " full); waiting to record "
                        + record.requestId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.severe("AUDIT RECORD LOST (" + lost.incrementAndGet() + " so far): the audit log is " + (closed ? "closed" : "stuck")
                + "; request " + record.requestId() + " of session " + record.session() + " is not in the audit log");
    }

    /** Records that could not be queued (each also logged at SEVERE). */
    public long lost() {
        return lost.get();
    }

    private void drain() {
        List<AuditRecord> batch = new ArrayList<>(BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                AuditRecord first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                if (!closed && queue.size() < BATCH - 1) {
                    LockSupport.parkNanos(LINGER_NANOS);
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                log.write(batch);
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<AuditRecord> rest = new ArrayList<>();
        queue.drainTo(rest);
        if (!rest.isEmpty()) {
            log.write(rest);
        }
        log.close();
    }
}
