package dev.airlock.cli.run;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where runs, the embedded drop and the git service's caches live. */
public final class DataDirOption {
    @Option(names = "--data-dir", description = "Airlock's data directory (default: $XDG_DATA_HOME/airlock or "
            + "~/.local/share/airlock).")
    Path dataDir;

    public Path resolve() {
        if (dataDir != null) {
            return dataDir.toAbsolutePath();
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && xdg.startsWith("/") ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("airlock");
    }
}
