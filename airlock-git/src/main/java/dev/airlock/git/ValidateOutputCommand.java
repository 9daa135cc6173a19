package dev.airlock.git;

import dev.airlock.drop.snapshot.EntryType;
import dev.airlock.drop.snapshot.Manifest;
import dev.airlock.drop.snapshot.ManifestEntry;
import dev.airlock.drop.snapshot.Sha256;
import dev.airlock.drop.snapshot.SnapshotException;
import dev.airlock.drop.snapshot.SnapshotLimits;
import dev.airlock.drop.snapshot.SnapshotReader;
import dev.airlock.drop.snapshot.SnapshotSink;
import dev.airlock.scan.Confidence;
import dev.airlock.scan.Finding;
import dev.airlock.scan.ScanResult;
import dev.airlock.scan.Scanner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.diff.HistogramDiff;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * Validates an output snapshot outside the sandbox, before anything is committed, in this order: the archive
 * (hardened reader: paths, types, caps, bombs, hashes, and the id the orchestrator recorded), then the diff against
 * the base commit (protected paths per policy), then the added content (scanner; certain/high findings reject,
 * an incomplete scan rejects). The accepted tree is written to the object database, never to a working tree.
 * Single use.
 */
public final class ValidateOutputCommand {
    private final Repository repo;
    private ExportCommand.Result input;
    private InputStream archive;
    private String expectedOutputId;
    private SnapshotLimits limits = SnapshotLimits.DEFAULT;
    private OutputPolicy policy = OutputPolicy.DEFAULT;
    private Scanner scanner;
    private boolean used;

    public ValidateOutputCommand(Repository repo) {
        this.repo = Objects.requireNonNull(repo);
    }

    /** The export the agent worked from: base commit, input snapshot id and its content index. */
    public ValidateOutputCommand input(ExportCommand.Result input) {
        this.input = input;
        return this;
    }

    public ValidateOutputCommand archive(InputStream archive) {
        this.archive = archive;
        return this;
    }

    /** The output snapshot id the orchestrator recorded (chain of custody); required. */
    public ValidateOutputCommand expectedOutputId(String id) {
        this.expectedOutputId = id;
        return this;
    }

    public ValidateOutputCommand limits(SnapshotLimits limits) {
        this.limits = limits;
        return this;
    }

    public ValidateOutputCommand policy(OutputPolicy policy) {
        this.policy = policy;
        return this;
    }

    public ValidateOutputCommand scanner(Scanner scanner) {
        this.scanner = scanner;
        return this;
    }

    public OutputVerdict call() throws GitServiceException {
        if (used) {
            throw new IllegalStateException("ValidateOutputCommand is single use");
        }
        used = true;
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(scanner, "scanner");
        if (expectedOutputId == null || expectedOutputId.isBlank()) {
            throw new GitServiceException("no expected output snapshot id: the orchestrator's record is required");
        }
        try (ObjectInserter inserter = IsolatedGit.packInserter(repo); ObjectReader reader = inserter.newReader();
             RevWalk walk = new RevWalk(reader)) {
            Map<String, Blob> delivered = new HashMap<>();
            SnapshotReader.ReadResult read;
            try {
                read = SnapshotReader.create().limits(limits).expectedId(expectedOutputId)
                        .base(input.manifest(), input.index()::has)
                        .read(archive, new InsertingSink(inserter, delivered));
            } catch (SnapshotException e) {
                return new OutputVerdict.Rejected(new Rejection.ArchiveRefused(e.violation()));
            }
            RevCommit base = walk.parseCommit(input.commit());
            ObjectId tree = applyOnto(base, read.manifest(), delivered, reader, inserter);
            inserter.flush();

            List<Change> changes = new ArrayList<>();
            List<String> protectedChanged = new ArrayList<>();
            List<Finding> findings = new ArrayList<>();
            try (TreeWalk tw = new TreeWalk(repo, reader)) {
                tw.addTree(base.getTree());
                tw.addTree(tree);
                tw.setRecursive(true);
                tw.setFilter(TreeFilter.ANY_DIFF);
                while (tw.next()) {
                    String path = tw.getPathString();
                    boolean had = tw.getRawMode(0) != 0;
                    boolean has = tw.getRawMode(1) != 0;
                    changes.add(new Change(path, !had ? Change.Kind.ADDED : has ? Change.Kind.MODIFIED
                            : Change.Kind.DELETED));
                    if (policy.protectedPaths().matches(path)) {
                        protectedChanged.add(path);
                    }
                    if (has) {
                        ScanResult r = scanner.scan(addedContent(reader, had ? tw.getObjectId(0) : null,
                                tw.getObjectId(1)), path);
                        switch (r) {
                            case ScanResult.Complete c -> collect(c.findings(), findings);
                            case ScanResult.Incomplete i -> {
                                return new OutputVerdict.Rejected(new Rejection.ScanIncomplete(path, i.reason()));
                            }
                        }
                    }
                }
            }
            if (changes.isEmpty()) {
                return new OutputVerdict.Rejected(new Rejection.NoChanges());
            }
            if (!findings.isEmpty()) {
                return new OutputVerdict.Rejected(new Rejection.SecretFound(findings));
            }
            if (!protectedChanged.isEmpty() && policy.onProtected() == OutputPolicy.OnProtected.REJECT) {
                return new OutputVerdict.Rejected(new Rejection.ProtectedPathChanged(protectedChanged));
            }
            ValidatedOutput out = new ValidatedOutput(base, tree, input.snapshotId(), read.id(), changes,
                    !protectedChanged.isEmpty());
            return protectedChanged.isEmpty() ? new OutputVerdict.Accepted(out)
                    : new OutputVerdict.NeedsReview(out, protectedChanged);
        } catch (IOException e) {
            throw new GitServiceException("cannot validate output: " + e.getMessage(), e);
        }
    }

