package dev.airlock.sandbox;

/** One directory entry as the sandbox sees it; symlinks are reported, not followed. */
public record DirEntry(String name, Type type, long size) {
    public enum Type { FILE, DIRECTORY, SYMLINK, OTHER }
}
