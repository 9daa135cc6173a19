package dev.airlock.orchestrator;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the run store lives: embedded H2 (the default, under the data directory) or PostgreSQL. The password is read
 * from a file (never from the configuration file itself, never from the command line).
 *
 * @param url          {@code jdbc:h2:…} or {@code jdbc:postgresql://…}
 * @param user         database user
 * @param passwordFile file holding the password, or null for none
 */
public record DatabaseSettings(String url, String user, Path passwordFile) {
    public DatabaseSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("database url must start with jdbc:h2: or jdbc:postgresql://");
        }
    }

    /**
     * The embedded default: {@code <dir>/runs.mv.db}. AUTO_SERVER: several airlock processes (concurrent runs,
     * {@code airlock cancel}, {@code airlock show}) share one data directory; the first to open it serves it to the
     * others. WRITE_DELAY=0: a committed transition is on disk before the role it announces starts, so a crash right
     * after never loses it.
     */
    public static DatabaseSettings embedded(Path dir) {
        return new DatabaseSettings("jdbc:h2:file:" + dir.toAbsolutePath().resolve("runs")
                + ";AUTO_SERVER=TRUE;WRITE_DELAY=0", "airlock", null);
    }

    /** The file that serialises migrations of an H2 file database across processes; null for other databases. */
    public Path migrationLock() {
        String prefix = "jdbc:h2:file:";
        if (!url.startsWith(prefix)) {
            return null;
        }
        int semi = url.indexOf(';');
        Path file = Path.of(semi < 0 ? url.substring(prefix.length()) : url.substring(prefix.length(), semi));
        return file.toAbsolutePath().resolveSibling("migrate.lock");
    }

    public boolean postgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    /** The URL without credentials or parameters, for printing. */
    public String displayUrl() {
        int q = url.indexOf('?');
        int semi = url.indexOf(';');
        int end = q < 0 ? semi : semi < 0 ? q : Math.min(q, semi);
        return end < 0 ? url : url.substring(0, end);
    }
}
