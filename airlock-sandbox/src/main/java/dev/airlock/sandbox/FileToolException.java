package dev.airlock.sandbox;

/** A file tool failed inside the sandbox; {@code errno} is the kernel's answer (e.g. 30 EROFS for a protected path). */
public final class FileToolException extends SandboxException {
    private final int errno;

    public FileToolException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
