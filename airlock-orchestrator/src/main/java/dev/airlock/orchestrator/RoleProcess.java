package dev.airlock.orchestrator;

import java.util.Optional;

/** A role process a run started, identified by pid and start time (see {@link RunOwner}). */
public record RoleProcess(Role role, long pid, long startedMillis) {

    static Optional<RoleProcess> of(Role role, ProcessHandle p) {
        return RunOwner.startedMillis(p).map(started -> new RoleProcess(role, p.pid(), started));
    }

    /** The process, if it is still this one and alive. */
    Optional<ProcessHandle> live() {
        return RunOwner.live(pid, startedMillis);
    }
}
