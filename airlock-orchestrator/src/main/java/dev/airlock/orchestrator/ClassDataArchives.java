package dev.airlock.orchestrator;

import dev.airlock.core.CacheDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarFile;

/**
 * AOT caches (JEP 483/514) for the role JVMs, one per role verb ({@code git-worker}, {@code agent-run}, …), kept
 * under {@code <cache>/cds/<fingerprint>/} where the fingerprint covers the JVM, every jar of the distribution and
 * the roles' class-path lists (path, size, modification time). A role JVM started with its cache maps its classes
 * already loaded and linked, and its start-up methods' profiles, instead of loading, verifying and linking them from
 * jars (docs/benchmarks.md has the numbers against the dynamic AppCDS archives used before).
 *
 * <p>The first start of a verb records what it loads into a private temporary file; once that process did its whole
 * job, a separate JVM assembles the cache from the record (the JDK's one-step {@code -XX:AOTCacheOutput} would do it
 * inside the role's exit, delaying it and printing on its output) into another private file, renamed into place
 * only when complete; concurrent runs therefore never map a half-written cache. A JVM that finds its cache unusable
 * (stale, truncated, another JDK build, another class path or other options) runs without it: the JVM's default
 * {@code -XX:AOTMode=auto} falls back, as {@code AotCacheFallbackTest} proves. A cache holds class metadata and
 * profiles of the distribution only, nothing of a run.
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
     * Keeps the JVM's own AOT and CDS messages (a stale or truncated cache) out of the role's output: stdout is a
     * protocol for some roles, and a cache only changes how fast a role starts.
     */
    static final List<String> QUIET = List.of("-Xlog:aot*=off", "-Xlog:cds*=off");
    /**
     * A recording JVM says so on stdout at exit, past any log option: diagnostic output of that one run, which only
     * this switch silences (VM warnings and crash reports do not go through it).
     */
    static final List<String> QUIET_RECORDING = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-DisplayVMOutput");

    /**
     * The JVM options for one start of {@code name}, and what to do once that process ended.
     *
     * @param jvm       the role's java command and options, without any cache option (the cache is assembled with
     *                  the same ones: a cache made for other options or another class path would not be used)
     * @param classPath the role's class path
     */
    Use use(String name, List<String> jvm, String classPath) {
        String file = name.replaceAll("[^a-z0-9-]", "_");
        Path archive = dir.resolve(file + ".aot");
        if (Files.isRegularFile(archive)) {
            return new Use(concat(List.of("-XX:AOTCache=" + archive), QUIET), null, null, List.of());
        }
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                prune(dir.getParent(), KEEP);
            }
            removeAbandoned(dir);
            if (beingAssembled(dir, file)) {
                // An earlier run's record is still being assembled (a first run under load): recording once more
                // would only cost this run the recording and the machine a second assembly.
                return new Use(List.of(), null, null, List.of());
            }
            Path fresh = dir.resolve(file + "." + ProcessHandle.current().pid() + "." + System.nanoTime() + ".tmp");
            List<String> assemble = new ArrayList<>(jvm);
            assemble.addAll(QUIET);
            assemble.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + fresh,
                    "-XX:AOTCache=" + fresh + ".aot", "-cp", classPath));
            return new Use(concat(List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + fresh),
                    concat(QUIET, QUIET_RECORDING)), fresh, archive, List.copyOf(assemble));
        } catch (IOException e) {
            return new Use(List.of(), null, null, List.of());
        }
    }

    /** Roles started with a recording whose end was not handled yet. */
    private static final java.util.Set<Recording> RECORDINGS = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Caches being assembled. */
    private static final java.util.Set<Process> ASSEMBLING = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * How long this JVM's exit waits for caches still being assembled. Without waiting, the next run (a benchmark's
     * first after its warm-up, a user's second command) would start while they are built, record once more and
     * compete with them for the CPU; a first run is the one that pays for the caches, as it paid for the dynamic
     * archives dumped at exit before.
     */
    static final java.time.Duration ASSEMBLY_WAIT = java.time.Duration.ofSeconds(60);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Recording r : RECORDINGS) {
                if (!r.role().isAlive()) {
                    r.end();
                }
            }
            long deadline = System.nanoTime() + ASSEMBLY_WAIT.toNanos();
            for (Process p : ASSEMBLING) {
                try {
                    p.waitFor(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    return; // the cache is still moved into place by its shell, after this JVM is gone
                }
            }
        }, "airlock-aot-caches"));
    }

    /** One role process recording its cache; {@link #end()} acts once, whoever calls it first. */
    private record Recording(Use use, Process role) {
        void end() {
            if (RECORDINGS.remove(this)) {
                use.ended(role.exitValue());
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /**
     * JVM options for one role start. A first start records what the role loads into {@code fresh};
     * {@link #ended(int)} then has a separate JVM ({@code assemble}) build the cache from that record, in the
     * background, and move it into place once complete.
     */
    record Use(List<String> options, Path fresh, Path archive, List<String> assemble) {
        /** Exit statuses of a role that did its whole job: done (0) or stopped by the orchestrator (SIGTERM). */
        static final java.util.Set<Integer> COMPLETE = java.util.Set.of(0, 128 + 15);
        /**
         * Runs the assembling JVM, then moves its cache into place only if it succeeded, and removes the record:
         * a shell, so that the move still happens when this JVM (say, the CLI at the end of a run) exited first.
         */
        private static final String ASSEMBLE_THEN_MOVE = "record=$1 cache=$2; shift 2; "
                + "if \"$@\" && [ -s \"$record.aot\" ]; then mv -f \"$record.aot\" \"$cache\"; fi; "
                + "rm -f \"$record\" \"$record.aot\"";

        /**
         * Calls {@link #ended(int)} once {@code role} exited, also when that happens just before this JVM exits (the
         * CLI stops the drop store and the guard at the very end of a run, faster than its process-exit callbacks
         * run): a shutdown hook ends every role that exited by then.
         */
        void endWhenExited(Process role) {
            if (fresh == null) {
                return;
            }
            Recording recording = new Recording(this, role);
            RECORDINGS.add(recording);
            role.onExit().thenAccept(p -> recording.end());
        }

        /**
         * Builds a cache only from a role that did its whole job: one that ended early (a run failed before its
         * phase) loaded only part of its classes, and its cache would stay partial until the next build. Runs
         * after the role, off the run's path (this JVM's exit waits for it, see {@link #ASSEMBLY_WAIT}): a few
         * seconds of CPU per role verb, once per build.
         *
         * @return the assembling process, or null when there is nothing to assemble
         */
        Process ended(int exitStatus) {
            if (fresh == null) {
                return null;
            }
            try {
                if (COMPLETE.contains(exitStatus) && Files.isRegularFile(fresh) && Files.size(fresh) > 0) {
                    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", ASSEMBLE_THEN_MOVE, "sh",
                            fresh.toString(), archive.toString()));
                    command.addAll(assemble);
                    ProcessBuilder pb = new ProcessBuilder(command)
                            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectError(ProcessBuilder.Redirect.DISCARD);
                    // Nothing of the orchestrator's environment: the assembling JVM needs none of it.
                    pb.environment().clear();
                    pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
                    pb.environment().put("LANG", "C.UTF-8");
                    Process assembling = pb.start();
                    ASSEMBLING.add(assembling);
                    assembling.onExit().thenAccept(ASSEMBLING::remove);
                    return assembling;
                }
            } catch (IOException ignored) {
                // no shell, or no process left to start: the next start records again
            }
            try {
                Files.deleteIfExists(fresh);
            } catch (IOException ignored) {
                // a stray temporary file in a cache directory, removed within the hour
            }
            return null;
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

    /** Whether a record of {@code file} written in the last ten minutes is still waiting for, or in, assembly. */
    static boolean beingAssembled(Path dir, String file) {
        long since = System.currentTimeMillis() - java.time.Duration.ofMinutes(10).toMillis();
        try (var files = Files.list(dir)) {
            return files.anyMatch(f -> {
                String n = f.getFileName().toString();
                return n.startsWith(file + ".") && n.endsWith(".tmp") && modified(f).toMillis() > since;
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /**
     * Records and caches of processes killed before they could be moved into place (an hour is ample to assemble
     * one).
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
