package dev.airlock.orchestrator;

import dev.airlock.core.CacheDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarFile;

/**
 * AppCDS archives for the role JVMs, one per role verb ({@code git-export}, {@code agent-run}, …), kept under
 * {@code <cache>/cds/<fingerprint>/} where the fingerprint covers the JVM and every jar of the distribution (path,
 * size, modification time). A role JVM started with its archive maps the classes it needs instead of loading,
 * verifying and linking them from jars: about a second less per role start on this machine.
 *
 * <p>The first start of a verb writes the archive at exit into a private temporary file, which is renamed into
 * place only after that process ended; concurrent runs therefore never map a half-written archive, and a later JVM
 * that finds the archive unusable (another JDK build) silently runs without it ({@code -Xshare:auto}). An archive
 * holds class metadata of the distribution only, nothing of a run.
 */
final class ClassDataArchives {
    /** Archive sets kept: this build's roles and CLI plus a few other worktrees' or builds'. */
    static final int KEEP = 6;
    private final Path dir;

    private ClassDataArchives(Path dir) {
        this.dir = dir;
    }

    /**
     * Archives for {@code classPath} (a single jar whose manifest names the rest), or null when the class path holds
     * directories (AppCDS refuses them, and a JVM started with such a path and an archive option exits).
     */
    static ClassDataArchives forDistribution(String classPath, Path cacheRoot) {
        if (classPath.contains(java.io.File.pathSeparator) || !classPath.endsWith(".jar")) {
            return null;
        }
        try {
            return new ClassDataArchives(cacheRoot.resolve("cds").resolve(fingerprint(Path.of(classPath))));
        } catch (IOException e) {
            return null; // no archive: slower start, same behaviour
        }
    }

    static ClassDataArchives forThisDistribution() {
        return forDistribution(System.getProperty("java.class.path", ""), CacheDirectory.root());
    }

    /** The JVM options for one start of {@code name}, and what to do once that process ended. */
    Use use(String name) {
        String file = name.replaceAll("[^a-z0-9-]", "_");
        Path archive = dir.resolve(file + ".jsa");
        if (Files.isRegularFile(archive)) {
            return new Use(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"),
                    null, null);
        }
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                prune(dir.getParent(), KEEP);
            }
            removeAbandoned(dir);
            Path fresh = dir.resolve(file + "." + ProcessHandle.current().pid() + "." + System.nanoTime() + ".tmp");
            return new Use(List.of("-XX:ArchiveClassesAtExit=" + fresh, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"),
                    fresh, archive);
        } catch (IOException e) {
            return new Use(List.of(), null, null);
        }
    }

    /** JVM options for one role start; {@link #ended(int)} moves a freshly dumped archive into place. */
    record Use(List<String> options, Path fresh, Path archive) {
        /** Exit statuses of a role that did its whole job: done (0) or stopped by the orchestrator (SIGTERM). */
        static final java.util.Set<Integer> COMPLETE = java.util.Set.of(0, 128 + 15);

        /**
         * Keeps the dump only of a role that did its whole job: one ended early (a run failed before its phase)
         * loaded only part of its classes, and its archive would stay partial until the next build.
         */
        void ended(int exitStatus) {
            if (fresh == null) {
                return;
            }
            try {
                if (COMPLETE.contains(exitStatus) && Files.isRegularFile(fresh) && Files.size(fresh) > 0) {
                    Files.move(fresh, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException ignored) {
                // another run put one there, or the disk is full: the next start dumps again
            } finally {
                try {
                    Files.deleteIfExists(fresh);
                } catch (IOException ignored) {
                    // a stray temporary file in a cache directory
                }
            }
        }
    }

    /**
     * Each build of the distribution gets new archives (~170 MB per set), so only the {@code keep} most recently
     * created sets stay; a JVM that has an archive mapped keeps it even when its file is deleted.
     */
    static void prune(Path cds, int keep) {
        try (var sets = Files.list(cds)) {
            List<Path> old = sets.filter(Files::isDirectory)
                    .sorted(java.util.Comparator.comparing(ClassDataArchives::modified).reversed())
                    .skip(keep).toList();
            for (Path set : old) {
                try (var files = Files.list(set)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(set);
            }
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // a concurrent prune or a busy directory: the next new set tries again
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    /** Temporary dumps of processes killed before they could be moved into place (an hour is ample to dump). */
    private static void removeAbandoned(Path dir) {
        long cutoff = System.currentTimeMillis() - java.time.Duration.ofHours(1).toMillis();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList()) {
                if (modified(f).toMillis() < cutoff) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // best effort
        }
    }

    /** JVM identity plus path, size and mtime of the jar and of every jar its manifest's Class-Path names. */
    static String fingerprint(Path jar) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        md.update((System.getProperty("java.home") + "|" + System.getProperty("java.vm.version") + "\n")
                .getBytes(StandardCharsets.UTF_8));
        Path abs = jar.toAbsolutePath().normalize();
        stamp(md, abs);
        try (JarFile jf = new JarFile(abs.toFile(), false)) {
            var manifest = jf.getManifest();
            String cp = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (cp != null) {
                for (String entry : cp.trim().split("\\s+")) {
                    stamp(md, abs.resolveSibling(entry).normalize());
                }
            }
        }
        return HexFormat.of().formatHex(md.digest(), 0, 8).toLowerCase(Locale.ROOT);
    }

    private static void stamp(MessageDigest md, Path file) throws IOException {
        if (!file.toString().endsWith(".jar") || !Files.isRegularFile(file)) {
            // e.g. surefire's manifest-only jar naming class directories: AppCDS cannot archive those
            throw new IOException(file + " is not a jar");
        }
        md.update((file + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis() + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }
}
