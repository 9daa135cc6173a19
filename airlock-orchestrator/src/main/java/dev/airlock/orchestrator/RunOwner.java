package dev.airlock.orchestrator;

import java.util.Optional;

/**
 * The orchestrator process driving a run: its pid and its start time together, so that a pid the kernel reused for
 * another process is never mistaken for the owner. An owner that is no longer alive makes its unfinished runs
 * resumable; one whose liveness cannot be established is taken as alive (a run is never stolen on a guess).
 */
public record RunOwner(long pid, long startedMillis) {

    /** This JVM. */
    public static RunOwner current() {
        ProcessHandle me = ProcessHandle.current();
        return new RunOwner(me.pid(), startedMillis(me).orElseThrow(
                () -> new IllegalStateException("this platform does not report process start times")));
    }

    /** Parses {@link #toString()}. */
    public static RunOwner parse(String s) {
        int colon = s.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not a run owner: " + s);
        }
        return new RunOwner(Long.parseLong(s.substring(0, colon)), Long.parseLong(s.substring(colon + 1)));
    }

    public boolean alive() {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return false;
        }
        return startedMillis(p.get()).map(started -> started == startedMillis).orElse(true);
    }

    /** The live process with this pid and start time, if there is one. */
    static Optional<ProcessHandle> live(long pid, long startedMillis) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> startedMillis(p).map(s -> s == startedMillis).orElse(false));
    }

    static Optional<Long> startedMillis(ProcessHandle p) {
        return p.info().startInstant().map(java.time.Instant::toEpochMilli);
    }

    @Override
    public String toString() {
        return pid + ":" + startedMillis;
    }
}
