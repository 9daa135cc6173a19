package dev.airlock.git;

/** The one checked exception of the git service; lower-layer errors (JGit, I/O) are translated into it. */
public class GitServiceException extends Exception {
    public GitServiceException(String message) {
        super(message);
    }

    public GitServiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
