package dev.airlock.sandbox;

import dev.airlock.core.event.DenialEvent;
import java.time.Instant;

/** One entry of a session's event log: a denial or a step in the life of a capability. */
public sealed interface SessionEvent {
    Instant time();

    /** A refused operation; also returned in the result of the call that caused it. */
    record Denied(DenialEvent denial) implements SessionEvent {
        public Instant time() { return denial.time(); }
    }

    record CapabilityRequested(Instant time, String capability, String reason) implements SessionEvent { }

    record CapabilityGranted(Instant time, String capability, String grantedBy, Instant expires) implements SessionEvent { }

    record CapabilityRefused(Instant time, String capability, String refusedBy, String why) implements SessionEvent { }

    record CapabilityRevoked(Instant time, String capability, String revokedBy) implements SessionEvent { }

    record CapabilityExpired(Instant time, String capability) implements SessionEvent { }

    /** Session lifecycle: opened, closed, killed by a resource limit. */
    record Lifecycle(Instant time, String what) implements SessionEvent { }
}
