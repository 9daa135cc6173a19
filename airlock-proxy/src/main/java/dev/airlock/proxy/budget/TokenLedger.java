package dev.airlock.proxy.budget;

import dev.airlock.core.SessionId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Token counters per session, written by the response meters and read by the budget check and the control socket. */
public final class TokenLedger {
    private final long budget;
    private final Map<SessionId, Counters> sessions = new ConcurrentHashMap<>();

    private static final class Counters {
        final AtomicLong in = new AtomicLong();
        final AtomicLong out = new AtomicLong();
        final AtomicLong unmetered = new AtomicLong();
    }

    /** @param budget tokens (input + output) each session may use; 0 = unlimited */
    public TokenLedger(long budget) {
        if (budget < 0) {
            throw new IllegalArgumentException("token budget must be >= 0");
        }
        this.budget = budget;
    }

    public long budget() {
        return budget;
    }

    void add(SessionId session, long in, long out) {
        Counters c = sessions.computeIfAbsent(session, s -> new Counters());
        c.in.addAndGet(in);
        c.out.addAndGet(out);
    }

    void unmetered(SessionId session) {
        sessions.computeIfAbsent(session, s -> new Counters()).unmetered.incrementAndGet();
    }

    public TokenUsage usage(SessionId session) {
        Counters c = sessions.get(session);
        return c == null ? new TokenUsage(0, 0, 0, budget) : new TokenUsage(c.in.get(), c.out.get(), c.unmetered.get(), budget);
    }

    /** Every session that has used anything, in no particular order. */
    public Map<SessionId, TokenUsage> all() {
        Map<SessionId, TokenUsage> out = new LinkedHashMap<>();
        sessions.keySet().forEach(s -> out.put(s, usage(s)));
        return out;
    }
}
