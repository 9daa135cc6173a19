package dev.airlock.git;

import dev.airlock.core.CacheDirectory;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * JGit with nothing from the machine or the repository that could run code or redirect credentials: no system,
 * user or XDG config (so no {@code url.*.insteadOf}, credential helpers, {@code core.fsmonitor}, hooks paths or
 * filters from there), no environment variables (GIT_*, proxies, XDG_CONFIG_HOME), and repositories whose own
 * config is written by us with {@code core.hooksPath} pointing at an empty directory.
 *
 * <p>The one exception is JGit's own measurement of the file system's timestamp resolution
 * ({@link FileSystemTimingConfig}): a section of numbers under the user's Airlock cache directory, so that each git
 * role process does not spend seconds measuring it again.
 *
 * <p>The git service never uses porcelain commands that run hooks (commit, push) and never checks out a working
 * tree, so clean/smudge filters, LFS and fsmonitor have nothing to act on. This class is the second line.
 */
public final class IsolatedGit {
    /** JGit's measured file-system timestamp resolution, the one piece of JGit config kept (per user). */
    static final Path FILE_SYSTEM_TIMING = CacheDirectory.root().resolve("jgit").resolve("filesystem.config");
    private static volatile boolean installed;

    private IsolatedGit() {
    }

    /** Installs the isolating {@link SystemReader} for this JVM (idempotent). */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        SystemReader.setInstance(new SystemReader.Delegate(SystemReader.getInstance()) {
            @Override
            public String getenv(String variable) {
                return null;
            }

            @Override
            public FileBasedConfig openUserConfig(Config parent, FS fs) {
                return new EmptyConfig(parent, fs);
            }

            @Override
            public FileBasedConfig openSystemConfig(Config parent, FS fs) {
                return new EmptyConfig(parent, fs);
            }

            @Override
            public FileBasedConfig openJGitConfig(Config parent, FS fs) {
                return new FileSystemTimingConfig(parent, FILE_SYSTEM_TIMING, fs);
            }
        });
        installed = true;
    }

    /** Opens, or creates, a bare repository owned by the git service at {@code dir}. */
    public static Repository openBare(Path dir) throws GitServiceException {
        install();
        try {
            boolean fresh = !Files.exists(dir.resolve("HEAD"));
            Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().setMustExist(!fresh)
                    .setFS(new NoHooksFS()).build();
            if (fresh) {
                repo.create(true);
            }
            Path noHooks = dir.resolve("airlock-no-hooks");
            Files.createDirectories(noHooks);
            var config = repo.getConfig();
            config.setString(ConfigConstants.CONFIG_CORE_SECTION, null, ConfigConstants.CONFIG_KEY_HOOKS_PATH,
                    noHooks.toString());
            config.unsetSection("core", "fsmonitor");
            config.setBoolean("core", null, "fsmonitor", false);
            // Speed over size: the service's repositories are caches; level 1 deflate is ~5x faster than 6.
            config.setInt("core", null, "compression", 1);
            config.setInt("core", null, "looseCompression", 1);
            config.setInt("pack", null, "compression", 1);
            config.save();
            return repo;
        } catch (IOException | IllegalArgumentException e) {
            throw new GitServiceException("cannot open repository " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * An inserter that writes one pack per flush instead of one zlib file per object (thousands of files per
     * output otherwise).
     */
    static org.eclipse.jgit.lib.ObjectInserter packInserter(Repository repo) {
        if (repo.getObjectDatabase() instanceof org.eclipse.jgit.internal.storage.file.ObjectDirectory dir) {
            var inserter = dir.newPackInserter();
            inserter.setCompressionLevel(1);
            return inserter;
        }
        return repo.newObjectInserter();
    }

    /** A config that never reads or writes a file. */
    private static final class EmptyConfig extends FileBasedConfig {
        EmptyConfig(Config parent, FS fs) {
            super(parent, new File("/nonexistent/airlock-isolated-config"), fs);
        }

        @Override
        public void load() {
        }

        @Override
        public void save() {
        }

        @Override
        public boolean isOutdated() {
            return false;
        }
    }
}
