package dev.airlock.proxy.audit;

/** Receives one record per request or tunnel. Must not throw; must be thread-safe. */
@FunctionalInterface
public interface AuditSink {
    void record(AuditRecord record);

    AuditSink NONE = r -> { };
}
