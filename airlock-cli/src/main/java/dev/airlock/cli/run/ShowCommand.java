package dev.airlock.cli.run;

import dev.airlock.orchestrator.RunEvent;
import dev.airlock.orchestrator.RunRecord;
import dev.airlock.orchestrator.RunStore;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "show", mixinStandardHelpOptions = true, description = "Show one run: state, hashes, phases, events.")
public final class ShowCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The run id.")
    String run;

    @Mixin
    DataDirOption data;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        try (RunStore store = RunStore.open(config.load(data).databaseOrEmbedded())) {
            Optional<RunRecord> found = store.get(run);
            if (found.isEmpty()) {
                System.err.println("airlock show: no run " + run + " (see 'airlock runs')");
                return 1;
            }
            RunRecord r = found.get();
            System.out.println("run          " + r.id());
            System.out.println("state        " + r.state().label() + (r.reason() == null ? "" : " (" + r.reason() + ")"));
            System.out.println("repo         " + r.repo() + " @ " + r.ref());
            System.out.println("agent        " + r.agent());
            System.out.println("task sha256  " + r.taskSha256());
            System.out.println("base commit  " + nullToDash(r.baseCommit()));
            System.out.println("input        " + nullToDash(r.inputId()));
            System.out.println("output       " + nullToDash(r.outputId()));
            System.out.println("branch       " + nullToDash(r.branch()));
            store.pullRequest(run).ifPresent(url -> System.out.println("pull request " + url));
            store.budget(run).ifPresent(b -> System.out.println("budget       " + b.describe()));
            if (!r.state().terminal() && r.owner() != null) {
                dev.airlock.orchestrator.RunOwner owner = dev.airlock.orchestrator.RunOwner.parse(r.owner());
                System.out.println("driven by    process " + owner.pid() + (owner.alive() ? ""
                        : " (gone: 'airlock resume " + run + "' continues it)"));
                store.processes(run).forEach(p -> System.out.println("  role       " + p.role().label() + " " + p.pid()));
            }
            System.out.println("events");
            for (RunEvent e : store.events(run)) {
                System.out.printf("  %s %-10s %-8s %s%s%n", e.at(), e.state().name().toLowerCase(java.util.Locale.ROOT),
                        e.kind(), e.millis() == null ? "" : e.millis() + " ms ", nullToDash(e.message()));
            }
        }
        return 0;
    }

    private static String nullToDash(String s) {
        return s == null ? "-" : s;
    }
}
