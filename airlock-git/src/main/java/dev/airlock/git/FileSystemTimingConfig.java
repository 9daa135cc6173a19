package dev.airlock.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;

/**
 * The only JGit configuration the git service persists: JGit's measurement of a file system's timestamp resolution
 * ({@code [filesystem "<jvm>|<store>"]}). JGit measures it on first use of a file system in each process — seconds of
 * sleeping between probe writes — and keeps it in its own config, which {@link IsolatedGit} otherwise replaces by
 * an empty one. Persisting just this section makes every later git role process skip the measurement.
 *
 * <p>Nothing else is read or written: {@link #load()} keeps only the {@code filesystem} section of a bounded file
 * (no includes are followed), {@link #save()} writes only that section, atomically (several role processes may
 * measure at once). A damaged or oversized file is ignored and measured again.
 */
final class FileSystemTimingConfig extends FileBasedConfig {
    static final String SECTION = "filesystem";
    private static final long MAX_BYTES = 64 * 1024;
    private boolean loaded;

    FileSystemTimingConfig(Config parent, Path file, FS fs) {
        super(parent, file.toFile(), fs);
    }

    @Override
    public void load() {
        loaded = true;
        clear();
        Path file = getFile().toPath();
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
                return;
            }
            Config read = new Config();
            read.fromText(Files.readString(file, StandardCharsets.UTF_8));
            copySection(read, this);
        } catch (IOException | ConfigInvalidException | IllegalArgumentException e) {
            clear(); // measured again, and rewritten when saved
        }
    }

    @Override
    public void save() throws IOException {
        Config only = new Config();
        copySection(this, only);
        Path file = getFile().toPath();
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".filesystem-", ".tmp");
        try {
            Files.writeString(tmp, only.toText(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public boolean isOutdated() {
        return !loaded;
    }

    private static void copySection(Config from, Config to) {
        for (String sub : from.getSubsections(SECTION)) {
            for (String name : from.getNames(SECTION, sub)) {
                to.setString(SECTION, sub, name, from.getString(SECTION, sub, name));
            }
        }
    }
}
