package dev.airlock.proxy.audit;

import java.time.Instant;

/**
 * One audit line: a request or a tunnel. Holds no secret: {@code path} has query values removed (or is withheld
 * entirely when a secret was found in it), {@code rule} is a rule id.
 */
public record AuditRecord(
        Instant time,
        String session,
        String requestId,
        String kind,
        String method,
        String host,
        int port,
        String path,
        int status,
        long bytesIn,
        long bytesOut,
        long durationMillis,
        String decision,
        String rule) {
}
