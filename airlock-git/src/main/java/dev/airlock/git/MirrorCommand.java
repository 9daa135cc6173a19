package dev.airlock.git;

import java.util.List;
import java.util.Objects;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.Transport;

/**
 * Clone-or-fetch: brings the remote's branches into the service's own bare repository under
 * {@code refs/remotes/origin/*}. Nothing is checked out. Single use.
 */
public final class MirrorCommand {
    private final Repository repo;
    private GitRemote remote;
    private GitToken token;
    private int timeoutSeconds = 120;
    private boolean used;

    public MirrorCommand(Repository repo) {
        this.repo = Objects.requireNonNull(repo);
    }

    public MirrorCommand remote(GitRemote remote) {
        this.remote = remote;
        return this;
    }

    /** Token for an HTTPS remote; null for anonymous or local. */
    public MirrorCommand token(GitToken token) {
        this.token = token;
        return this;
    }

    public MirrorCommand timeoutSeconds(int seconds) {
        this.timeoutSeconds = seconds;
        return this;
    }

    public Result call() throws GitServiceException {
        if (used) {
            throw new IllegalStateException("MirrorCommand is single use");
        }
        used = true;
        Objects.requireNonNull(remote, "remote");
        try (Transport transport = Transport.open(repo, remote.uri())) {
            transport.setTimeout(timeoutSeconds);
            transport.setTagOpt(TagOpt.NO_TAGS);
            // fsck what arrives: trees naming '.git', '..', or other path tricks are refused before they are stored.
            transport.setCheckFetchedObjects(true);
            if (token != null) {
                transport.setCredentialsProvider(token.credentials());
            }
            FetchResult result = transport.fetch(org.eclipse.jgit.lib.NullProgressMonitor.INSTANCE,
                    List.of(new RefSpec("+refs/heads/*:refs/remotes/origin/*")));
            Ref head = result.getAdvertisedRef("HEAD");
            String defaultBranch = null;
            if (head != null && head.isSymbolic()) {
                String target = head.getTarget().getName();
                defaultBranch = target.startsWith("refs/heads/") ? target.substring("refs/heads/".length()) : target;
            }
            return new Result(defaultBranch, result.getTrackingRefUpdates().size());
        } catch (TransportException e) {
            throw new GitServiceException("fetch from " + remote + " failed: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new GitServiceException("fetch from " + remote + " failed: " + e.getMessage(), e);
        }
    }

    /** @param defaultBranch the branch the remote's HEAD points at, or null if it did not say */
    public record Result(String defaultBranch, int updatedRefs) {
    }
}
