package dev.airlock.cli.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The host side of a scripted agent's "started" signal: the agent touches {@code started} in its workspace (a bind
 * mount of a host directory) and waits for {@code go}. Waiting on the file, not on a sleep, makes the kill point
 * deterministic: the agent is mid-phase, its output not yet uploaded.
 */
final class AgentSignal {
    private static final long TIMEOUT_NANOS = 600_000_000_000L;

    private AgentSignal() {
    }

    /** The workspace of the newest coding attempt of the run once its agent signalled; fails if {@code driver} ends first. */
    static Path awaitStarted(Path runDir, Future<?> driver) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            Path found = startedWorkspace(runDir);
            if (found != null) {
                return found;
            }
            if (driver.isDone()) {
                throw new AssertionError("the run ended before its agent started: " + driver.get());
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the agent of " + runDir.getFileName() + " did not signal within 600 s");
    }

    static Path startedWorkspace(Path runDir) throws java.io.IOException {
        return startedWorkspace(runDir, null);
    }

    /** A workspace of the run whose agent signalled and waits, other than {@code except}; null if none. */
    static Path startedWorkspace(Path runDir, Path except) throws java.io.IOException {
        if (!Files.isDirectory(runDir)) {
            return null;
        }
        try (Stream<Path> attempts = Files.list(runDir)) {
            return attempts.filter(d -> d.getFileName().toString().startsWith("agent"))
                    .map(d -> d.resolve("workspace"))
                    .filter(w -> !w.equals(except))
                    .filter(w -> Files.exists(w.resolve("started")) && !Files.exists(w.resolve("go")))
                    .findFirst().orElse(null);
        }
    }
}
