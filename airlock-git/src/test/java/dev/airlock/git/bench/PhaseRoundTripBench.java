package dev.airlock.git.bench;

import dev.airlock.drop.s3.DropSigner;
import dev.airlock.drop.s3.S3Settings;
import dev.airlock.drop.server.EmbeddedS3Server;
import dev.airlock.drop.snapshot.DirectorySink;
import dev.airlock.drop.snapshot.DirectorySnapshot;
import dev.airlock.drop.snapshot.Manifest;
import dev.airlock.drop.snapshot.ManifestEntry;
import dev.airlock.drop.snapshot.SnapshotLimits;
import dev.airlock.drop.snapshot.SnapshotReader;
import dev.airlock.drop.store.DropKeys;
import dev.airlock.drop.transfer.PresignedTransfer;
import dev.airlock.git.ExportCommand;
import dev.airlock.git.GitRemote;
import dev.airlock.git.IsolatedGit;
import dev.airlock.git.MirrorCommand;
import dev.airlock.git.OutputVerdict;
import dev.airlock.git.PublishCommand;
import dev.airlock.git.ValidateOutputCommand;
import dev.airlock.git.ValidatedOutput;
import dev.airlock.scan.Scanner;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.URIish;

/**
 * Phase round trip on a ~60 MB / ~3,000-file workspace (JDK sources from {@code $JAVA_HOME/lib/src.zip} committed
 * to a local bare repository), against the real embedded S3 store:
 * export (git service: fetch, snapshot, presigned PUT) → download (agent: presigned GET, unpack) → upload (agent:
 * pack, presigned PUT) → validate (git service: presigned GET, hardened read, diff, scan) → publish (commit, push).
 * The bench itself plays the orchestrator (it holds the store's keys, to make the bucket and sign the URLs).
 * Full: first phase, everything moves. Incremental: next phase, input and output are deltas, 10 files changed.
 *
 * <p>Run with {@code bin/bench-drop-git [rounds]}.
 */
public final class PhaseRoundTripBench {
    private static final boolean FULL_OUTPUT = Boolean.getBoolean("bench.fullOutput");
    private static final String[] STEPS = {"export", "download", "upload", "validate", "publish"};

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        Path tmp = Files.createTempDirectory("airlock-bench");
        try {
            Path origin = buildOrigin(tmp);
            IsolatedGit.install();
            try (EmbeddedS3Server s3 = EmbeddedS3Server.start(tmp.resolve("drop"), 0)) {
                S3Settings settings = new S3Settings(s3.endpoint(), "us-east-1", "airlock", true, s3.accessKey(),
                        s3.secretKey());
                s3.ensureBucket("airlock");
                try (DropSigner signer = DropSigner.open(settings);
                     Repository service = IsolatedGit.openBare(tmp.resolve("service.git"))) {
                    Bench bench = new Bench(tmp, origin, signer, service);
                    bench.phase("warmup", 0, true);
                    bench.phase("warmup", 1, false);
                    List<Laps> full = new ArrayList<>();
                    List<Laps> incremental = new ArrayList<>();
                    boolean threadCpu = Boolean.getBoolean("bench.threadCpu");
                    Map<String, Long> incrementalTicks = new java.util.TreeMap<>();
                    for (int round = 0; round < rounds; round++) {
                        final int i = round;
                        full.add(bench.phase("full-" + i, 0, true));
                        Map<String, Long> before = threadCpu ? threadTicks() : Map.of();
                        incremental.add(profiled("incremental-" + i, () -> bench.phase("full-" + i, 1, false)));
                        if (threadCpu) {
                            Map<String, Long> delta = new java.util.TreeMap<>();
                            threadTicks().forEach((k, v) -> delta.put(k, v - before.getOrDefault(k, 0L)));
                            delta.forEach((k, v) -> incrementalTicks.merge(k, v, Long::sum));
                            System.out.printf("incremental %d: CPU ticks by thread kind %s%n", i, delta);
                        }
                    }
                    System.out.printf("first-phase output: %s%n", FULL_OUTPUT ? "whole workspace" : "delta against the input");
                    System.out.printf("workspace: %d files, %.1f MB; load average at end: %.2f on %d cores%n",
                            bench.fileCount, bench.bytes / 1e6,
                            java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                            Runtime.getRuntime().availableProcessors());
                    report("full (first phase)", full);
                    report("incremental (10 files changed)", incremental);
                    if (threadCpu) {
                        System.out.println("incremental phases, CPU per phase by thread kind (1/100 s ticks, averaged):");
                        incrementalTicks.forEach((k, v) -> System.out.printf("  %-24s %6.1f ms%n", k,
                                v * 10.0 / rounds));
                    }
                }
            }
        } finally {
            // About a gigabyte per run (origin, service and agent copies, the drop store): never left behind.
            try (var walk = Files.walk(tmp)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private interface Phase {
        Laps run() throws Exception;
    }

    /**
     * CPU ticks (1/100 s) of every thread of this process by kind (compiler, GC, S3 store, JGit, ...), from
     * /proc/self/task: with -Dbench.threadCpu=true the incremental phases' totals are printed, to tell the code under
     * test from the JIT, the collector and the in-process S3 store.
     */
    private static Map<String, Long> threadTicks() throws java.io.IOException {
        Map<String, Long> ticks = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (java.io.IOException gone) {
                    continue;
                }
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long t = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                String kind = comm.startsWith("C2 ") || comm.startsWith("C1 ") ? "JIT compiler"
                        : comm.startsWith("GC ") || comm.startsWith("G1 ") ? "garbage collector"
                        : comm.startsWith("S3Proxy") || comm.startsWith("qtp") ? "S3 store (s3proxy)"
                        : comm.startsWith("JGit") ? "JGit transport threads"
                        : comm.startsWith("HttpClient") ? "agent HTTP client"
                        : comm.equals("java") || comm.equals("main") ? "main" : "other JVM threads";
                ticks.merge(kind, t, Long::sum);
            }
        }
        return ticks;
    }

