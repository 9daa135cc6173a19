package dev.airlock.sandbox;

/** Root of the sandbox's checked exceptions. */
public class SandboxException extends Exception {
    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
