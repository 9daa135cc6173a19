package dev.airlock.drop.snapshot;

/**
 * Why a snapshot was refused. Every variant names the offending path or value (paths are attacker-chosen but
 * already length-capped and control-character-free by the time they are reported, or reported escaped).
 */
public sealed interface Violation {

    /** One line a human can act on. */
    String describe();

    /** A path that could escape the workspace or alias another: traversal, absolute, NUL, non-NFC, overlong... */
    record UnsafePath(String path, PathProblem problem) implements Violation {
        public String describe() {
            return "unsafe path " + SnapshotPaths.printable(path) + ": " + problem.text;
        }
    }

    /** Two paths that are equal after case folding (they would overwrite each other on macOS/Windows). */
    record CaseCollision(String first, String second) implements Violation {
        public String describe() {
            return "paths collide when case is folded: " + SnapshotPaths.printable(first) + " and "
                    + SnapshotPaths.printable(second);
        }
    }

    /** The same path twice. */
    record DuplicatePath(String path) implements Violation {
        public String describe() {
            return "path appears twice: " + SnapshotPaths.printable(path);
        }
    }

    /** An entry type a snapshot may not hold (hardlink, device, FIFO, socket, or a symlink where none is allowed). */
    record ForbiddenType(String path, String type) implements Violation {
        public String describe() {
            return "entry " + SnapshotPaths.printable(path) + " is a " + type + ", which a snapshot may not contain";
        }
    }

    /** A symlink whose target resolves outside the workspace, or a path that goes through a symlink. */
    record SymlinkEscape(String path, String target) implements Violation {
        public String describe() {
            return "symlink " + SnapshotPaths.printable(path) + " -> " + SnapshotPaths.printable(target)
                    + " leaves the workspace or is traversed by another entry";
        }
    }

    /** A size, count, length or ratio cap was exceeded. */
    record LimitExceeded(Limit limit, long actual, long max, String path) implements Violation {
        public String describe() {
            return limit.text + " exceeded: " + actual + " > " + max
                    + (path == null ? "" : " at " + SnapshotPaths.printable(path));
        }
    }

    /** The manifest is missing, unparsable or inconsistent with the archive. */
    record BadManifest(String detail) implements Violation {
        public String describe() {
            return "invalid manifest: " + detail;
        }
    }

    /** A file's content does not hash to what the manifest says. */
    record HashMismatch(String path, String expected, String actual) implements Violation {
        public String describe() {
            return "content of " + SnapshotPaths.printable(path) + " hashes to " + actual + ", manifest says " + expected;
        }
    }

    /** The snapshot is not the one the orchestrator recorded (chain of custody). */
    record IdMismatch(String expected, String actual) implements Violation {
        public String describe() {
            return "snapshot id " + actual + " is not the recorded " + expected;
        }
    }

    /** The archive itself is corrupt (bad zstd frame, bad tar header, truncated). */
    record CorruptArchive(String detail) implements Violation {
        public String describe() {
            return "corrupt archive: " + detail;
        }
    }

    enum PathProblem {
        EMPTY("empty path or component"),
        ABSOLUTE("absolute path"),
        TRAVERSAL("'.' or '..' component"),
        NUL("NUL character"),
        CONTROL("control character"),
        BACKSLASH("backslash (a separator on Windows)"),
        NOT_NFC("not in Unicode NFC form"),
        GIT_METADATA("'.git' component (repository metadata never travels in a snapshot)"),
        RESERVED("reserved name"),
        COMPONENT_TOO_LONG("component longer than 255 bytes"),
        NOT_UTF8("not valid UTF-8");

        final String text;

        PathProblem(String text) {
            this.text = text;
        }
    }

    enum Limit {
        FILE_COUNT("entry count"),
        FILE_SIZE("file size"),
        TOTAL_SIZE("total uncompressed size"),
        COMPRESSED_SIZE("compressed size"),
        RATIO("compression ratio"),
        PATH_LENGTH("path length in bytes"),
        MANIFEST_SIZE("manifest size");

        final String text;

        Limit(String text) {
            this.text = text;
        }
    }
}
