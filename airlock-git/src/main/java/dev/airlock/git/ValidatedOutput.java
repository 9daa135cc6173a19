package dev.airlock.git;

import java.util.List;
import org.eclipse.jgit.lib.ObjectId;

/**
 * An output that passed validation: the tree already sits in the service's object database. Only
 * {@link ValidateOutputCommand} creates one, so {@link PublishCommand} cannot be handed an unvalidated tree.
 */
public final class ValidatedOutput {
    private final ObjectId baseCommit;
    private final ObjectId tree;
    private final String inputSnapshotId;
    private final String outputSnapshotId;
    private final List<Change> changes;
    private final boolean touchesProtectedPaths;

    ValidatedOutput(ObjectId baseCommit, ObjectId tree, String inputSnapshotId, String outputSnapshotId,
                    List<Change> changes, boolean touchesProtectedPaths) {
        this.baseCommit = baseCommit.copy();
        this.tree = tree.copy();
        this.inputSnapshotId = inputSnapshotId;
        this.outputSnapshotId = outputSnapshotId;
        this.changes = List.copyOf(changes);
        this.touchesProtectedPaths = touchesProtectedPaths;
    }

    public ObjectId baseCommit() {
        return baseCommit;
    }

    public ObjectId tree() {
        return tree;
    }

    public String inputSnapshotId() {
        return inputSnapshotId;
    }

    public String outputSnapshotId() {
        return outputSnapshotId;
    }

    public List<Change> changes() {
        return changes;
    }

    boolean touchesProtectedPaths() {
        return touchesProtectedPaths;
    }
}
