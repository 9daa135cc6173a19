package dev.airlock.sandbox;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The bubblewrap command line of a session. Mount order matters: bwrap applies mounts in argument order, so the
 * workspace is bound first, then each protected path's ancestors onto themselves (a mount point cannot be renamed or
 * removed: EBUSY, so no parent of a protected path can be moved away and recreated), then the protected paths
 * read-only.
 */
final class BwrapArguments {
    /** Host /etc entries that programs need; everything else of /etc (shadow, ssh keys, sudoers…) stays out. */
    static final List<String> ETC = List.of("alternatives", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "ssl",
            "ca-certificates", "ca-certificates.conf", "localtime", "timezone", "profile", "bash.bashrc", "inputrc",
            "mime.types", "protocols", "services", "python3", "python3.11", "java-17-openjdk", "java-21-openjdk",
            "magic", "magic.mime", "manpath.config", "environment", "login.defs", "debian_version", "os-release",
            "lsb-release", "terminfo", "gitconfig", "npmrc", "perl", "xdg");
    static final String SUPERVISOR = "/run/airlock/sandboxd";
    static final String NOTIFY_FILTER = "/run/airlock/seccomp-notify.bpf";

    private BwrapArguments() {
    }

    static List<String> build(SandboxPolicy policy, Path ws, Path sessionDir, Path supervisor, GuardEndpoint guard) {
        List<String> a = new ArrayList<>(List.of(
                "--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup",
                "--uid", Integer.toString(SandboxSession.SANDBOX_UID), "--gid", Integer.toString(SandboxSession.SANDBOX_UID),
                "--disable-userns", "--hostname", "airlock", "--die-with-parent", "--new-session", "--clearenv",
                "--cap-drop", "ALL"));
        a.addAll(List.of("--ro-bind", "/usr", "/usr"));
        for (String top : List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32")) {
            Path p = Path.of("/", top);
            if (Files.isSymbolicLink(p)) {
                try {
                    a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), "/" + top));
                } catch (java.io.IOException e) {
                    // unreadable link: leave it out
                }
            } else if (Files.isDirectory(p)) {
                a.addAll(List.of("--ro-bind", p.toString(), p.toString()));
            }
        }
        for (String e : ETC) {
            Path p = Path.of("/etc", e);
            if (Files.exists(p)) {
                a.addAll(List.of("--ro-bind", p.toString(), p.toString()));
            }
        }
        for (String f : SandboxSession.syntheticEtc().keySet()) {
            a.addAll(List.of("--ro-bind", sessionDir.resolve(f).toString(), "/etc/" + f));
        }
        for (String extra : policy.extraReadOnly()) {
            if (Files.exists(Path.of(extra))) {
                a.addAll(List.of("--ro-bind", extra, extra));
            }
        }
        for (String g : policy.writableOnGrant()) {
            // Writable mount; Landlock keeps calls from writing until fs:write is granted (the supervisor's domain).
            a.addAll(List.of("--bind", g, g));
        }
        String size = Long.toString(policy.tmpfsBytes());
        a.addAll(List.of("--proc", "/proc", "--dev", "/dev",
                "--size", size, "--tmpfs", "/tmp",
                "--size", size, "--tmpfs", SandboxSession.HOME,
                "--bind", ws.toString(), WorkspacePaths.MOUNT));
        Set<String> ancestors = new LinkedHashSet<>();
        for (String rel : policy.protectedPaths()) {
            String[] seg = rel.split("/");
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < seg.length - 1; i++) {
                prefix.append(i == 0 ? "" : "/").append(seg[i]);
                ancestors.add(prefix.toString());
            }
        }
        for (String anc : ancestors) {
            if (Files.isDirectory(ws.resolve(anc), LinkOption.NOFOLLOW_LINKS)) {
                a.addAll(List.of("--bind", ws.resolve(anc).toString(), WorkspacePaths.MOUNT + "/" + anc));
            }
        }
        for (String rel : policy.protectedPaths()) {
            if (Files.exists(ws.resolve(rel), LinkOption.NOFOLLOW_LINKS)) {
                a.addAll(List.of("--ro-bind", ws.resolve(rel).toString(), WorkspacePaths.MOUNT + "/" + rel));
            }
        }
        a.addAll(List.of("--ro-bind", supervisor.toString(), SUPERVISOR));
        List<String> serve = new ArrayList<>(List.of(SUPERVISOR, "serve"));
        if (policy.seccompNotify()) {
            a.addAll(List.of("--ro-bind", sessionDir.resolve("seccomp-notify.bpf").toString(), NOTIFY_FILTER));
            serve.addAll(List.of("--notify", NOTIFY_FILTER));
        }
        if (guard != null) {
            a.addAll(List.of("--bind", guard.socket().toString(), GuardEndpoint.SOCKET_INSIDE,
                    "--ro-bind", guard.caCertificate().toString(), GuardEndpoint.CA_INSIDE,
                    "--ro-bind", sessionDir.resolve("guard-truststore.p12").toString(), GuardEndpoint.TRUSTSTORE_INSIDE));
            serve.addAll(List.of("--bridge", Integer.toString(guard.port()), GuardEndpoint.SOCKET_INSIDE));
        }
        if (policy.workspaceQuotaBytes() > 0 || policy.workspaceQuotaInodes() > 0) {
            serve.addAll(List.of("--quota", Long.toString(policy.workspaceQuotaBytes()), Long.toString(policy.workspaceQuotaInodes())));
        }
        if (!policy.writableOnGrant().isEmpty()) {
            serve.add("--grantable");
            serve.add(Integer.toString(policy.writableOnGrant().size()));
            serve.addAll(policy.writableOnGrant());
        }
        serve.addAll(List.of(WorkspacePaths.MOUNT, "/tmp", SandboxSession.HOME));
        serve.addAll(policy.writableOnGrant());
        a.addAll(List.of("--remount-ro", "/", "--seccomp", "@SECCOMP_FD@", "--chdir", WorkspacePaths.MOUNT));
        a.addAll(serve);
        return a;
    }
}
