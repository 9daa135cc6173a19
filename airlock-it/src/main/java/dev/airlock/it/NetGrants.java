package dev.airlock.it;

import dev.airlock.core.SessionId;
import dev.airlock.proxy.EgressGuard;
import dev.airlock.proxy.policy.GuardPolicy;
import dev.airlock.proxy.policy.HostPattern;
import dev.airlock.sandbox.SandboxSession;
import dev.airlock.sandbox.SessionEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps one session's guard policy equal to its base policy plus the {@code net:HOST} / {@code net:*} grants in force.
 * Listens to the session's event log: a grant widens the guard's allowlist for this session only; a revocation or
 * expiry narrows it again (and the guard closes the session's open connections). Expiry is enforced at the grant's
 * deadline by a timer, not only when the sandbox next looks at its grants, so the guard never outlives a TTL by more
 * than the timer's slack.
 */
final class NetGrants implements Consumer<SessionEvent>, AutoCloseable {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "airlock-net-grant-expiry");
        t.setDaemon(true);
        return t;
    });

    private final EgressGuard guard;
    private final SessionId id;
    private final GuardPolicy base;
    private final Map<String, ScheduledFuture<?>> expiries = new ConcurrentHashMap<>();
    private volatile SandboxSession session;
    private volatile boolean closed;

    NetGrants(EgressGuard guard, SessionId id, GuardPolicy base) {
        this.guard = guard;
        this.id = id;
        this.base = base;
    }

    void attach(SandboxSession s) {
        session = s;
    }

    @Override
    public void accept(SessionEvent e) {
        switch (e) {
            case SessionEvent.CapabilityGranted g when isNet(g.capability()) -> {
                sync();
                scheduleExpiry(g.capability(), g.expires());
            }
            case SessionEvent.CapabilityRevoked r when isNet(r.capability()) -> {
                cancel(r.capability());
                sync();
            }
            case SessionEvent.CapabilityExpired x when isNet(x.capability()) -> {
                cancel(x.capability());
                sync();
            }
            default -> {
                // other events do not change the guard's policy
            }
        }
    }

    private static boolean isNet(String capability) {
        return capability.startsWith("net:");
    }

    private void cancel(String capability) {
        ScheduledFuture<?> f = expiries.remove(capability);
        if (f != null) {
            f.cancel(false);
        }
    }

    private void scheduleExpiry(String capability, Instant expires) {
        // Rounded up: a timer that fires before the deadline would find the grant still valid.
        long delay = Math.max(0, Duration.between(Instant.now(), expires).toNanos() / 1_000_000 + 1);
        ScheduledFuture<?> old = expiries.put(capability, TIMER.schedule(() -> expire(capability, expires), delay, TimeUnit.MILLISECONDS));
        if (old != null) {
            old.cancel(false);
        }
    }

    /**
     * At the deadline: the session's grant book records the expiry (an event), which comes back here and narrows. A
     * grant still held just after its deadline (clocks that disagree by a millisecond) is looked at again shortly;
     * one still held a second later was granted again, and that grant scheduled its own expiry.
     */
    private void expire(String capability, Instant expires) {
        SandboxSession s = session;
        if (s != null && !closed && s.grants().holds(capability) && Instant.now().isBefore(expires.plusSeconds(1))) {
            TIMER.schedule(() -> expire(capability, expires), 10, TimeUnit.MILLISECONDS); // stops once closed
        }
    }

    private synchronized void sync() {
        SandboxSession s = session;
        if (s == null || closed) {
            return;
        }
        List<HostPattern> allow = new ArrayList<>(base.allow());
        for (String name : s.grants().active()) {
            if (isNet(name)) {
                String host = name.substring(4);
                int colon = host.indexOf(':');
                allow.add(HostPattern.parse(colon < 0 ? host : host.substring(0, colon)));
            }
        }
        guard.updateSession(id, base.withAllow(allow));
    }

    @Override
    public void close() {
        closed = true;
        expiries.values().forEach(f -> f.cancel(false));
        expiries.clear();
    }
}
