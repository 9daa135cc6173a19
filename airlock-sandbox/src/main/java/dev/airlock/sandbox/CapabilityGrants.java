package dev.airlock.sandbox;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The session's live grants: who granted what, until when. Every change is a {@link SessionEvent}. */
public final class CapabilityGrants {
    private final Map<String, Instant> expiries = new LinkedHashMap<>();
    private final SessionEventLog log;
    private final Clock clock;

    CapabilityGrants(SessionEventLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    synchronized void grant(Capability c, String by, Instant expires) {
        expiries.put(c.name(), expires);
        log.append(new SessionEvent.CapabilityGranted(clock.instant(), c.name(), by, expires));
    }

    /** Revokes a grant; returns whether it was held. */
    public synchronized boolean revoke(String name, String by) {
        if (expiries.remove(name) != null) {
            log.append(new SessionEvent.CapabilityRevoked(clock.instant(), name, by));
            return true;
        }
        return false;
    }

    /** Whether the capability is granted now; an expired grant is removed and reported here. */
    public synchronized boolean holds(String name) {
        Instant exp = expiries.get(name);
        if (exp == null) {
            return false;
        }
        if (!clock.instant().isBefore(exp)) {
            expiries.remove(name);
            log.append(new SessionEvent.CapabilityExpired(clock.instant(), name));
            return false;
        }
        return true;
    }

    /** Names of the grants in force (the egress guard asks for {@code net:*} entries). */
    public synchronized List<String> active() {
        return expiries.keySet().stream().filter(this::holds).toList();
    }
}
