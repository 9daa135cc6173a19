package dev.airlock.cli.run;

import dev.airlock.orchestrator.LocalRun;
import dev.airlock.orchestrator.RunRecord;
import dev.airlock.orchestrator.RunStore;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Continue runs whose orchestrator died (killed, crashed, machine restarted): the run is claimed, "
                + "the role processes it left are killed, and it goes on from the last recorded phase. Never done "
                + "automatically. Runs still driven by a live process are refused. The push token (credentials.git_token of "
                + "the configuration, by default $" + LocalRun.GIT_TOKEN_VARIABLE + ") and the LLM keys are read again.",
                "Exit status: 0 every resumed run pushed, 1 otherwise."})
public final class ResumeCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
        @Parameters(index = "0", description = "The run id.") String run;
        @Option(names = "--all", description = "Every unfinished run whose orchestrator is gone.") boolean all;
    }

    @Mixin
    DataDirOption data;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        dev.airlock.orchestrator.config.OperatorConfig cfg = config.loadOrReport(data, null, "resume");
        if (cfg == null) {
            return 2;
        }
        List<String> runs;
        if (which.all) {
            try (RunStore store = RunStore.open(cfg.databaseOrEmbedded())) {
                runs = store.orphaned().stream().map(RunRecord::id).toList();
            }
            if (runs.isEmpty()) {
                System.out.println("no run to resume");
                return 0;
            }
        } else {
            runs = List.of(which.run);
        }
        String gitToken = cfg.credential(dev.airlock.orchestrator.config.Credential.GIT_TOKEN, System::getenv)
                .orElse(null);
        return LocalPipeline.configured(cfg, System.out).resume(runs, gitToken, System.err);
    }
}
