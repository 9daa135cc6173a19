package dev.airlock.core;

import java.nio.file.Path;

/**
 * Where Airlock keeps per-user caches that only make things faster (class-data archives, the file system's measured
 * timestamp resolution): never a credential, never anything of a run; deleting it costs one slow start.
 *
 * <p>Role processes get an environment built from scratch (no {@code XDG_CACHE_HOME}), so the launcher passes the
 * directory it resolved as the system property {@value #PROPERTY}; every process of one run then agrees on it.
 */
public final class CacheDirectory {
    public static final String PROPERTY = "airlock.cache-dir";

    private CacheDirectory() {
    }

    /** {@code -Dairlock.cache-dir}, else {@code $XDG_CACHE_HOME/airlock}, else {@code ~/.cache/airlock}. */
    public static Path root() {
        String override = System.getProperty(PROPERTY);
        if (override != null && override.startsWith("/")) {
            return Path.of(override);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && xdg.startsWith("/") ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("airlock");
    }
}
