package dev.airlock.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The session's append-only event log; listeners (CLI, orchestrator) see each event as it is appended. */
public final class SessionEventLog {
    private static final int MAX_EVENTS = 10_000;
    private final List<SessionEvent> events = new ArrayList<>();
    private final List<Consumer<SessionEvent>> listeners = new CopyOnWriteArrayList<>();
    private long dropped;

    public void subscribe(Consumer<SessionEvent> listener) {
        listeners.add(listener);
    }

    void append(SessionEvent event) {
        synchronized (this) {
            // Bounded: a session that triggers denials in a loop must not exhaust the host's memory.
            if (events.size() < MAX_EVENTS) {
                events.add(event);
            } else {
                dropped++;
            }
        }
        for (Consumer<SessionEvent> l : listeners) {
            l.accept(event);
        }
    }

    public synchronized List<SessionEvent> events() {
        return List.copyOf(events);
    }

    public synchronized long dropped() {
        return dropped;
    }
}
