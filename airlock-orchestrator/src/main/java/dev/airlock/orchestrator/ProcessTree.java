package dev.airlock.orchestrator;

/** Ends a role process and everything it started (its sandbox's bwrap, supervisor and agent). */
final class ProcessTree {
    private ProcessTree() {
    }

    /**
     * Kills the descendants first, then {@code process}: killed the other way round, the children would be reparented
     * to init and go on running unseen.
     */
    static void kill(Process process) {
        kill(process.toHandle());
    }

    static void kill(ProcessHandle process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
