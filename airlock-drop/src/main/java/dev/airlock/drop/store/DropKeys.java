package dev.airlock.drop.store;

/**
 * Object key layout: {@code runs/<run>/input/<phase>.tar.zst}, {@code runs/<run>/output/<phase>.tar.zst},
 * {@code runs/<run>/history/<phase>.tar.zst} (the optional read-only git history) and
 * content-addressed {@code blobs/sha256/<hash>}. Run ids and phases are validated by hand so that no caller can
 * smuggle a '/' or '..' into a key and reach another run's objects.
 */
public final class DropKeys {
    private DropKeys() {
    }

    public static String input(String run, int phase) {
        return "runs/" + checkRun(run) + "/input/" + checkPhase(phase) + ".tar.zst";
    }

    public static String output(String run, int phase) {
        return "runs/" + checkRun(run) + "/output/" + checkPhase(phase) + ".tar.zst";
    }

    /** The sanitized history bundle of a phase's input (a snapshot of a {@code .git} directory's contents). */
    public static String history(String run, int phase) {
        return "runs/" + checkRun(run) + "/history/" + checkPhase(phase) + ".tar.zst";
    }

    public static String blob(String sha256Hex) {
        if (!dev.airlock.drop.snapshot.Sha256.isHex(sha256Hex)) {
            throw new IllegalArgumentException("not a lowercase SHA-256 hex digest");
        }
        return "blobs/sha256/" + sha256Hex;
    }

    /** A run id: 1–64 of [a-z0-9-], not starting with '-'. */
    public static String checkRun(String run) {
        if (run == null || run.isEmpty() || run.length() > 64 || run.charAt(0) == '-') {
            throw new IllegalArgumentException("run id must be 1-64 characters of [a-z0-9-], not starting with '-'");
        }
        for (int i = 0; i < run.length(); i++) {
            char c = run.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                throw new IllegalArgumentException("run id must be 1-64 characters of [a-z0-9-], not starting with '-'");
            }
        }
        return run;
    }

    private static int checkPhase(int phase) {
        if (phase < 0 || phase > 100_000) {
            throw new IllegalArgumentException("phase must be 0..100000");
        }
        return phase;
    }
}
