package dev.airlock.proxy.policy;

/** The operator's policy cannot be loaded or is invalid; the guard refuses to start. */
public final class PolicyException extends RuntimeException {
    public PolicyException(String message) {
        super(message);
    }
}
