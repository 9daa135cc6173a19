package dev.airlock.sandbox.redteam;

import dev.airlock.sandbox.ExecRequest;
import dev.airlock.sandbox.ExecResult;
import dev.airlock.sandbox.SandboxException;
import dev.airlock.sandbox.SandboxPolicy;
import dev.airlock.sandbox.SandboxSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What the attacks work with: a session on a scratch workspace (with a {@code .git}, an {@code .airlock} and an
 * operator-protected file), and a host secret planted outside the workspace whose value must never show up inside.
 */
public final class RedTeamContext implements AutoCloseable {
    static final String PROTECTED_FILE = "conf/deploy.key";
    private static final String SYSCALL_PY = """
            import ctypes,sys
            l=ctypes.CDLL(None,use_errno=True)
            l.syscall.restype=ctypes.c_long
            r=l.syscall(*[ctypes.c_long(int(a,0)) for a in sys.argv[1:]])
            print(r, ctypes.get_errno())
            """;

    final Path root;
    final Path workspace;
    final Path hostSecretFile;
    final String hostSecret;
    final SandboxPolicy policy;
    final SandboxSession session;
    private final List<SandboxSession> extra = new ArrayList<>();

    private RedTeamContext(Path root, SandboxPolicy base) throws IOException, SandboxException {
        this.root = root;
        this.workspace = Files.createDirectories(root.resolve("workspace"));
        byte[] rnd = new byte[16];
        new SecureRandom().nextBytes(rnd);
        this.hostSecret = "HOSTSECRET" + HexFormat.of().formatHex(rnd);
        this.hostSecretFile = root.resolve("host-secret.txt");
        Files.writeString(hostSecretFile, hostSecret + "\n");
        Files.createDirectories(workspace.resolve(".git/hooks"));
        Files.writeString(workspace.resolve(".git/config"), "[core]\n\trepositoryformatversion = 0\n");
        Files.writeString(workspace.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.createDirectories(workspace.resolve(".airlock"));
        Files.writeString(workspace.resolve(".airlock/policy.json"), "{}\n");
        Files.createDirectories(workspace.resolve("conf"));
        Files.writeString(workspace.resolve(PROTECTED_FILE), "operator-protected\n");
        Files.writeString(workspace.resolve("README.md"), "scratch workspace\n");
        this.policy = base.toBuilder().addProtectedPath(PROTECTED_FILE).memoryBytes(512L << 20).pids(256)
                .tmpfsBytes(32L << 20).callTimeout(Duration.ofSeconds(20)).build();
        this.session = SandboxSession.open(policy, workspace);
    }

    /** Creates the scratch area under {@code root} (which must exist and be empty) and opens the session. */
    public static RedTeamContext create(Path root, SandboxPolicy base) throws IOException, SandboxException {
        return new RedTeamContext(root, base);
    }

    ExecResult sh(String script) throws SandboxException {
        return session.exec(ExecRequest.shell(script).withTimeout(Duration.ofSeconds(20)));
    }

    ExecResult py(String code, String... args) throws SandboxException {
        List<String> argv = new ArrayList<>(List.of("/usr/bin/python3", "-c", code));
        argv.addAll(List.of(args));
        return session.exec(new ExecRequest(argv, null, java.util.Map.of(), null, Duration.ofSeconds(20), -1));
    }

    /** Calls a raw syscall inside the sandbox; the result's stdout is "RET ERRNO". */
    ExecResult syscall(long nr, long... args) throws SandboxException {
        String[] a = new String[args.length + 1];
        a[0] = Long.toString(nr);
        for (int i = 0; i < args.length; i++) {
            a[i + 1] = Long.toString(args[i]);
        }
        return py(SYSCALL_PY, a);
    }

    /** errno of a {@link #syscall} result, 0 when the call succeeded. */
    static int errnoOf(ExecResult r) {
        String[] f = r.stdoutText().strip().split(" ");
        if (f.length != 2) {
            throw new IllegalStateException("syscall probe failed: " + r.stderrText());
        }
        return Long.parseLong(f[0]) == -1 ? Integer.parseInt(f[1]) : 0;
    }

    /** A second, independent session (closed with this context). */
    SandboxSession openExtra(SandboxPolicy p, Path ws) throws SandboxException {
        SandboxSession s = SandboxSession.open(p, ws);
        extra.add(s);
        return s;
    }

    boolean leaksHostSecret(ExecResult r) {
        return r.stdoutText().contains(hostSecret) || r.stderrText().contains(hostSecret);
    }

    @Override
    public void close() {
        for (SandboxSession s : extra) {
            s.close();
        }
        session.close();
    }
}
