package dev.airlock.git;

import java.util.Objects;
import java.util.Set;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;

/**
 * Where the git service may push: only {@code refs/heads/<prefix>…}, never the remote's default branch (nor
 * {@code main}/{@code master} whatever the remote says), and a forced update only under the prefix.
 */
public record BranchPolicy(String prefix, Set<String> protectedBranches) {
    public static final BranchPolicy DEFAULT = new BranchPolicy("airlock/", Set.of("main", "master"));

    public BranchPolicy {
        Objects.requireNonNull(prefix, "prefix");
        protectedBranches = Set.copyOf(protectedBranches);
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            throw new IllegalArgumentException("branch prefix must be empty or end with '/'");
        }
    }

    /** Returns the full ref name for {@code branch}, or throws saying why the push is refused. */
    String check(String branch, String remoteDefaultBranch) throws PushRefusedException {
        if (branch == null || branch.isEmpty()) {
            throw new PushRefusedException("no target branch given");
        }
        String short_ = branch.startsWith(Constants.R_HEADS) ? branch.substring(Constants.R_HEADS.length()) : branch;
        String ref = Constants.R_HEADS + short_;
        if (!Repository.isValidRefName(ref) || short_.contains("..") || short_.contains("//")) {
            throw new PushRefusedException("refusing to push: invalid branch name '" + short_ + "'");
        }
        if (short_.equals(remoteDefaultBranch) || protectedBranches.contains(short_)) {
            throw new PushRefusedException("refusing to push to the default/protected branch '" + short_ + "'");
        }
        if (!short_.startsWith(prefix) || short_.length() == prefix.length()) {
            throw new PushRefusedException("refusing to push to '" + short_ + "': only branches under '" + prefix
                    + "' may be pushed");
        }
        return ref;
    }
}
