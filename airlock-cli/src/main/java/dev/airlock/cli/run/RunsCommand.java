package dev.airlock.cli.run;

import dev.airlock.orchestrator.RunRecord;
import dev.airlock.orchestrator.RunStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "runs", mixinStandardHelpOptions = true, description = "List recent runs, newest first.")
public final class RunsCommand implements Callable<Integer> {
    @Option(names = "--limit", defaultValue = "20", description = "How many (default: ${DEFAULT-VALUE}).")
    int limit;

    @Mixin
    DataDirOption data;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        try (RunStore store = RunStore.open(config.load(data).databaseOrEmbedded())) {
            for (RunRecord r : store.list(limit)) {
                System.out.printf("%-24s %-10s %s  %s%s%n", r.id(), r.state().label(), r.createdAt(), r.repo(),
                        r.reason() == null ? "" : "  (" + r.reason() + ")");
            }
        }
        return 0;
    }
}
