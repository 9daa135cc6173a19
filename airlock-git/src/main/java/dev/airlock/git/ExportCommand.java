package dev.airlock.git;

import dev.airlock.drop.snapshot.Manifest;
import dev.airlock.drop.snapshot.SnapshotException;
import dev.airlock.drop.snapshot.SnapshotLimits;
import dev.airlock.drop.snapshot.SnapshotWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Writes the snapshot of a commit straight from the object database: no checkout, so no filters, no LFS, no
 * attributes and nothing from the working tree. Single use.
 */
public final class ExportCommand {
    private final Repository repo;
    private String revision;
    private OutputStream out;
    private SnapshotLimits limits = SnapshotLimits.DEFAULT;
    private Manifest base;
    private boolean used;

    public ExportCommand(Repository repo) {
        this.repo = Objects.requireNonNull(repo);
    }

    /** A commit id or ref, e.g. {@code refs/remotes/origin/main}. */
    public ExportCommand revision(String revision) {
        this.revision = revision;
        return this;
    }

    /** Where the snapshot goes (closed at the end); {@link OutputStream#nullOutputStream()} just indexes. */
    public ExportCommand output(OutputStream out) {
        this.out = out;
        return this;
    }

    public ExportCommand limits(SnapshotLimits limits) {
        this.limits = limits;
        return this;
    }

    /** Write a delta against what the agent already holds. */
    public ExportCommand base(Manifest base) {
        this.base = base;
        return this;
    }

    public Result call() throws GitServiceException {
        if (used) {
            throw new IllegalStateException("ExportCommand is single use");
        }
        used = true;
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(out, "output");
        try (RevWalk walk = new RevWalk(repo); ObjectReader reader = repo.newObjectReader()) {
            ObjectId id = repo.resolve(revision + "^{commit}");
            if (id == null) {
                throw new GitServiceException("no such revision: " + revision);
            }
            RevCommit commit = walk.parseCommit(id);
            ContentIndex index = new ContentIndex();
            Manifest manifest;
            try (SnapshotWriter writer = SnapshotWriter.open(out, limits, base);
                 TreeWalk tw = new TreeWalk(repo, reader)) {
                tw.addTree(commit.getTree());
                tw.setRecursive(true);
                while (tw.next()) {
                    String path = tw.getPathString();
                    FileMode mode = tw.getFileMode(0);
                    ObjectId blob = tw.getObjectId(0);
                    String target = mode == FileMode.SYMLINK
                            ? new String(reader.open(blob).getBytes(4096), StandardCharsets.UTF_8) : null;
                    switch (Exportability.of(path, mode, target)) {
                        case FILE, EXECUTABLE -> {
                            boolean exec = mode == FileMode.EXECUTABLE_FILE;
                            BlobHashes.Known known = BlobHashes.get(blob);
                            String sha;
                            if (known != null && writer.canCarry(path, known.sha256())) {
                                sha = known.sha256();
                                writer.carry(path, exec, known.size(), sha);
                            } else {
                                byte[] content = reader.open(blob).getCachedBytes((int) Math.min(
                                        Integer.MAX_VALUE - 8, limits.maxFileBytes()));
                                sha = writer.file(path, exec, content, known == null ? null : known.sha256());
                                if (known == null) {
                                    BlobHashes.put(blob, sha, content.length);
                                }
                            }
                            index.add(sha, blob);
                        }
                        case SYMLINK -> {
                            if (limits.allowSymlinks()) {
                                writer.symlink(path, target);
                            }
                        }
                        case KEEP_BEHIND -> {
                            // submodule or escaping symlink: never exported, carried over on publish
                        }
                    }
                }
                manifest = writer.finish();
            }
            return new Result(commit.copy(), manifest, index);
        } catch (SnapshotException e) {
            throw new GitServiceException("cannot export " + revision + ": " + e.getMessage(), e);
        } catch (org.eclipse.jgit.errors.LargeObjectException e) {
            throw new GitServiceException("cannot export " + revision + ": a file exceeds the snapshot size cap", e);
        } catch (IOException e) {
            throw new GitServiceException("cannot export " + revision + ": " + e.getMessage(), e);
        }
    }

    /** The exported commit, the snapshot's manifest (its id is the input snapshot id) and the content index. */
    public record Result(ObjectId commit, Manifest manifest, ContentIndex index) {
        public String snapshotId() {
            return manifest.id();
        }
    }
}