    private static void collect(List<Finding> found, List<Finding> into) {
        for (Finding f : found) {
            if (f.confidence() == Confidence.CERTAIN || f.confidence() == Confidence.HIGH) {
                into.add(f);
            }
        }
    }

    /** The bytes the output adds: whole file if new or binary, else the inserted/replaced lines. */
    private byte[] addedContent(ObjectReader reader, ObjectId oldId, ObjectId newId) throws IOException {
        int cap = (int) Math.min(Integer.MAX_VALUE - 8, limits.maxFileBytes());
        byte[] now = reader.open(newId, Constants.OBJ_BLOB).getCachedBytes(cap);
        if (oldId == null || RawText.isBinary(now)) {
            return now;
        }
        byte[] before = reader.open(oldId, Constants.OBJ_BLOB).getCachedBytes(cap);
        if (RawText.isBinary(before)) {
            return now;
        }
        RawText a = new RawText(before);
        RawText b = new RawText(now);
        ByteArrayOutputStream added = new ByteArrayOutputStream();
        for (Edit edit : new HistogramDiff().diff(RawTextComparator.DEFAULT, a, b)) {
            if (edit.getEndB() > edit.getBeginB()) {
                added.writeBytes(b.getString(edit.getBeginB(), edit.getEndB(), false)
                        .getBytes(StandardCharsets.UTF_8));
                added.write('\n');
            }
        }
        return added.toByteArray();
    }

    /**
     * The output's tree: the base commit's tree edited at the paths where the output differs from the input the
     * agent was given. Entries the agent never saw (submodules, escaping symlinks) are not in the input, so they stay.
     */
    private ObjectId applyOnto(RevCommit base, Manifest output, Map<String, Blob> delivered, ObjectReader reader,
                               ObjectInserter inserter) throws IOException {
        Map<String, ManifestEntry> given = input.manifest().byPath();
        Map<String, ManifestEntry> now = output.byPath();
        TreeEditor editor = new TreeEditor(reader, inserter);
        for (ManifestEntry e : output.entries()) {
            if (e.type() == EntryType.DIRECTORY || e.equals(given.get(e.path()))) {
                continue;
            }
            Blob blob = delivered.get(e.path());
            if (blob != null) {
                editor.put(e.path(), blob.mode(), blob.id());
            } else {
                // carried content under a new path or mode: the reader checked the input holds this hash
                editor.put(e.path(), e.executable() ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE,
                        input.index().blob(e.sha256()));
            }
        }
        for (ManifestEntry e : input.manifest().entries()) {
            ManifestEntry after = now.get(e.path());
            if (e.type() != EntryType.DIRECTORY && (after == null || after.type() == EntryType.DIRECTORY)) {
                editor.delete(e.path());
            }
        }
        return editor.isEmpty() ? base.getTree().copy() : editor.apply(base.getTree());
    }

    private record Blob(FileMode mode, ObjectId id) {
    }

    /** Inserts delivered content as blobs; nothing touches a file system. */
    private final class InsertingSink implements SnapshotSink {
        private final ObjectInserter inserter;
        private final Map<String, Blob> entries;

        InsertingSink(ObjectInserter inserter, Map<String, Blob> entries) {
            this.inserter = inserter;
            this.entries = entries;
        }

        @Override
        public void directory(String path) {
            // git tracks no directories
        }

        @Override
        public void file(String path, boolean executable, InputStream content) throws IOException {
            byte[] bytes = content.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxFileBytes() + 1));
            // Content whose SHA-256 equals a blob this service exported itself is that blob: reuse its id instead
            // of hashing the bytes again with (slow, collision-detecting) SHA-1 and looking them up in the packs.
            // New content still goes through the inserter. The reader verifies the same bytes against the manifest.
            ObjectId known = input.index().blob(Sha256.hex(bytes));
            ObjectId id = known != null ? known : inserter.insert(Constants.OBJ_BLOB, bytes);
            entries.put(path, new Blob(executable ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE, id));
        }

        @Override
        public void symlink(String path, String target) throws IOException {
            ObjectId id = inserter.insert(Constants.OBJ_BLOB, target.getBytes(StandardCharsets.UTF_8));
            entries.put(path, new Blob(FileMode.SYMLINK, id));
        }
    }
}
