package dev.airlock.agent;

/** The worker could not do its job; the message says what and what to do. Never carries a URL's query. */
public final class AgentException extends Exception {
    public AgentException(String message) {
        super(message);
    }

    public AgentException(String message, Throwable cause) {
        super(message, cause);
    }
}
