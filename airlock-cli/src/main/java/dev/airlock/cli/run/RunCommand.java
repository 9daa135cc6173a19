package dev.airlock.cli.run;

import dev.airlock.orchestrator.LocalRun;
import dev.airlock.orchestrator.RunOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run an agent on a repository: export (git role) → code (agent role, sandboxed) → validate "
                + "and publish (git role) to branch airlock/<run>. Each role is its own process with only its own "
                + "credentials; the push token is read from $" + LocalRun.GIT_TOKEN_VARIABLE + " and given to the "
                + "git role only.",
                "Exit status: 0 pushed, 1 refused or failed (nothing pushed), 2 usage error."})
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--repo", required = true, description = "Local repository path or https URL.")
    String repo;

    @Option(names = "--ref", defaultValue = "main", description = "Branch to start from (default: ${DEFAULT-VALUE}).")
    String ref;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Task task;

    static final class Task {
        @Option(names = "--task", description = "The task text.") String text;
        @Option(names = "--task-file", description = "A file holding the task text.") Path file;
    }

    @Option(names = "--agent", required = true, description = "script:FILE (run inside the sandbox) or cmd:COMMAND.")
    String agent;

    @Mixin
    DataDirOption data;

    @Option(names = "--guard-policy", description = "Egress policy file for the guard role (JSON, as for airlock proxy). "
            + "Default: built in, only api.anthropic.com and api.openai.com, keys from ANTHROPIC_API_KEY/OPENAI_API_KEY.")
    Path guardPolicy;

    @Option(names = "--history", arity = "0..1", paramLabel = "DEPTH", fallbackValue = "100",
            description = "Give the agent a read-only, shallow git history (/workspace/.git, DEPTH commits; default "
                    + "when given: ${FALLBACK-VALUE}) so git log and git blame work; changes there are ignored.")
    Integer historyDepth;

    @Override
    public Integer call() throws Exception {
        if (historyDepth != null && (historyDepth < 1 || historyDepth > 1_000_000)) {
            System.err.println("airlock run: --history depth must be 1..1000000");
            return 2;
        }
        String text = task.text != null ? task.text : Files.readString(task.file, StandardCharsets.UTF_8);
        String target = repo.startsWith("https://") ? repo : Path.of(repo).toAbsolutePath().normalize().toString();
        if (agent.startsWith("script:")) {
            Path script = Path.of(agent.substring("script:".length())).toAbsolutePath();
            if (!Files.isRegularFile(script)) {
                System.err.println("airlock run: agent script " + script + " does not exist");
                return 2;
            }
            agent = "script:" + script;
        }
        RunOutcome outcome = new LocalPipeline(data.resolve(), System.out)
                .guardPolicy(guardPolicy == null ? null : guardPolicy.toAbsolutePath())
                .history(historyDepth == null ? 0 : historyDepth)
                .run(target, ref, text, agent, System.getenv(LocalRun.GIT_TOKEN_VARIABLE));
        int code = LocalPipeline.report(outcome, System.out, System.err);
        if (outcome instanceof RunOutcome.Published p && !repo.startsWith("https://")) {
            BranchDiff.stat(Path.of(target), p.branch(), System.out);
        }
        return code;
    }
}
