package dev.airlock.sandbox;

/**
 * The sandbox cannot be built on this host, so nothing runs. The message says what is missing and how to fix it;
 * there is deliberately no fallback to unsandboxed execution.
 */
public final class SandboxUnavailableException extends SandboxException {
    public SandboxUnavailableException(String message) {
        super(message);
    }

    public SandboxUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
