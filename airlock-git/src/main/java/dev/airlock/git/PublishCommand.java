package dev.airlock.git;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;

/**
 * Commits a validated output onto its base commit as the bot identity, with the chain-of-custody trailers, and
 * pushes it to a branch allowed by the {@link BranchPolicy}. Uses plumbing (object inserter, transport) rather than
 * porcelain, so no commit or push hook can run. Single use.
 */
public final class PublishCommand {
    private final Repository repo;
    private ValidatedOutput output;
    private boolean reviewApproved;
    private String runId;
    private String branch;
    private String summary = "Changes made by an Airlock run";
    private BotIdentity identity = BotIdentity.DEFAULT;
    private BranchPolicy policy = BranchPolicy.DEFAULT;
    private GitRemote remote;
    private GitToken token;
    private boolean force;
    private String knownDefaultBranch;
    private Clock clock = Clock.systemUTC();
    private int timeoutSeconds = 120;
    private boolean used;

    public PublishCommand(Repository repo) {
        this.repo = Objects.requireNonNull(repo);
    }

    public PublishCommand output(ValidatedOutput output) {
        this.output = output;
        return this;
    }

    /** Required to publish an output that touches protected paths (a {@link OutputVerdict.NeedsReview}). */
    public PublishCommand reviewApproved(boolean approved) {
        this.reviewApproved = approved;
        return this;
    }

    public PublishCommand runId(String runId) {
        this.runId = runId;
        return this;
    }

    /** Target branch, e.g. {@code airlock/run-42}. */
    public PublishCommand branch(String branch) {
        this.branch = branch;
        return this;
    }

    public PublishCommand summary(String summary) {
        this.summary = summary;
        return this;
    }

    public PublishCommand identity(BotIdentity identity) {
        this.identity = identity;
        return this;
    }

    public PublishCommand policy(BranchPolicy policy) {
        this.policy = policy;
        return this;
    }

    public PublishCommand remote(GitRemote remote) {
        this.remote = remote;
        return this;
    }

    public PublishCommand token(GitToken token) {
        this.token = token;
        return this;
    }

    /** Force-update the target branch; it is under the policy prefix by construction. */
    public PublishCommand force(boolean force) {
        this.force = force;
        return this;
    }

    /**
     * The remote's default branch as the fetch just before reported it ({@link MirrorCommand.Result#defaultBranch()}),
     * sparing a second round trip to ask again; without it (or if the fetch did not say) the remote is asked.
     */
    public PublishCommand remoteDefaultBranch(String branch) {
        this.knownDefaultBranch = branch;
        return this;
    }

    public PublishCommand clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    public Result call() throws GitServiceException {
        if (used) {
            throw new IllegalStateException("PublishCommand is single use");
        }
        used = true;
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(remote, "remote");
        dev.airlock.drop.store.DropKeys.checkRun(runId);
        if (output.touchesProtectedPaths() && !reviewApproved) {
            throw new PushRefusedException("the output changes protected paths; it needs an explicit review approval");
        }
        String ref = policy.check(branch, null);
        try (Transport transport = Transport.open(repo, remote.uri())) {
            transport.setTimeout(timeoutSeconds);
            if (token != null) {
                transport.setCredentialsProvider(token.credentials());
            }
            String remoteDefault = knownDefaultBranch != null ? knownDefaultBranch : remoteDefaultBranch(transport);
            policy.check(branch, remoteDefault);

            ObjectId commit;
            try (ObjectInserter inserter = repo.newObjectInserter()) {
                CommitBuilder cb = new CommitBuilder();
                cb.setTreeId(output.tree());
                cb.setParentId(output.baseCommit());
                var who = identity.at(clock.instant());
                cb.setAuthor(who);
                cb.setCommitter(who);
                cb.setMessage(message());
                commit = inserter.insert(cb);
                inserter.flush();
            }
            RemoteRefUpdate update = new RemoteRefUpdate(repo, commit.name(), ref, force, null, null);
            PushResult result;
            try (Transport pushTransport = Transport.open(repo, remote.uri())) {
                pushTransport.setTimeout(timeoutSeconds);
                if (token != null) {
                    pushTransport.setCredentialsProvider(token.credentials());
                }
                result = pushTransport.push(org.eclipse.jgit.lib.NullProgressMonitor.INSTANCE, List.of(update));
            }
            RemoteRefUpdate done = result.getRemoteUpdate(ref);
            if (done == null || (done.getStatus() != RemoteRefUpdate.Status.OK
                    && done.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE)) {
                throw new PushRefusedException("remote refused " + ref + ": "
                        + (done == null ? "no status" : done.getStatus() + " " + String.valueOf(done.getMessage())));
            }
            return new Result(commit.copy(), ref);
        } catch (GitServiceException e) {
            throw e;
        } catch (IOException | org.eclipse.jgit.api.errors.JGitInternalException e) {
            throw new GitServiceException("publish to " + remote + " failed: " + e.getMessage(), e);
        }
    }

    private String message() {
        String clean = summary.replace('\r', ' ').strip();
        return clean + "\n\n"
                + "Airlock-Run: " + runId + "\n"
                + "Airlock-Input-Snapshot: " + output.inputSnapshotId() + "\n"
                + "Airlock-Output-Snapshot: " + output.outputSnapshotId() + "\n";
    }

    private static String remoteDefaultBranch(Transport transport) throws IOException {
        try (FetchConnection conn = transport.openFetch()) {
            Ref head = conn.getRef("HEAD");
            if (head != null && head.isSymbolic()) {
                String target = head.getTarget().getName();
                return target.startsWith("refs/heads/") ? target.substring("refs/heads/".length()) : target;
            }
            return null;
        }
    }

    /** The pushed commit and the full ref it went to. */
    public record Result(ObjectId commit, String ref) {
    }
}
