package dev.airlock.cli.run;

import dev.airlock.git.IsolatedGit;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/** Shows what a pushed branch changed relative to its parent, read from the operator's local repository. */
final class BranchDiff {
    private BranchDiff() {
    }

    static void stat(Path repo, String branch, PrintStream out) throws IOException {
        print(repo, branch, out, false);
    }

    static void patch(Path repo, String branch, PrintStream out) throws IOException {
        print(repo, branch, out, true);
    }

    private static void print(Path repo, String branch, PrintStream out, boolean patch) throws IOException {
        IsolatedGit.install(); // reads objects and refs only: no machine or user git config needed
        try (Git git = Git.open(repo.toFile()); RevWalk walk = new RevWalk(git.getRepository());
             DiffFormatter fmt = new DiffFormatter(out)) {
            Repository r = git.getRepository();
            ObjectId tip = r.resolve("refs/heads/" + branch);
            if (tip == null) {
                out.println("(branch " + branch + " not found in " + repo + ")");
                return;
            }
            RevCommit commit = walk.parseCommit(tip);
            RevCommit parent = walk.parseCommit(commit.getParent(0));
            fmt.setRepository(r);
            out.println();
            out.println((patch ? "diff " : "diff stat ") + parent.abbreviate(12).name() + ".." + branch);
            for (DiffEntry e : fmt.scan(parent.getTree(), commit.getTree())) {
                if (patch) {
                    fmt.format(e);
                } else {
                    int added = 0;
                    int removed = 0;
                    for (Edit edit : fmt.toFileHeader(e).toEditList()) {
                        added += edit.getLengthB();
                        removed += edit.getLengthA();
                    }
                    String path = e.getChangeType() == DiffEntry.ChangeType.DELETE ? e.getOldPath() : e.getNewPath();
                    out.printf(" %s | +%d -%d%n", path, added, removed);
                }
            }
            fmt.flush();
        }
    }
}
