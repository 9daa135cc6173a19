package dev.airlock.cli.sandbox;

import dev.airlock.sandbox.SandboxException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;

/**
 * How the sandbox subcommands report a failure before or around the command: 125 when the sandbox could not be
 * built (never run unprotected), 2 for a bad file argument — distinct from any exit code of the command itself.
 */
final class SandboxFailure {
    static final int SANDBOX_UNAVAILABLE = 125;
    static final int USAGE = 2;

    private SandboxFailure() {
    }

    static int report(Exception e) {
        return switch (e) {
            case SandboxException s -> {
                System.err.println("airlock: " + s.getMessage());
                yield SANDBOX_UNAVAILABLE;
            }
            case NoSuchFileException f -> {
                System.err.println("airlock: no such file: " + f.getFile());
                yield USAGE;
            }
            case IOException io -> {
                System.err.println("airlock: " + io.getMessage());
                yield USAGE;
            }
            default -> throw new IllegalArgumentException("not a sandbox failure", e);
        };
    }
}
