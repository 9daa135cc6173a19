package dev.airlock.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Prerequisite checks that turn a host which cannot sandbox into a refusal with instructions, never a fallback. */
final class HostChecks {
    private HostChecks() {
    }

    static Path findBwrap(String configured) throws SandboxUnavailableException {
        if (configured.contains("/")) {
            Path p = Path.of(configured);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
            throw new SandboxUnavailableException("bubblewrap not found at " + configured
                    + "; install it (apt-get install -y bubblewrap) or fix \"bwrap\" in the policy");
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (dir.startsWith("/")) {
                Path p = Path.of(dir, configured);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        throw new SandboxUnavailableException("bubblewrap ('" + configured + "') is not installed on this host; "
                + "install it with: apt-get install -y bubblewrap (bin/install-prerequisites does this)");
    }

    static void requireUserNamespaces() throws SandboxUnavailableException {
        Path max = Path.of("/proc/sys/user/max_user_namespaces");
        try {
            if (Files.exists(max) && Long.parseLong(Files.readString(max).strip()) == 0) {
                throw new SandboxUnavailableException("user namespaces are disabled (user.max_user_namespaces = 0); "
                        + "enable them: sysctl -w user.max_user_namespaces=15000");
            }
            Path clone = Path.of("/proc/sys/kernel/unprivileged_userns_clone");
            if (Files.exists(clone) && Files.readString(clone).strip().equals("0") && !isRoot()) {
                throw new SandboxUnavailableException("unprivileged user namespaces are disabled; "
                        + "enable them: sysctl -w kernel.unprivileged_userns_clone=1");
            }
        } catch (IOException | NumberFormatException e) {
            throw new SandboxUnavailableException("cannot check user namespace support: " + e.getMessage(), e);
        }
    }

    static void requireSeccomp() throws SandboxUnavailableException {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Seccomp:")) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new SandboxUnavailableException("cannot read /proc/self/status: " + e.getMessage(), e);
        }
        throw new SandboxUnavailableException("this kernel has no seccomp support (CONFIG_SECCOMP_FILTER); "
                + "the sandbox refuses to run without a syscall filter");
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** A fix for the failures bubblewrap reports most often. */
    static String hintFor(String bwrapError) {
        if (bwrapError.contains("No permissions to create new namespace") || bwrapError.contains("Operation not permitted")) {
            return "\nhint: user namespaces are restricted on this host (check user.max_user_namespaces, "
                    + "kernel.apparmor_restrict_unprivileged_userns, or a container seccomp profile)";
        }
        if (bwrapError.contains("seccomp")) {
            return "\nhint: the kernel refused the seccomp filter; the sandbox does not run without it";
        }
        if (bwrapError.contains("cgroup")) {
            return "\nhint: the cgroup limits could not be applied; run as root or with a delegated cgroup";
        }
        return "";
    }
}
