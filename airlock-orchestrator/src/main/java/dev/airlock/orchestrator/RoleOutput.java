package dev.airlock.orchestrator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A role process's stdout and stderr, collected from the moment it started (bounded, so a chatty role cannot exhaust
 * the orchestrator). Each blocking pipe read gets a thread of its own: a role started ahead of its phase may wait a
 * long time before it writes anything, and must not hold a shared pool's thread meanwhile.
 */
final class RoleOutput {
    static final int MAX_ROLE_OUTPUT = 1 << 20;
    private final CompletableFuture<String> out;
    private final CompletableFuture<String> err;

    RoleOutput(Process p) {
        out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), RoleOutput::ownThread);
        err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), RoleOutput::ownThread);
    }

    /** Everything the role wrote to stdout (up to the bound); waits for the stream's end. */
    String stdout() {
        return out.join();
    }

    String stderr() {
        return err.join();
    }

    /** Runs a blocking task of a run (a pipe read, a role start) on a daemon thread of its own. */
    static void ownThread(Runnable task) {
        Thread.ofPlatform().daemon().name("airlock-role-io").start(task);
    }

    /** Reads all of a role's stream, keeping at most {@value #MAX_ROLE_OUTPUT} bytes. */
    private static String drain(InputStream in) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                int room = MAX_ROLE_OUTPUT - kept.size();
                if (room > 0) {
                    kept.write(buf, 0, Math.min(room, n));
                }
            }
        } catch (IOException ignored) {
            // the process ended; what we have is what it said
        }
        return kept.toString(StandardCharsets.UTF_8);
    }
}
