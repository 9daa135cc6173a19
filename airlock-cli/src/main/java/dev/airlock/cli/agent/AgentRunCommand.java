package dev.airlock.cli.agent;

import dev.airlock.agent.AgentException;
import dev.airlock.agent.AgentReport;
import dev.airlock.agent.AgentSpec;
import dev.airlock.agent.AgentWorker;
import dev.airlock.core.event.DenialEvent;
import dev.airlock.drop.transfer.PresignedUrl;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Download the input through $AIRLOCK_INPUT_URL (presigned GET), run the agent in a sandbox "
                + "with the task as the file /workspace/.airlock/task.md, upload the output through "
                + "$AIRLOCK_OUTPUT_URL (presigned PUT).",
                "The URLs come from the environment, never the command line (they are bearer capabilities).",
                "With --history-sha256, $AIRLOCK_HISTORY_URL's bundle is unpacked as a read-only /workspace/.git.",
                "Prints 'input ID', 'output ID', 'exit N', 'agent-millis N' and one 'denial …' line per refusal."})
public final class AgentRunCommand implements Callable<Integer> {
    @Option(names = "--task-file", required = true, description = "The task text (untrusted; never interpolated).")
    Path taskFile;

    @Option(names = "--attachments", description = "A directory of further task files (review comments, CI logs; "
            + "untrusted), copied to /workspace/.airlock/ next to task.md.")
    Path attachments;

    @Option(names = "--agent", required = true, description = "script:FILE, cmd:COMMAND, claude or codex.")
    String agent;

    @Option(names = "--work-dir", required = true, description = "A directory for the fresh workspace.")
    Path workDir;

    @Option(names = "--timeout", defaultValue = "PT30M", description = "Agent wall-time budget (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--guard-control", description = "The egress guard's control socket: the sandbox then reaches the "
            + "network through the guard only (its canaries registered there first). Without it: loopback only.")
    Path guardControl;

    @Option(names = "--guard-ca", description = "The guard's CA certificate (PEM), trusted inside the sandbox.")
    Path guardCa;

    @Option(names = "--sandbox-policy", description = "Sandbox policy file (JSON; default: the isolating defaults).")
    Path sandboxPolicy;

    @Option(names = "--history-sha256", description = "Unpack the read-only git history from $AIRLOCK_HISTORY_URL "
            + "(presigned GET) as /workspace/.git, after checking that its SHA-256 is this recorded one.")
    String historySha256;

    @Option(names = "--wait-for-go", description = "Start, then wait for the line 'go' on stdin before touching the "
            + "URLs or the guard (the orchestrator starts the worker while the export still runs, so that its JVM "
            + "start overlaps the export); end of input instead ends it unstarted, with status 3.")
    boolean waitForGo;

    @Override
    public Integer call() throws Exception {
        String input = System.getenv("AIRLOCK_INPUT_URL");
        String output = System.getenv("AIRLOCK_OUTPUT_URL");
        if (input == null || output == null) {
            System.err.println("airlock agent run: AIRLOCK_INPUT_URL and AIRLOCK_OUTPUT_URL must be set (presigned URLs)");
            return 2;
        }
        AgentSpec spec;
        try {
            spec = AgentSpec.parse(agent);
        } catch (IllegalArgumentException e) {
            System.err.println("airlock agent run: " + e.getMessage());
            return 2;
        }
        Instant expiry = Instant.now().plus(Duration.ofHours(1));
        AgentWorker worker = new AgentWorker(new PresignedUrl("GET", URI.create(input), "input", expiry),
                new PresignedUrl("PUT", URI.create(output), "output", expiry), spec,
                Files.readString(taskFile, StandardCharsets.UTF_8), workDir).agentTimeout(timeout);
        if (sandboxPolicy != null) {
            try {
                worker.policy(dev.airlock.sandbox.SandboxPolicy.load(sandboxPolicy));
            } catch (java.io.IOException | IllegalArgumentException e) {
                System.err.println("airlock agent run: sandbox policy " + sandboxPolicy + ": " + e.getMessage());
                return 2;
            }
        }
        if (attachments != null) {
            worker.attachments(attachments);
        }
        if ((guardControl == null) != (guardCa == null)) {
            System.err.println("airlock agent run: --guard-control and --guard-ca go together");
            return 2;
        }
        if (guardControl != null) {
            worker.guard(guardControl, guardCa);
        }
        if (historySha256 != null) {
            String history = System.getenv("AIRLOCK_HISTORY_URL");
            if (history == null || !dev.airlock.drop.snapshot.Sha256.isHex(historySha256)) {
                System.err.println("airlock agent run: --history-sha256 needs a lowercase hex SHA-256 and "
                        + "AIRLOCK_HISTORY_URL (presigned GET)");
                return 2;
            }
            worker.history(new PresignedUrl("GET", URI.create(history), "history", expiry), historySha256);
        }
        if (waitForGo && !"go".equals(readSignal(worker))) {
            System.err.println("airlock agent run: not started (the orchestrator ended the run before the coding phase)");
            return 3;
        }
        try {
            AgentReport report = worker.call();
            System.out.println("input " + report.inputId());
            System.out.println("output " + report.outputId());
            System.out.println("exit " + report.exitCode());
            System.out.println("agent-millis " + report.agentTime().toMillis());
            for (DenialEvent d : report.denials()) {
                System.out.println("denial " + d.summary().replace('\n', ' '));
            }
            return 0;
        } catch (AgentException e) {
            System.err.println("airlock agent run: " + e.getMessage());
            return 1;
        }
    }

    /**
     * The first line on stdin (at most a few bytes are read), or null at end of input; the worker warms up meanwhile
     * (the orchestrator's go comes when the export is done, typically later).
     */
    private static String readSignal(AgentWorker worker) throws java.io.IOException {
        worker.warmUp();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = System.in.read()) != -1 && c != '\n' && line.length() < 16) {
            line.append((char) c);
        }
        return c == -1 && line.isEmpty() ? null : line.toString();
    }
}
