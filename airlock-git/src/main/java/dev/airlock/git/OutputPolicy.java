package dev.airlock.git;

import java.util.Objects;

/**
 * What to do with an output: which paths are protected and whether touching them rejects the output or holds it
 * for explicit human review.
 */
public record OutputPolicy(ProtectedPaths protectedPaths, OnProtected onProtected) {
    public static final OutputPolicy DEFAULT = new OutputPolicy(ProtectedPaths.DEFAULT, OnProtected.REJECT);

    public OutputPolicy {
        Objects.requireNonNull(protectedPaths);
        Objects.requireNonNull(onProtected);
    }

    public enum OnProtected { REJECT, REVIEW }
}
