package dev.airlock.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The session's cgroups: memory, pids and CPU limits for everything bubblewrap starts. Detects the host's layout:
 * cgroup v2 (unified hierarchy with controllers) or v1 (one hierarchy per controller, as on this project's machines
 * where {@code /sys/fs/cgroup/unified} exists but holds no controllers). The session's cgroups are created below the
 * JVM's own, so a container's limits still apply on top.
 */
final class CgroupLimits implements AutoCloseable {
    private static final Path ROOT = Path.of(System.getProperty("airlock.sandbox.cgroupRoot", "/sys/fs/cgroup"));

    private final List<Path> dirs;
    private final boolean v2;
    private final long baselineOom;
    private final long baselinePidsMax;

    private CgroupLimits(List<Path> dirs, boolean v2) {
        this.dirs = dirs;
        this.v2 = v2;
        this.baselineOom = oomKills();
        this.baselinePidsMax = pidsMaxHits();
    }

    /** Creates and configures the session's cgroups; {@code null} when the host has none and the policy allows that. */
    static CgroupLimits create(String name, SandboxPolicy policy) throws SandboxUnavailableException {
        try {
            if (Files.exists(ROOT.resolve("cgroup.controllers"))) {
                return createV2(ROOT, ownPath("0"), name, policy);
            }
            Path unified = ROOT.resolve("unified");
            String uc = Files.exists(unified.resolve("cgroup.controllers")) ? Files.readString(unified.resolve("cgroup.controllers")) : "";
            if (uc.contains("memory") && uc.contains("pids")) {
                return createV2(unified, ownPath("0"), name, policy);
            }
            if (Files.isDirectory(ROOT.resolve("memory")) && Files.isDirectory(ROOT.resolve("pids"))) {
                return createV1(name, policy);
            }
        } catch (IOException e) {
            return unavailable(policy, "cannot set up the session's cgroups (" + e.getMessage() + ")");
        }
        return unavailable(policy, "no cgroup memory and pids controllers found under " + ROOT);
    }

    private static CgroupLimits unavailable(SandboxPolicy policy, String why) throws SandboxUnavailableException {
        if (policy.cgroups() == SandboxPolicy.Requirement.IF_AVAILABLE) {
            return null;
        }
        throw new SandboxUnavailableException(why + "; the sandbox needs writable cgroups to bound memory, processes and "
                + "CPU. Run Airlock as root or with a delegated cgroup (systemd-run --user --scope -p Delegate=yes), or set "
                + "\"cgroups\": \"IF_AVAILABLE\" in the policy to accept running without limits");
    }

    /** The JVM's own cgroup path in a hierarchy, from /proc/self/cgroup ("0" = v2, else a v1 controller name). */
    private static String ownPath(String controller) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f.length == 3) {
                boolean hit = controller.equals("0") ? f[0].equals("0") : List.of(f[1].split(",")).contains(controller);
                if (hit) {
                    return f[2];
                }
            }
        }
        return "/";
    }

    private static CgroupLimits createV2(Path root, String own, String name, SandboxPolicy policy) throws IOException {
        Path dir = root.resolve(own.substring(1)).resolve("airlock-" + name);
        Files.createDirectory(dir);
        write(dir.resolve("memory.max"), Long.toString(policy.memoryBytes()));
        if (Files.exists(dir.resolve("memory.swap.max"))) {
            write(dir.resolve("memory.swap.max"), "0");
        }
        write(dir.resolve("pids.max"), Integer.toString(policy.pids()));
        if (Files.exists(dir.resolve("cpu.max"))) {
            write(dir.resolve("cpu.max"), (policy.cpuPercent() * 1000L) + " 100000");
        }
        return new CgroupLimits(List.of(dir), true);
    }

    private static CgroupLimits createV1(String name, SandboxPolicy policy) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try {
            for (String c : List.of("memory", "pids", "cpu")) {
                Path hierarchy = ROOT.resolve(c);
                if (!Files.isDirectory(hierarchy)) {
                    continue;
                }
                Path dir = hierarchy.resolve(ownPath(c).substring(1)).resolve("airlock-" + name);
                Files.createDirectory(dir);
                dirs.add(dir);
                switch (c) {
                    case "memory" -> {
                        write(dir.resolve("memory.limit_in_bytes"), Long.toString(policy.memoryBytes()));
                        if (Files.exists(dir.resolve("memory.memsw.limit_in_bytes"))) {
                            write(dir.resolve("memory.memsw.limit_in_bytes"), Long.toString(policy.memoryBytes()));
                        }
                    }
                    case "pids" -> write(dir.resolve("pids.max"), Integer.toString(policy.pids()));
                    default -> {
                        write(dir.resolve("cpu.cfs_period_us"), "100000");
                        write(dir.resolve("cpu.cfs_quota_us"), Long.toString(policy.cpuPercent() * 1000L));
                    }
                }
            }
        } catch (IOException e) {
            for (Path d : dirs) {
                Files.deleteIfExists(d);
            }
            throw e;
        }
        return new CgroupLimits(List.copyOf(dirs), false);
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value, StandardCharsets.US_ASCII);
    }

    /** The cgroup.procs files the launcher writes itself into before it execs bubblewrap. */
    List<String> procsFiles() {
        return dirs.stream().map(d -> d.resolve("cgroup.procs").toString()).toList();
    }

    private Path controller(String file) {
        for (Path d : dirs) {
            if (Files.exists(d.resolve(file))) {
                return d.resolve(file);
            }
        }
        return null;
    }

    /** OOM kills in the session so far (v2 memory.events, v1 memory.oom_control). */
    long oomKills() {
        Path f = controller(v2 ? "memory.events" : "memory.oom_control");
        return f == null ? 0 : counter(f, "oom_kill");
    }

    /** How often a fork was refused because pids.max was reached. */
    long pidsMaxHits() {
        Path f = controller("pids.events");
        return f == null ? 0 : counter(f, "max");
    }

    long newOomKills() {
        return oomKills() - baselineOom;
    }

    long newPidsMaxHits() {
        return pidsMaxHits() - baselinePidsMax;
    }

    private static long counter(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] kv = line.trim().split(" ");
                if (kv.length == 2 && kv[0].equals(key)) {
                    return Long.parseLong(kv[1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** Kills whatever is still in the session's cgroups and removes them. */
    @Override
    public void close() {
        for (Path d : dirs) {
            for (int attempt = 0; attempt < 50; attempt++) {
                List<String> pids;
                try {
                    pids = Files.readAllLines(d.resolve("cgroup.procs"));
                } catch (IOException e) {
                    break;
                }
                if (pids.isEmpty()) {
                    break;
                }
                for (String pid : pids) {
                    try {
                        ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
                    } catch (NumberFormatException ignored) {
                        // cgroup.procs holds only numbers; skip anything else
                    }
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            try {
                Files.deleteIfExists(d);
            } catch (IOException ignored) {
                // a cgroup with a lingering task cannot be removed yet; it holds no power and is reported nowhere
            }
        }
    }

    /** Counters since creation, for the next call's delta. */
    record Snapshot(long oom, long pidsMax) {
    }

    Snapshot snapshot() {
        return new Snapshot(oomKills(), pidsMaxHits());
    }
}
