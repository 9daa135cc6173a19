package dev.airlock.cli.run;

import dev.airlock.orchestrator.CancelRun;
import dev.airlock.orchestrator.RoleProcess;
import dev.airlock.orchestrator.RunStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Cancel a run: its state becomes cancelled (with the reason) and its role processes are killed; "
                + "nothing is pushed. A run that is publishing cannot be cancelled (its push is one atomic update).",
                "Exit status: 0 cancelled, 1 not cancellable (unknown, finished or publishing)."})
public final class CancelCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The run id.")
    String run;

    @Option(names = "--reason", defaultValue = "cancelled by the operator",
            description = "Recorded with the run (default: ${DEFAULT-VALUE}).")
    String reason;

    @Mixin
    DataDirOption data;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        dev.airlock.orchestrator.config.OperatorConfig cfg = config.loadOrReport(data, null, "cancel");
        if (cfg == null) {
            return 2;
        }
        try (RunStore store = RunStore.open(cfg.databaseOrEmbedded())) {
            CancelRun.Result r = new CancelRun(store).run(run).reason(reason).call();
            System.out.println("run " + run + ": cancelled in " + r.cancelledIn().label() + " (" + reason + ")");
            for (RoleProcess p : r.killed()) {
                System.out.println("  killed " + p.role().label() + " role process " + p.pid());
            }
            return 0;
        } catch (IllegalStateException e) {
            System.err.println("airlock cancel: " + e.getMessage());
            return 1;
        }
    }
}
