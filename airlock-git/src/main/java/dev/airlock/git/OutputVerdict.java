package dev.airlock.git;

import java.util.List;

/** The outcome of validating an output snapshot; switch over it without {@code default}. */
public sealed interface OutputVerdict {

    /** Safe to publish. */
    record Accepted(ValidatedOutput output) implements OutputVerdict {
    }

    /** Clean, but changes protected paths; publish only with an explicit review approval. */
    record NeedsReview(ValidatedOutput output, List<String> protectedPaths) implements OutputVerdict {
        public NeedsReview {
            protectedPaths = List.copyOf(protectedPaths);
        }
    }

    /** Refused; nothing may be committed. */
    record Rejected(Rejection reason) implements OutputVerdict {
    }
}
