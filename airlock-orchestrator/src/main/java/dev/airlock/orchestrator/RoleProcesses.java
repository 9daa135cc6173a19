package dev.airlock.orchestrator;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The role processes of one run, recorded in the run database while they run. If the orchestrator dies, its roles
 * live on as orphans (an agent worker may still be working, a git role still pushing); {@code airlock resume} and
 * {@code airlock cancel} kill them, with everything they started (the sandbox), before anything else happens.
 */
public final class RoleProcesses {
    private static final long KILL_WAIT_SECONDS = 10;
    private final RunStore store;
    private final String run;
    private final java.util.Map<Long, RoleProcess> tracked = new java.util.concurrent.ConcurrentHashMap<>();

    public RoleProcesses(RunStore store, String run) {
        this.store = store;
        this.run = run;
    }

    /**
     * Records a role process right after it started. If the run was cancelled meanwhile (the cancel's sweep may have
     * read the list just before this entry), the process is killed at once: a cancelled run starts no role that
     * survives.
     */
    public void track(Role role, ProcessHandle p) throws SQLException {
        RoleProcess rp = RoleProcess.of(role, p).orElse(new RoleProcess(role, p.pid(), 0));
        store.addProcess(run, role, rp);
        tracked.put(p.pid(), rp);
        if (store.get(run).map(r -> r.state() == RunState.CANCELLED).orElse(false)) {
            ProcessTree.kill(p);
        }
    }

    /** Forgets a role process that ended. */
    public void forget(long pid) throws SQLException {
        RoleProcess rp = tracked.remove(pid);
        if (rp != null) {
            store.removeProcess(run, rp);
        }
    }

    /** An observer recording every role a launcher starts for this run. */
    public RoleLauncher.Observer observer() {
        return (role, p) -> {
            try {
                track(role, p);
            } catch (SQLException e) {
                // An untracked role could outlive a crash unnoticed: refuse to let it run.
                ProcessTree.kill(p);
                throw new IllegalStateException("cannot record the " + role.label() + " role process: " + e.getMessage(), e);
            }
        };
    }

    /**
     * Kills every recorded process of the run that is still the process recorded (same pid and start time) and all
     * its descendants, waits for them to exit and forgets them. Returns what was killed, for the run's events.
     */
    public List<RoleProcess> killAll() throws SQLException {
        List<RoleProcess> killed = new ArrayList<>();
        List<ProcessHandle> dying = new ArrayList<>();
        for (RoleProcess p : store.processes(run)) {
            p.live().ifPresent(h -> {
                // Children first: a sandbox must not outlive the worker that would have reaped it.
                h.descendants().forEach(d -> {
                    d.destroyForcibly();
                    dying.add(d);
                });
                h.destroyForcibly();
                dying.add(h);
                killed.add(p);
            });
            store.removeProcess(run, p);
        }
        // Polled, not onExit(): the exit future of a handle to another Process's child may never complete once that
        // Process reaped it. isAlive() compares pid and start time. SIGKILL cannot be refused; a process in
        // uninterruptible sleep goes when its I/O ends, so the wait is bounded.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(KILL_WAIT_SECONDS);
        while (dying.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return killed;
    }
}
