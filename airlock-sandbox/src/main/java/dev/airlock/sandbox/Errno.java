package dev.airlock.sandbox;

/** The few errno values the sandbox reports by name. */
final class Errno {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EXDEV = 18;
    static final int EROFS = 30;

    private Errno() {
    }

    static String describe(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM (operation not permitted)";
            case ENOENT -> "ENOENT (no such file or directory)";
            case EACCES -> "EACCES (permission denied)";
            case EBUSY -> "EBUSY (mount point)";
            case EXDEV -> "EXDEV (cross-device)";
            case EROFS -> "EROFS (read-only file system)";
            default -> "errno " + errno;
        };
    }
}
