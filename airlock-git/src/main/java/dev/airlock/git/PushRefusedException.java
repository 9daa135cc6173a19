package dev.airlock.git;

/** The branch policy refused a push before anything was sent, or the remote rejected it. */
public final class PushRefusedException extends GitServiceException {
    public PushRefusedException(String message) {
        super(message);
    }
}
