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
 * {@code airlock sandbox shell}: one session, one call per input line ({@code bash -c LINE}). Lines starting with
 * {@code :grant NAME} request a capability, {@code :events} prints the log. The working directory does not carry
 * over between lines: every call starts in /workspace.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = "Interactive session: each line runs as one call (bash -c LINE) in the same sandbox. ':grant CAP' requests a capability.")
public final class SandboxShellCommand implements Callable<Integer> {
    @Mixin
    SandboxOptionsMixin options;

    @Override
    public Integer call() {
        try (SandboxSession s = options.opts.open(System.err)) {
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