    /** With -Dbench.profileIncremental=DIR, each incremental phase is recorded with JFR into DIR (for profiling). */
    private static Laps profiled(String name, Phase phase) throws Exception {
        String dir = System.getProperty("bench.profileIncremental");
        if (dir == null) {
            return phase.run();
        }
        try (jdk.jfr.Recording r = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"))) {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
            r.start();
            Laps t = phase.run();
            r.stop();
            r.dump(Path.of(dir, name + ".jfr"));
            return t;
        }
    }

    /**
     * Process CPU time (all threads, including the in-process S3 store, GC and JIT) in nanoseconds, from
     * {@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)}: the management bean's figure has only 10 ms resolution.
     */
    private static final class ProcessCpu {
        private static final int CLOCK_PROCESS_CPUTIME_ID = 2;
        private static final java.lang.invoke.MethodHandle CLOCK_GETTIME;
        private static final java.lang.foreign.MemorySegment TIMESPEC =
                java.lang.foreign.Arena.global().allocate(16, 8);

        static {
            var linker = java.lang.foreign.Linker.nativeLinker();
            CLOCK_GETTIME = linker.downcallHandle(linker.defaultLookup().find("clock_gettime").orElseThrow(),
                    java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT,
                            java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.ADDRESS));
        }

        static synchronized long nanos() {
            try {
                int rc = (int) CLOCK_GETTIME.invokeExact(CLOCK_PROCESS_CPUTIME_ID, TIMESPEC);
                if (rc != 0) {
                    throw new IllegalStateException("clock_gettime failed");
                }
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            return TIMESPEC.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0) * 1_000_000_000L
                    + TIMESPEC.get(java.lang.foreign.ValueLayout.JAVA_LONG, 8);
        }
    }

    /** Wall and process CPU time of the named parts of one phase, in order; a part is "step/part". */
    private static final class Laps {
        final Map<String, long[]> parts = new LinkedHashMap<>();
        private long wall = System.nanoTime();
        private long cpu = ProcessCpu.nanos();

        /** Ends the part that started at the previous lap (or at construction). */
        void lap(String part) {
            long w = System.nanoTime();
            long c = ProcessCpu.nanos();
            parts.put(part, new long[] {w - wall, c - cpu});
            wall = w;
            cpu = c;
        }

        /** Restarts the clock without recording (the untimed agent work between the steps). */
        void skip() {
            wall = System.nanoTime();
            cpu = ProcessCpu.nanos();
        }

        long sum(int what, String stepPrefix) {
            return parts.entrySet().stream().filter(e -> stepPrefix == null || e.getKey().startsWith(stepPrefix + "/"))
                    .mapToLong(e -> e.getValue()[what]).sum();
        }
    }

    private static long median(List<Laps> runs, java.util.function.ToLongFunction<Laps> f) {
        long[] xs = runs.stream().mapToLong(f).sorted().toArray();
        return xs[xs.length / 2];
    }

    private static void report(String name, List<Laps> runs) {
        long[] totals = runs.stream().mapToLong(r -> r.sum(0, null)).sorted().toArray();
        long median = totals[totals.length / 2];
        System.out.printf("%s: median %.1f ms (min %.1f, max %.1f, n=%d)%n", name, median / 1e6, totals[0] / 1e6,
                totals[totals.length - 1] / 1e6, totals.length);
        System.out.printf("  process CPU time (all threads, incl. the in-process S3 store): median %.1f ms%n",
                median(runs, r -> r.sum(1, null)) / 1e6);
        for (String step : STEPS) {
            long m = median(runs, r -> r.sum(0, step));
            System.out.printf("  %-9s %8.1f ms  %5.1f%%   CPU %8.1f ms%n", step, m / 1e6, 100.0 * m / median,
                    median(runs, r -> r.sum(1, step)) / 1e6);
            for (String part : runs.get(0).parts.keySet()) {
                if (part.startsWith(step + "/")) {
                    System.out.printf("    %-20s %8.1f ms            CPU %8.1f ms%n", part.substring(step.length() + 1),
                            median(runs, r -> r.parts.get(part)[0]) / 1e6,
                            median(runs, r -> r.parts.get(part)[1]) / 1e6);
                }
            }
        }
    }

    private static final class Bench {
        final Path tmp;
        final Path origin;
        final DropSigner signer;
        final Repository service;
        final PresignedTransfer agent = new PresignedTransfer(Duration.ofSeconds(30));
        final Scanner scanner = Scanner.builder().build();
        long fileCount;
        long bytes;
        // state carried between the phases of one run
        Path workspace;
        dev.airlock.drop.snapshot.FileHashCache agentCache;
        Manifest agentHas;
        ExportCommand.Result lastInput;
        String lastBranchCommit;
        int runCounter;

        Bench(Path tmp, Path origin, DropSigner signer, Repository service) {
            this.tmp = tmp;
            this.origin = origin;
            this.signer = signer;
            this.service = service;
        }

        Laps phase(String label, int phase, boolean first) throws Exception {
            String run = first ? "bench-" + (runCounter++) : "bench-" + (runCounter - 1);
            GitRemote remote = GitRemote.parse(origin.toString());

            // export: git service fetches, snapshots (delta against what the agent holds), uploads the input
            Laps laps = new Laps();
            MirrorCommand.Result mirror = new MirrorCommand(service).remote(remote).call();
            laps.lap("export/fetch");
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            String revision = first ? "refs/remotes/origin/main" : lastBranchCommit;
            ExportCommand.Result input = new ExportCommand(service).revision(revision).output(in)
                    .base(first ? null : agentHas).call();
            laps.lap("export/snapshot");
            // as the git role does: through the presigned PUT the orchestrator made for this object
            agent.upload(signer.put(DropKeys.input(run, phase), Duration.ofMinutes(5)), in.toByteArray());
            laps.lap("export/put");

            // download: agent GETs through its presigned URL and unpacks (first phase: fresh dir; later: in place)
            var get = signer.get(DropKeys.input(run, phase), Duration.ofMinutes(5));
            try (InputStream got = agent.open(get, 1L << 30)) {
                if (first) {
                    workspace = Files.createDirectories(tmp.resolve("agent-" + run));
                    agentCache = new dev.airlock.drop.snapshot.FileHashCache();
                    SnapshotReader.create().read(got, new DirectorySink(workspace).recordingHashes(agentCache));
                    laps.lap("download/get+unpack");
                } else {
                    Set<String> held = agentHas.entries().stream().map(ManifestEntry::sha256)
                            .collect(Collectors.toSet());
                    var r = SnapshotReader.create().base(agentHas, held::contains)
                            .read(got, DirectorySink.updating(workspace).recordingHashes(agentCache));
                    laps.lap("download/get+unpack");
                    DirectorySink.prune(workspace, r.manifest(), agentHas);
                    laps.lap("download/prune");
                }
            }
            agentHas = input.manifest();
            if (first) {
                fileCount = agentHas.entries().size();
                bytes = agentHas.entries().stream().mapToLong(ManifestEntry::size).sum();
            }

            // the agent's work (not timed): change 10 files
            List<ManifestEntry> files = agentHas.entries();
            for (int i = 0; i < 10; i++) {
                Path p = workspace.resolve(files.get((i * 97 + phase * 13) % files.size()).path());
                Files.writeString(p, "// edited by the agent in " + label + " phase " + phase + "\n",
                        java.nio.file.StandardOpenOption.APPEND);
            }

            // upload: agent packs (full on the first phase, else delta) and PUTs through its presigned URL
            laps.skip();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            // The output is a delta against what the agent holds (its input), so unchanged files are neither read
            // nor sent; -Dbench.fullOutput=true sends the whole workspace on the first phase instead.
            Manifest output = DirectorySnapshot.write(workspace, out, SnapshotLimits.DEFAULT,
                    first && FULL_OUTPUT ? null : agentHas, agentCache);
            laps.lap("upload/pack");
            var put = signer.put(DropKeys.output(run, phase), Duration.ofMinutes(5));
            agent.upload(put, out.toByteArray());
            laps.lap("upload/put");

            // validate: git service reads the output through its presigned GET and checks it against the recorded id
            byte[] archive;
            try (InputStream got = agent.open(signer.get(DropKeys.output(run, phase), Duration.ofMinutes(5)),
                    1L << 30)) {
                archive = got.readAllBytes();
            }
            laps.lap("validate/get");
            OutputVerdict verdict = new ValidateOutputCommand(service).input(input)
                    .archive(new java.io.ByteArrayInputStream(archive)).expectedOutputId(output.id())
                    .scanner(scanner).call();
            laps.lap("validate/check");
            ValidatedOutput accepted = switch (verdict) {
                case OutputVerdict.Accepted a -> a.output();
                case OutputVerdict.NeedsReview r -> throw new IllegalStateException("review: " + r.protectedPaths());
                case OutputVerdict.Rejected r -> throw new IllegalStateException(r.reason().describe());
            };

            // publish: commit and push to airlock/<run>
            PublishCommand.Result pushed = new PublishCommand(service).output(accepted).runId(run)
                    .branch("airlock/" + run).force(!first).remote(remote)
                    .remoteDefaultBranch(mirror.defaultBranch()).call();
            laps.lap("publish/commit+push");
            lastBranchCommit = pushed.commit().name();
            agentHas = output;
            return laps;
        }
    }

    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed");
        }
    }

    /** A bare repository with java.base sources (plus java.desktop files up to ~60 MB) on main. */
    private static Path buildOrigin(Path tmp) throws Exception {
        Path work = tmp.resolve("origin-work");
        Path zip = Path.of(System.getProperty("java.home"), "lib", "src.zip");
        long total = 0;
        int count = 0;
        try (ZipFile z = new ZipFile(zip.toFile())) {
            Map<String, ZipEntry> chosen = new LinkedHashMap<>();
            for (var e : z.stream().toList()) {
                if (!e.isDirectory() && e.getName().startsWith("java.base/")) {
                    chosen.put(e.getName(), e);
                    total += e.getSize();
                }
            }
            for (var e : z.stream().toList()) {
                if (total >= 60_000_000L) {
                    break;
                }
                if (!e.isDirectory() && e.getName().startsWith("java.desktop/")) {
                    chosen.put(e.getName(), e);
                    total += e.getSize();
                }
            }
            for (ZipEntry e : chosen.values()) {
                Path p = work.resolve(e.getName());
                Files.createDirectories(p.getParent());
                try (InputStream s = z.getInputStream(e)) {
                    Files.copy(s, p);
                }
                count++;
            }
        }
        System.out.printf("origin: %d files, %.1f MB from %s%n", count, total / 1e6, zip);
        Path bare = tmp.resolve("origin.git");
        // The git CLI builds the fixture in about a second (JGit's add of 4,000 files takes a minute).
        run(work, "git", "init", "-q", "-b", "main");
        run(work, "git", "add", ".");
        run(work, "git", "-c", "user.name=Dev", "-c", "user.email=dev@example.invalid", "-c", "core.hooksPath=/dev/null",
                "commit", "-q", "-m", "jdk sources");
        run(tmp, "git", "clone", "-q", "--bare", work.toString(), bare.toString());
        return bare;
    }
}
