package dev.airlock.sandbox;

import dev.airlock.core.event.DenialEvent;
import dev.airlock.core.event.DenialKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns what the supervisor observed into denial events. Precise where the kernel tells us (file tools get the errno
 * and path; a SIGSYS death is seccomp's foreign-ABI kill; cgroup counters say OOM kill and pids.max), heuristic for
 * commands: seccomp's EPERM and Landlock's EACCES are only visible as the error text the program printed, so stderr
 * lines carrying those messages become events with rule {@code errno-classification}. See SECURITY.md for the list.
 */
final class DenialClassifier {
    static final int SIGSYS = 31;
    static final int SIGKILL = 9;
    private static final int MAX_STDERR_EVENTS = 5;
    private static final int MAX_TARGET = 160;

    private DenialClassifier() {
    }

    static List<DenialEvent> forExec(String session, String call, List<String> argv, int signal, boolean timedOut,
                                     Duration timeout, boolean truncated, int limit, byte[] stderr, int execErrno,
                                     long oomKills, long pidsMaxHits, Instant now) {
        List<DenialEvent> out = new ArrayList<>();
        String program = argv.getFirst();
        if (signal == SIGSYS) {
            out.add(new DenialEvent(now, session, call, DenialKind.SYSCALL, "syscall", program,
                    "seccomp: foreign syscall ABI (i386/x32) or forbidden syscall killed the process",
                    "only native x86_64 syscalls are allowed"));
        }
        if (timedOut) {
            out.add(new DenialEvent(now, session, call, DenialKind.RESOURCE, "wall-clock", program,
                    "call timeout " + timeout.toSeconds() + "s; process group killed",
                    "request capability budget:time:+SECONDS if the command legitimately needs longer"));
        }
        if (oomKills > 0) {
            out.add(new DenialEvent(now, session, call, DenialKind.RESOURCE, "memory", program,
                    "session memory limit reached; " + oomKills + " process(es) OOM-killed", "use less memory"));
        }
        if (pidsMaxHits > 0) {
            out.add(new DenialEvent(now, session, call, DenialKind.RESOURCE, "fork", program,
                    "session process limit reached " + pidsMaxHits + " time(s)", "run fewer processes at once"));
        }
        if (truncated) {
            out.add(new DenialEvent(now, session, call, DenialKind.RESOURCE, "output", program,
                    "output capped at " + limit + " bytes per stream", "write large output to a file and read parts of it"));
        }
        if (execErrno == Errno.EACCES || execErrno == Errno.EPERM) {
            out.add(new DenialEvent(now, session, call, DenialKind.FILESYSTEM, "execve", program,
                    "not executable inside the sandbox (" + Errno.describe(execErrno) + ")", null));
        }
        if (execErrno == 0) {
            classifyStderr(session, call, stderr, now, out);
        }
        return out;
    }

    /** One error message a program prints when a boundary refused it, and what that refusal means. */
    private record StderrSignature(List<String> needles, DenialKind kind, String rule, String hint) {
        boolean matches(String line) {
            for (String needle : needles) {
                if (line.contains(needle)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Checked in order; the first match classifies a line (EPERM before EACCES, as the texts overlap in tools). */
    private static final List<StderrSignature> STDERR_SIGNATURES = List.of(
            new StderrSignature(List.of("Read-only file system"), DenialKind.FILESYSTEM,
                    "read-only mount (system directory or protected path)",
                    "write inside the workspace, /tmp or $HOME; protected paths (.git, .airlock) are never writable"),
            new StderrSignature(List.of("Device or resource busy"), DenialKind.FILESYSTEM,
                    "mount point: protected paths and their parents cannot be moved or removed (EBUSY)",
                    "protected paths (.git, .airlock, operator paths) stay where they are"),
            new StderrSignature(List.of("Invalid cross-device link"), DenialKind.FILESYSTEM,
                    "EXDEV: links and renames across sandbox mounts are refused",
                    "copy the file instead of linking it"),
            new StderrSignature(List.of("must be superuser", "Operation not permitted"), DenialKind.SYSCALL,
                    "errno-classification: EPERM (seccomp filter or missing capability)",
                    "this operation is not available in the sandbox"),
            new StderrSignature(List.of("Permission denied"), DenialKind.FILESYSTEM,
                    "errno-classification: EACCES (Landlock or file permissions)",
                    "only the workspace, /tmp and $HOME are writable"),
            new StderrSignature(List.of("Address family not supported"), DenialKind.SYSCALL,
                    "seccomp: socket family refused (AF_PACKET, AF_VSOCK, netlink other than route)",
                    "network access goes through the egress guard"),
            new StderrSignature(List.of("Network is unreachable", "Temporary failure in name resolution",
                    "Could not resolve host", "Name or service not known", "Couldn't connect to server",
                    "No route to host"), DenialKind.NETWORK,
                    "no network: the sandbox has only loopback",
                    "request capability net:HOST if this host is needed"));

    private static void classifyStderr(String session, String call, byte[] stderr, Instant now, List<DenialEvent> out) {
        String text = new String(stderr, 0, Math.min(stderr.length, 64 << 10), StandardCharsets.UTF_8);
        int found = 0;
        for (String line : text.split("\n")) {
            if (found >= MAX_STDERR_EVENTS) {
                break;
            }
            for (StderrSignature signature : STDERR_SIGNATURES) {
                if (signature.matches(line)) {
                    String target = line.strip();
                    if (target.length() > MAX_TARGET) {
                        target = target.substring(0, MAX_TARGET) + "…";
                    }
                    out.add(new DenialEvent(now, session, call, signature.kind(), "exec", target, signature.rule(),
                            signature.hint()));
                    found++;
                    break;
                }
            }
        }
    }

    /** Names of the argument-checked syscalls, which are not on the plain deny list. */
    private static String syscallName(int nr, long a0, long a1) {
        String n = SeccompProgram.nameOf(nr);
        if (n != null) {
            return n;
        }
        return switch (nr) {
            case 56 -> "clone(namespace flags 0x" + Long.toHexString(a0 & SeccompProgram.CLONE_NS_FLAGS) + ")";
            case 41, 53 -> (nr == 41 ? "socket" : "socketpair") + "(" + switch ((int) a0) {
                case 16 -> "AF_NETLINK";
                case 17 -> "AF_PACKET";
                case 40 -> "AF_VSOCK";
                default -> "family " + a0 + ", SOCK_RAW";
            } + ")";
            case 16 -> "ioctl(" + (a1 == SeccompProgram.TIOCSTI ? "TIOCSTI" : "TIOCLINUX") + ")";
            case 135 -> "personality(0x" + Long.toHexString(a0) + ")";
            case 90, 91, 268, 452 -> "chmod(setuid/setgid)";
            case 2, 257, 85 -> "open(setuid/setgid mode)";
            case 83, 258 -> "mkdir(setuid/setgid mode)";
            default -> "syscall " + nr;
        };
    }

    /** Exact events from the supervisor's seccomp notifications ("nr arg0 arg1 pid" each). */
    static List<DenialEvent> forSeccompNotifications(String session, String call, List<String> argv, List<String> raw, Instant now) {
        List<DenialEvent> out = new ArrayList<>();
        for (String line : raw) {
            String[] f = line.split(" ");
            if (f.length != 4) {
                continue;
            }
            int nr = Integer.parseInt(f[0]);
            String name = syscallName(nr, Long.parseLong(f[1]), Long.parseLong(f[2]));
            out.add(new DenialEvent(now, session, call, DenialKind.SYSCALL, name, argv.getFirst() + " (pid " + f[3] + " in the sandbox)",
                    "seccomp: " + name + " is not allowed in the sandbox",
                    "this kernel interface is closed to agents; find another way or ask the operator"));
        }
        return out;
    }

    /** A refused file tool; {@code null} when the errno is not a refusal (ENOENT and the like). */
    static DenialEvent forFileTool(String session, String call, String verb, String path, int errno,
                                   SandboxPolicy policy, Instant now) {
        List<String> protectedPaths = policy.protectedPaths();
        if (errno != Errno.EROFS && errno != Errno.EACCES && errno != Errno.EPERM && errno != Errno.EBUSY
                && errno != Errno.EXDEV) {
            return null;
        }
        String rule;
        String hint;
        String rel = path.startsWith(WorkspacePaths.MOUNT + "/") ? path.substring(WorkspacePaths.MOUNT.length() + 1) : null;
        boolean isProtected = rel != null && protectedPaths.stream().anyMatch(p -> rel.equals(p) || rel.startsWith(p + "/"));
        if (isProtected) {
            rule = "protected path (" + Errno.describe(errno) + ")";
            hint = "protected paths cannot be changed from inside the sandbox; the git service commits your work";
        } else if (errno == Errno.EACCES && policy.grantableRoot(path) != null) {
            rule = "writable-on-grant directory without an fs:write grant (" + Errno.describe(errno) + ")";
            hint = "request capability fs:write:" + policy.grantableRoot(path) + " if this is needed";
        } else if (errno == Errno.EROFS) {
            rule = "read-only mount (" + Errno.describe(errno) + ")";
            hint = "write inside the workspace, /tmp or $HOME";
        } else {
            rule = "Landlock or file permissions (" + Errno.describe(errno) + ")";
            hint = "only the workspace, /tmp and $HOME are writable";
        }
        return new DenialEvent(now, session, call, DenialKind.FILESYSTEM, verb, path, rule, hint);
    }
}
