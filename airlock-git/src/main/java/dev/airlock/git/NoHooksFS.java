package dev.airlock.git;

import java.io.File;
import java.io.OutputStream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.FS_POSIX;
import org.eclipse.jgit.util.ProcessResult;

/**
 * A file system view on which no hook exists. JGit's transport runs {@code pre-push} even below the porcelain
 * (a test caught it), so the service's repositories are opened with this FS: every hook lookup finds nothing and
 * every hook run reports "not present".
 */
final class NoHooksFS extends FS_POSIX {
    NoHooksFS() {
        super();
    }

    private NoHooksFS(FS src) {
        super(src);
    }

    @Override
    public FS newInstance() {
        return new NoHooksFS(this);
    }

    @Override
    public File findHook(Repository repository, String hookName) {
        return null;
    }

    @Override
    public ProcessResult runHookIfPresent(Repository repository, String hookName, String[] args) {
        return new ProcessResult(ProcessResult.Status.NOT_PRESENT);
    }

    @Override
    public ProcessResult runHookIfPresent(Repository repository, String hookName, String[] args, OutputStream out,
                                          OutputStream err, String stdin) {
        return new ProcessResult(ProcessResult.Status.NOT_PRESENT);
    }

    @Override
    protected ProcessResult internalRunHookIfPresent(Repository repository, String hookName, String[] args,
                                                     OutputStream out, OutputStream err, String stdin) {
        return new ProcessResult(ProcessResult.Status.NOT_PRESENT);
    }
}
