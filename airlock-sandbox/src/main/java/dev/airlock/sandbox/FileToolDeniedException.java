package dev.airlock.sandbox;

import dev.airlock.core.event.DenialEvent;

/** A file tool was refused by the boundary; carries the denial event the agent should read. */
public final class FileToolDeniedException extends SandboxException {
    private final int errno;
    private final transient DenialEvent denial;

    public FileToolDeniedException(String message, int errno, DenialEvent denial) {
        super(message);
        this.errno = errno;
        this.denial = denial;
    }

    public int errno() {
        return errno;
    }

    public DenialEvent denial() {
        return denial;
    }
}
