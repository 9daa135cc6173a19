package dev.airlock.git;

/** One path the output changes relative to the base commit. */
public record Change(String path, Kind kind) {
    public enum Kind { ADDED, MODIFIED, DELETED }
}
