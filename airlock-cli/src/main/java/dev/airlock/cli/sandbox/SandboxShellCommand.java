package dev.airlock.cli.sandbox;

import dev.airlock.sandbox.ExecRequest;
import dev.airlock.sandbox.ExecResult;
import dev.airlock.sandbox.GrantDecider;
import dev.airlock.sandbox.SandboxException;
import dev.airlock.sandbox.SandboxSession;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code airlock sandbox shell}: one session, one call per input line ({@code bash -c LINE}). {@code :grant NAME}
 * requests a capability (decided by the policy's auto-grants, else asked on {@code /dev/tty}), {@code :revoke NAME}
 * gives one back. Egress goes through an in-process guard, as for {@code exec}. The working directory does not carry
 * over between lines: every call starts in /workspace.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = "Interactive session: each line runs as one call (bash -c LINE) in the same sandbox. ':grant CAP' requests a capability (asked on /dev/tty), ':revoke CAP' gives it back.")
public final class SandboxShellCommand implements Callable<Integer> {
    @Mixin
    SandboxOptionsMixin options;

    private final HostSide host;

    public SandboxShellCommand() {
        this(HostSide.REAL);
    }

    /** For tests: loopback-only guard network, a file as the operator's terminal. */
    public SandboxShellCommand(HostSide host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        try (SandboxRun run = options.opts.open(options.guard, host, System.err)) {
            SandboxSession s = run.session();
            System.err.println("airlock: sandbox session " + s.id() + " (workspace at /workspace, Landlock ABI "
                    + s.landlockAbi() + "); Ctrl-D ends it");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            int last = 0;
            while (true) {
                System.err.print("sandbox$ ");
                System.err.flush();
                String line = in.readLine();
                if (line == null) {
                    return last;
                }
                if (line.isBlank()) {
                    continue;
                }
                if (line.startsWith(":grant ")) {
                    GrantDecider.Decision d = s.requestCapability(line.substring(7).strip(), "requested in airlock sandbox shell");
                    System.err.println("airlock: " + d);
                    continue;
                }
                if (line.startsWith(":revoke ")) {
                    // Revoking only takes power away, so whoever types the lines may do it.
                    boolean held = s.revokeCapability(line.substring(8).strip(), "shell user");
                    System.err.println("airlock: " + (held ? "revoked" : "not held"));
                    continue;
                }
                ExecResult r = s.exec(ExecRequest.shell(line));
                System.out.write(r.stdout());
                System.out.flush();
                System.err.write(r.stderr());
                last = r.exitCode();
            }
        } catch (SandboxException | IOException e) {
            return SandboxFailure.report(e);
        }
    }
}
