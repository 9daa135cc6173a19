package dev.airlock.git;

import dev.airlock.drop.snapshot.Manifest;
import dev.airlock.drop.snapshot.SnapshotException;
import dev.airlock.drop.snapshot.SnapshotLimits;
import dev.airlock.drop.snapshot.SnapshotWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jgit.internal.storage.pack.PackWriter;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.pack.PackConfig;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * Writes a sanitized, shallow history bundle of a commit: the contents of a {@code .git} directory as a snapshot
 * (same format and hardened reader as a workspace), holding only what {@code git log} and {@code git blame} need.
 *
 * <p>Built from scratch rather than copied, so nothing of the service's repository leaks into it: one pack with the
 * commits down to {@code depth} and their trees and blobs, a {@code shallow} file naming the cut, {@code HEAD} and
 * one branch ref. No remotes or URLs, no credentials, no hooks, a config of defaults only, no reflogs, no packed
 * refs, no index, no other branches or tags. Single use.
 */
public final class HistoryCommand {
    /** Default number of commits, counted from the exported commit. */
    public static final int DEFAULT_DEPTH = 100;
    static final String CONFIG = "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n";

    private final Repository repo;
    private String revision;
    private String branch = "main";
    private int depth = DEFAULT_DEPTH;
    private OutputStream out;
    private boolean used;

    public HistoryCommand(Repository repo) {
        this.repo = Objects.requireNonNull(repo);
    }

    /** A commit id or ref, e.g. {@code refs/remotes/origin/main}. */
    public HistoryCommand revision(String revision) {
        this.revision = revision;
        return this;
    }

    /** The branch name HEAD points at in the bundle (the agent sees the branch it works on). */
    public HistoryCommand branch(String branch) {
        this.branch = branch;
        return this;
    }

    /** Commits to include, counted from the exported one (1 = that commit only). */
    public HistoryCommand depth(int depth) {
        if (depth < 1 || depth > 1_000_000) {
            throw new IllegalArgumentException("history depth must be 1..1000000, got " + depth);
        }
        this.depth = depth;
        return this;
    }

    /** Where the bundle goes (closed at the end). */
    public HistoryCommand output(OutputStream out) {
        this.out = out;
        return this;
    }

    public Result call() throws GitServiceException {
        if (used) {
            throw new IllegalStateException("HistoryCommand is single use");
        }
        used = true;
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(out, "output");
        String ref = "refs/heads/" + branch;
        if (!Repository.isValidRefName(ref)) {
            throw new GitServiceException("not a valid branch name for the history bundle: " + branch);
        }
        try (ObjectReader reader = repo.newObjectReader(); RevWalk walk = new RevWalk(reader)) {
            ObjectId id = repo.resolve(revision + "^{commit}");
            if (id == null) {
                throw new GitServiceException("no such revision: " + revision);
            }
            RevCommit tip = walk.parseCommit(id);
            Set<RevCommit> commits = commitsWithin(walk, tip);
            Set<String> shallow = new TreeSet<>();
            for (RevCommit c : commits) {
                for (RevCommit p : c.getParents()) {
                    if (!commits.contains(p)) {
                        shallow.add(c.name());
                    }
                }
            }
            List<RevObject> objects = new ArrayList<>(commits);
            Set<ObjectId> seen = new HashSet<>();
            for (RevCommit c : commits) {
                addTree(walk, reader, c.getTree(), seen, objects);
            }
            ByteArrayOutputStream pack = new ByteArrayOutputStream();
            ByteArrayOutputStream index = new ByteArrayOutputStream();
            String packName;
            PackConfig config = new PackConfig(repo);
            config.setCompressionLevel(1);
            try (PackWriter writer = new PackWriter(config, reader)) {
                writer.setUseBitmaps(false);
                writer.preparePack(objects.iterator());
                writer.writePack(NullProgressMonitor.INSTANCE, NullProgressMonitor.INSTANCE, pack);
                packName = "pack-" + writer.computeName().name();
                writer.writeIndex(index);
            }
            Manifest manifest;
            try (SnapshotWriter w = SnapshotWriter.open(out, SnapshotLimits.HISTORY, null)) {
                w.file("HEAD", false, utf8("ref: " + ref + "\n"));
                w.file("config", false, utf8(CONFIG));
                if (!shallow.isEmpty()) {
                    w.file("shallow", false, utf8(String.join("\n", shallow) + "\n"));
                }
                for (String dir : List.of("objects", "objects/info", "objects/pack", "refs", "refs/tags")) {
                    w.directory(dir);
                }
                Set<String> refDirs = new LinkedHashSet<>();
                for (int slash = ref.indexOf('/'); slash > 0; slash = ref.indexOf('/', slash + 1)) {
                    refDirs.add(ref.substring(0, slash));
                }
                refDirs.remove("refs");
                for (String dir : refDirs) {
                    w.directory(dir);
                }
                w.file(ref, false, utf8(tip.name() + "\n"));
                w.file("objects/pack/" + packName + ".pack", false, pack.toByteArray());
                w.file("objects/pack/" + packName + ".idx", false, index.toByteArray());
                manifest = w.finish();
            }
            return new Result(tip.copy(), commits.size(), shallow.size(), manifest);
        } catch (SnapshotException e) {
            throw new GitServiceException("cannot write the history of " + revision + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new GitServiceException("cannot write the history of " + revision + ": " + e.getMessage(), e);
        }
    }

    /** The commits at most {@code depth - 1} parent steps from {@code tip} (breadth first, so the nearest path counts). */
    private Set<RevCommit> commitsWithin(RevWalk walk, RevCommit tip) throws IOException {
        Set<RevCommit> within = new LinkedHashSet<>();
        ArrayDeque<RevCommit> queue = new ArrayDeque<>();
        ArrayDeque<Integer> levels = new ArrayDeque<>();
        within.add(tip);
        queue.add(tip);
        levels.add(1);
        while (!queue.isEmpty()) {
            RevCommit c = queue.poll();
            int level = levels.poll();
            if (level >= depth) {
                continue;
            }
            for (RevCommit p : c.getParents()) {
                walk.parseHeaders(p);
                if (within.add(p)) {
                    queue.add(p);
                    levels.add(level + 1);
                }
            }
        }
        return within;
    }

    private static void addTree(RevWalk walk, ObjectReader reader, ObjectId tree, Set<ObjectId> seen,
                                List<RevObject> objects) throws IOException {
        if (!seen.add(tree)) {
            return;
        }
        objects.add(walk.lookupTree(tree));
        for (CanonicalTreeParser p = new CanonicalTreeParser(null, reader, tree); !p.eof(); p.next()) {
            FileMode mode = p.getEntryFileMode();
            ObjectId id = p.getEntryObjectId();
            if (mode == FileMode.TREE) {
                addTree(walk, reader, id, seen, objects);
            } else if (mode != FileMode.GITLINK && seen.add(id)) {
                objects.add(walk.lookupBlob(id));
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The commit, how many commits the bundle holds, how many are cut (shallow), and the bundle's manifest. */
    public record Result(ObjectId commit, int commits, int shallowCommits, Manifest manifest) {
    }
}
