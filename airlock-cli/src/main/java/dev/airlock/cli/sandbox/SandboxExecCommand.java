package dev.airlock.cli.sandbox;

import dev.airlock.sandbox.ExecRequest;
import dev.airlock.sandbox.ExecResult;
import dev.airlock.sandbox.SandboxException;
import dev.airlock.sandbox.SandboxSession;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code airlock sandbox exec -- CMD...}: a one-shot session whose only way out is an in-process egress guard (none
 * with {@code --no-network}); exits with the command's status (128+signal if killed). Guard denials, like every other
 * denial, are events on stderr or in {@code --events FILE}.
 */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = "Run one command in a fresh sandbox session. Exit code: the command's (128+N if killed by signal N), 125 if the sandbox cannot be built.")
public final class SandboxExecCommand implements Callable<Integer> {
    @Mixin
    SandboxOptionsMixin options;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Wall-clock limit of the command (default: the policy's).")
    Long timeoutSeconds;

    @Option(names = "--stdin", description = "Feed this process's standard input to the command.")
    boolean stdin;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "Command and arguments.")
    List<String> command;

    private final HostSide host;

    public SandboxExecCommand() {
        this(HostSide.REAL);
    }

    /** For tests: loopback-only guard network, a file as the operator's terminal. */
    public SandboxExecCommand(HostSide host) {
        this.host = host;
    }

    @Override
    public Integer call() throws IOException {
        try (SandboxRun run = options.opts.open(options.guard, host, System.err)) {
            SandboxSession s = run.session();
            ExecRequest req = new ExecRequest(command, null, Map.of(), stdin ? System.in.readAllBytes() : null,
                    timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds), -1);
            ExecResult r = s.exec(req);
            System.out.write(r.stdout());
            System.out.flush();
            System.err.write(r.stderr());
            System.err.flush();
            return r.signal() != 0 ? 128 + r.signal() : r.timedOut() ? 124 : r.exitCode();
        } catch (SandboxException | IOException e) {
            return SandboxFailure.report(e);
        }
    }
}
