package dev.airlock.proxy.audit;

/** Receives one record per request or tunnel. Must not throw; must be thread-safe. */
@FunctionalInterface
public interface AuditSink {
    void record(AuditRecord record);

    /**
     * Whether the sink can take the records of new requests; when it cannot (a backlog, see
     * {@link QueuedAuditLog}) the guard refuses new requests rather than forward unaudited ones.
     */
    default boolean accepting() {
        return true;
    }

    AuditSink NONE = r -> { };
}
