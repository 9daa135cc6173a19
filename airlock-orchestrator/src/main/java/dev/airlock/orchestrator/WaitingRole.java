package dev.airlock.orchestrator;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A role process started ahead of its phase (its JVM starts while an earlier phase runs) that waits for the line
 * {@code go} on its stdin before it acts ({@code --wait-for-go}). Told to go, it is awaited like any role; never told,
 * it is ended unstarted by closing its stdin — which also happens by itself when the orchestrator dies.
 */
final class WaitingRole {
    private static final Duration END_GRACE = Duration.ofSeconds(5);
    private final Process process;
    private final RoleOutput output;

    WaitingRole(Process process) {
        this.process = process;
        this.output = new RoleOutput(process);
    }

    Process process() {
        return process;
    }

    RoleOutput output() {
        return output;
    }

    /** Tells the role to begin. A role that already ended is not an error here: its exit status says why. */
    void go() {
        try (OutputStream in = process.getOutputStream()) {
            in.write("go\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException ignored) {
            // it ended before the signal (killed, or failed to start): awaiting it reports its status and stderr
        }
    }

    /** Ends a role never told to go (end of input: it exits without acting); killed if still there after a grace. */
    void endUnstarted() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            if (!process.waitFor(END_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                ProcessTree.kill(process);
            }
        } catch (InterruptedException e) {
            ProcessTree.kill(process);
            Thread.currentThread().interrupt();
        }
    }
}
