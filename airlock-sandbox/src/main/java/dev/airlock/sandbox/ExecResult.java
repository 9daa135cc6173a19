package dev.airlock.sandbox;

import dev.airlock.core.event.DenialEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The outcome of one call.
 *
 * @param exitCode  the exit status, or -1 when the process was killed by a signal
 * @param signal    the terminating signal, 0 if it exited
 * @param timedOut  the wall-clock limit ended the call (its process group was killed)
 * @param denials   what the boundary refused during the call, as far as it can observe (see SECURITY.md)
 */
public record ExecResult(String call, int exitCode, int signal, boolean timedOut, byte[] stdout, byte[] stderr,
                         boolean stdoutTruncated, boolean stderrTruncated, Duration wallTime,
                         List<DenialEvent> denials) {

    public ExecResult {
        denials = List.copyOf(denials);
    }

    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    /** True when the command ran to completion with status 0. */
    public boolean succeeded() {
        return exitCode == 0 && signal == 0 && !timedOut;
    }
}
