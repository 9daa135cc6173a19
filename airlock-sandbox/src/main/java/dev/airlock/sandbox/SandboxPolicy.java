package dev.airlock.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.airlock.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a session may do, as one immutable value. Isolation is the default; every deviation is a named field.
 * Loaded from JSON with {@link #load(Path)} (fields documented in docs/configuration.md, "Sandbox policy") or built
 * with {@link #builder()}.
 *
 * @param bwrap            bubblewrap executable; a bare name is looked up on the host {@code PATH}
 * @param protectedPaths   workspace-relative paths the session can never create, modify or replace
 * @param extraReadOnly    further host directories bound read-only at the same path (toolchains outside /usr)
 * @param env              the whole environment of every call, before the call's own variables
 * @param memoryBytes      memory limit of the session's cgroup (all processes together)
 * @param pids             maximum number of tasks in the session's cgroup
 * @param cpuPercent       CPU quota of the session's cgroup, 100 = one core
 * @param callTimeout      default wall-clock limit of one call
 * @param outputLimit      default cap of stdout and of stderr of one call, in bytes
 * @param tmpfsBytes       size of the private {@code /tmp} and {@code $HOME}
 * @param landlock         whether a kernel without Landlock refuses the session ({@code REQUIRED}) or not
 * @param cgroups          whether a host without usable cgroups refuses the session ({@code REQUIRED}) or not
 * @param canaries         plant per-session canary credentials in {@code $HOME}
 * @param seccompNotify    deliver seccomp denials as user notifications to the supervisor (exact denial events);
 *                         false puts the whole filter into bwrap as plain ERRNO rules (no syscall events)
 * @param autoGrants       capability patterns granted without asking, e.g. {@code budget:time:*}
 * @param grantTtl         lifetime of a grant
 * @param writableOnGrant  absolute host directories mounted at the same path, read-only to calls until an
 *                         {@code fs:write:PATH} grant for them (or a directory beneath) is in force; need Landlock
 * @param workspaceQuotaBytes  disk usage (allocated blocks) of the workspace beyond which a call that grows it is
 *                             killed with a {@code resource} denial; 0 = no quota and no per-call work
 * @param workspaceQuotaInodes the same for the number of files and directories
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record SandboxPolicy(
        @JsonProperty("bwrap") String bwrap,
        @JsonProperty("protectedPaths") List<String> protectedPaths,
        @JsonProperty("extraReadOnly") List<String> extraReadOnly,
        @JsonProperty("env") Map<String, String> env,
        @JsonProperty("memoryBytes") long memoryBytes,
        @JsonProperty("pids") int pids,
        @JsonProperty("cpuPercent") int cpuPercent,
        @JsonProperty("callTimeout") Duration callTimeout,
        @JsonProperty("outputLimit") int outputLimit,
        @JsonProperty("tmpfsBytes") long tmpfsBytes,
        @JsonProperty("landlock") Requirement landlock,
        @JsonProperty("cgroups") Requirement cgroups,
        @JsonProperty("canaries") Boolean canaries,
        @JsonProperty("seccompNotify") Boolean seccompNotify,
        @JsonProperty("autoGrants") List<String> autoGrants,
        @JsonProperty("grantTtl") Duration grantTtl,
        @JsonProperty("writableOnGrant") List<String> writableOnGrant,
        @JsonProperty("workspaceQuotaBytes") long workspaceQuotaBytes,
        @JsonProperty("workspaceQuotaInodes") long workspaceQuotaInodes) {

    /** Whether the absence of a layer refuses the session. */
    public enum Requirement { REQUIRED, IF_AVAILABLE }

    public static final List<String> DEFAULT_PROTECTED = List.of(".git", ".airlock");
    static final Map<String, String> DEFAULT_ENV = defaultEnv();

    private static Map<String, String> defaultEnv() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        m.put("LANG", "C.UTF-8");
        m.put("TERM", "dumb");
        return m;
    }

    /** Variables the sandbox sets itself; a policy or call cannot override them. */
    static final List<String> RESERVED_ENV = List.of("HOME", "USER", "LOGNAME", "TMPDIR", "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT");

    public SandboxPolicy {
        bwrap = bwrap == null || bwrap.isBlank() ? "bwrap" : bwrap;
        protectedPaths = List.copyOf(protectedPaths == null ? DEFAULT_PROTECTED : protectedPaths);
        extraReadOnly = List.copyOf(extraReadOnly == null ? List.of() : extraReadOnly);
        env = Map.copyOf(env == null ? DEFAULT_ENV : env);
        memoryBytes = memoryBytes == 0 ? 2L << 30 : memoryBytes;
        pids = pids == 0 ? 512 : pids;
        cpuPercent = cpuPercent == 0 ? 100 : cpuPercent;
        callTimeout = callTimeout == null ? Duration.ofMinutes(2) : callTimeout;
        outputLimit = outputLimit == 0 ? 1 << 20 : outputLimit;
        tmpfsBytes = tmpfsBytes == 0 ? 256L << 20 : tmpfsBytes;
        landlock = landlock == null ? Requirement.REQUIRED : landlock;
        cgroups = cgroups == null ? Requirement.REQUIRED : cgroups;
        canaries = canaries == null ? Boolean.TRUE : canaries;
        seccompNotify = seccompNotify == null ? Boolean.TRUE : seccompNotify;
        autoGrants = List.copyOf(autoGrants == null ? List.of() : autoGrants);
        grantTtl = grantTtl == null ? Duration.ofMinutes(30) : grantTtl;
        writableOnGrant = List.copyOf(writableOnGrant == null ? List.of() : writableOnGrant);
        for (String p : writableOnGrant) {
            checkGrantable(p);
        }
        if (workspaceQuotaBytes < 0 || workspaceQuotaInodes < 0) {
            throw new IllegalArgumentException("workspaceQuotaBytes and workspaceQuotaInodes must be 0 (none) or positive");
        }
        for (String p : protectedPaths) {
            WorkspacePaths.checkRelative(p);
        }
        for (String p : extraReadOnly) {
            if (!p.startsWith("/") || p.contains("/../") || p.endsWith("/..")) {
                throw new IllegalArgumentException("extraReadOnly entries must be absolute paths without '..': " + p);
            }
        }
        for (String name : env.keySet()) {
            if (RESERVED_ENV.contains(name) || name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf(0) >= 0) {
                throw new IllegalArgumentException("policy env may not set " + name);
            }
        }
        if (memoryBytes < (16L << 20)) throw new IllegalArgumentException("memoryBytes must be at least 16 MiB");
        if (pids < 8) throw new IllegalArgumentException("pids must be at least 8");
        if (cpuPercent < 1 || cpuPercent > 6400) throw new IllegalArgumentException("cpuPercent must be 1..6400");
        if (callTimeout.isNegative() || callTimeout.isZero()) throw new IllegalArgumentException("callTimeout must be positive");
        if (outputLimit < 0 || outputLimit > (64 << 20)) throw new IllegalArgumentException("outputLimit must be 0..64 MiB");
        for (String g : autoGrants) {
            Capability.parsePattern(g);
        }
    }

    /** Where the sandbox mounts its own things: a writable-on-grant directory may be none of these nor inside one. */
    private static final List<String> SANDBOX_MOUNTS = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64",
            "/libx32", "/etc", "/proc", "/dev", "/tmp", "/run", SandboxSession.HOME, WorkspacePaths.MOUNT);

    private static void checkGrantable(String p) {
        if (!p.startsWith("/") || p.equals("/") || p.endsWith("/") || p.contains("//") || p.contains("/../")
                || p.endsWith("/..") || p.contains("/./") || p.endsWith("/.") || p.length() > 1024) {
            throw new IllegalArgumentException("writableOnGrant entries must be normalised absolute directories other than /: " + p);
        }
        for (int i = 0; i < p.length(); i++) {
            if (Character.isISOControl(p.charAt(i))) {
                throw new IllegalArgumentException("writableOnGrant entries may not contain control characters");
            }
        }
        for (String m : SANDBOX_MOUNTS) {
            if (p.equals(m) || p.startsWith(m + "/") || m.startsWith(p + "/")) {
                throw new IllegalArgumentException("writableOnGrant entry " + p + " overlaps the sandbox's own mount " + m
                        + "; choose a directory outside it (the workspace, /tmp and $HOME are always writable)");
            }
        }
    }

    /** The writable-on-grant directory {@code path} is, or lies beneath; {@code null} when none. */
    String grantableRoot(String path) {
        for (String g : writableOnGrant) {
            if (path.equals(g) || path.startsWith(g + "/")) {
                return g;
            }
        }
        return null;
    }

    /** The default policy: everything isolated, nothing granted. */
    public static SandboxPolicy defaults() {
        return builder().build();
    }

    /** Reads a policy file; unknown fields are an error so a typo never silently weakens a policy. */
    public static SandboxPolicy load(Path file) throws IOException {
        long size = Files.size(file);
        if (size > 1 << 20) {
            throw new IOException("policy file " + file + " is larger than 1 MiB");
        }
        try {
            return Json.mapper().readValue(Files.readAllBytes(file), SandboxPolicy.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("cannot load sandbox policy " + file + ": " + e.getMessage(), e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.bwrap = bwrap; b.protectedPaths = new ArrayList<>(protectedPaths); b.extraReadOnly = new ArrayList<>(extraReadOnly);
        b.env = new LinkedHashMap<>(env); b.memoryBytes = memoryBytes; b.pids = pids; b.cpuPercent = cpuPercent;
        b.callTimeout = callTimeout; b.outputLimit = outputLimit; b.tmpfsBytes = tmpfsBytes; b.landlock = landlock;
        b.cgroups = cgroups; b.canaries = canaries; b.seccompNotify = seccompNotify; b.autoGrants = new ArrayList<>(autoGrants); b.grantTtl = grantTtl;
        b.writableOnGrant = new ArrayList<>(writableOnGrant);
        b.workspaceQuotaBytes = workspaceQuotaBytes; b.workspaceQuotaInodes = workspaceQuotaInodes;
        return b;
    }

    /** Validating builder; {@link #build()} applies the same checks as {@link #load(Path)}. */
    public static final class Builder {
        private String bwrap;
        private List<String> protectedPaths = new ArrayList<>(DEFAULT_PROTECTED);
        private List<String> extraReadOnly = new ArrayList<>();
        private Map<String, String> env = new LinkedHashMap<>(DEFAULT_ENV);
        private long memoryBytes;
        private int pids;
        private int cpuPercent;
        private Duration callTimeout;
        private int outputLimit;
        private long tmpfsBytes;
        private Requirement landlock;
        private Requirement cgroups;
        private boolean canaries = true;
        private boolean seccompNotify = true;
        private List<String> autoGrants = new ArrayList<>();
        private Duration grantTtl;
        private List<String> writableOnGrant = new ArrayList<>();
        private long workspaceQuotaBytes;
        private long workspaceQuotaInodes;

        public Builder bwrap(String v) { bwrap = Objects.requireNonNull(v); return this; }
        public Builder protectedPaths(List<String> v) { protectedPaths = new ArrayList<>(v); return this; }
        public Builder addProtectedPath(String v) { protectedPaths.add(v); return this; }
        public Builder extraReadOnly(List<String> v) { extraReadOnly = new ArrayList<>(v); return this; }
        public Builder env(String name, String value) { env.put(name, value); return this; }
        public Builder memoryBytes(long v) { memoryBytes = v; return this; }
        public Builder pids(int v) { pids = v; return this; }
        public Builder cpuPercent(int v) { cpuPercent = v; return this; }
        public Builder callTimeout(Duration v) { callTimeout = v; return this; }
        public Builder outputLimit(int v) { outputLimit = v; return this; }
        public Builder tmpfsBytes(long v) { tmpfsBytes = v; return this; }
        public Builder landlock(Requirement v) { landlock = v; return this; }
        public Builder cgroups(Requirement v) { cgroups = v; return this; }
        public Builder canaries(boolean v) { canaries = v; return this; }
        public Builder seccompNotify(boolean v) { seccompNotify = v; return this; }
        public Builder autoGrant(String pattern) { autoGrants.add(pattern); return this; }
        public Builder grantTtl(Duration v) { grantTtl = v; return this; }
        public Builder writableOnGrant(String absoluteDir) { writableOnGrant.add(absoluteDir); return this; }
        public Builder workspaceQuota(long bytes, long inodes) { workspaceQuotaBytes = bytes; workspaceQuotaInodes = inodes; return this; }

        public SandboxPolicy build() {
            return new SandboxPolicy(bwrap, protectedPaths, extraReadOnly, env, memoryBytes, pids, cpuPercent,
                    callTimeout, outputLimit, tmpfsBytes, landlock, cgroups, canaries, seccompNotify, autoGrants, grantTtl,
                    writableOnGrant, workspaceQuotaBytes, workspaceQuotaInodes);
        }
    }
}
