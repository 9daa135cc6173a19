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
 * AOT caches (JEP 483/514) for the role JVMs, one per role verb ({@code git-worker}, {@code agent-run}, …), kept
 * under {@code <cache>/cds/<fingerprint>/} where the fingerprint covers the JVM, every jar of the distribution and
 * the roles' class-path lists (path, size, modification time). A role JVM started with its cache maps its classes
 * already loaded and linked, and its start-up methods' profiles, instead of loading, verifying and linking them from
 * jars: about a second less per role start on this machine than without, and ~15% less CPU than the dynamic AppCDS
 * archives used before.
 *
 * <p>The first start of a verb records its classes and has the JVM assemble the cache at exit (in a child JVM) into
 * a private temporary file, which is renamed into place only after that process did its whole job; concurrent runs
 * therefore never map a half-written cache. A JVM that finds its cache unusable (stale, truncated, another JDK
 * build, another class path) runs without it: the JVM's default {@code -XX:AOTMode=auto} falls back and the test
 * {@code ClassDataArchivesTest} proves it. A cache holds class metadata and profiles of the distribution only,
 * nothing of a run.
 */
final class ClassDataArchives {
    /** Cache sets kept: this build's roles and CLI plus a few other worktrees' or builds'. */
    static final int KEEP = 6;
    private final Path dir;

    private ClassDataArchives(Path dir) {
        this.dir = dir;
    }

    /**
     * Caches for the distribution {@code classPath} (a single jar whose manifest names the rest), or null when the
     * class path holds directories (an AOT cache cannot hold their classes).
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

    /**
     * Keeps the JVM's own AOT and CDS messages (a stale cache, the assembly at exit) out of the role's output:
     * stdout is a protocol for some roles, and a cache only changes how fast a role starts.
     */
    static final List<String> QUIET = List.of("-Xlog:aot*=off", "-Xlog:cds*=off");
    /**
     * The training run's JVM prints what it records and assembles on stdout, past any log option: diagnostic output
     * of that one run, which only this switch silences (warnings and crash reports do not go through it).
     */
    static final List<String> QUIET_ASSEMBLY = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-DisplayVMOutput");

    /** The JVM options for one start of {@code name}, and what to do once that process ended. */
    Use use(String name) {
        String file = name.replaceAll("[^a-z0-9-]", "_");
        Path archive = dir.resolve(file + ".aot");
        if (Files.isRegularFile(archive)) {
            return new Use(concat(List.of("-XX:AOTCache=" + archive), QUIET), null, null);
        }
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                prune(dir.getParent(), KEEP);
            }
            removeAbandoned(dir);
            Path fresh = dir.resolve(file + "." + ProcessHandle.current().pid() + "." + System.nanoTime() + ".tmp");
            return new Use(concat(List.of("-XX:AOTCacheOutput=" + fresh), concat(QUIET, QUIET_ASSEMBLY)),
                    fresh, archive);
        } catch (IOException e) {
            return new Use(List.of(), null, null);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /** JVM options for one role start; {@link #ended(int)} moves a freshly assembled cache into place. */
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
     * Each build of the distribution gets new caches (~200 MB per set), so only the {@code keep} most recently
     * created sets stay; a JVM that has a cache mapped keeps it even when its file is deleted.
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

    /**
     * Temporary caches (and the JVM's {@code .tmp.config} files beside them) of processes killed before they could
     * be moved into place (an hour is ample to assemble one).
     */
    private static void removeAbandoned(Path dir) {
        long cutoff = System.currentTimeMillis() - java.time.Duration.ofHours(1).toMillis();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().contains(".tmp")).toList()) {
                if (modified(f).toMillis() < cutoff) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // best effort
        }
    }

    /**
     * JVM identity plus path, size and mtime of the jar, of every jar its manifest's Class-Path names and of the
     * roles' class-path lists and classes jar ({@link RoleClassPath}) beside it: a cache built for another class path
     * would be refused by the JVM on every start and never rebuilt.
     */
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
        Path roles = abs.resolveSibling("roles");
        if (Files.isDirectory(roles)) {
            try (var files = Files.list(roles)) {
                for (Path f : files.sorted().toList()) {
                    md.update((f + "|" + Files.size(f) + "|" + Files.getLastModifiedTime(f).toMillis() + "\n")
                            .getBytes(StandardCharsets.UTF_8));
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
