package dev.airlock.git;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.eclipse.jgit.transport.URIish;

/**
 * A remote the git service talks to: an {@code https://} URL (credentials only from {@link GitToken}, never in the
 * URL) or a local path. Every other scheme (ssh, git://, ext::, file:// with a host) is refused: ext:: and friends
 * can run commands, and the service holds no SSH keys.
 */
public record GitRemote(URIish uri) {

    public static GitRemote parse(String spec) throws GitServiceException {
        if (spec == null || spec.isBlank()) {
            throw new GitServiceException("no remote given");
        }
        if (spec.startsWith("https://")) {
            try {
                URIish uri = new URIish(spec);
                if (uri.getUser() != null || uri.getPass() != null) {
                    throw new GitServiceException("credentials in the remote URL are refused; use --token-env or --token-file");
                }
                return new GitRemote(uri);
            } catch (URISyntaxException e) {
                throw new GitServiceException("invalid remote URL: " + e.getMessage(), e);
            }
        }
        if (spec.contains("://") || spec.contains("::") || (spec.indexOf(':') > 0 && !spec.startsWith("/"))) {
            throw new GitServiceException("unsupported remote '" + spec + "': use https://… or an absolute local path");
        }
        Path path = Path.of(spec).toAbsolutePath().normalize();
        return new GitRemote(new URIish().setPath(path.toString()));
    }

    boolean isHttps() {
        return "https".equals(uri.getScheme());
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
