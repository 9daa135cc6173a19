package dev.airlock.cli.run;

import dev.airlock.orchestrator.config.ConfigException;
import dev.airlock.orchestrator.config.ConfigLoader;
import dev.airlock.orchestrator.config.OperatorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --config FILE}: the operator configuration; command-line flags override what it says. */
public final class ConfigOption {
    @Option(names = "--config", description = "Operator configuration file (TOML; default: $XDG_CONFIG_HOME/airlock/"
            + "config.toml or ~/.config/airlock/config.toml, if it exists). Flags override it.")
    Path file;

    /**
     * Whoever can write to a repository must never be able to change configuration or policy: the refusal if the
     * configuration file, a policy file it names, or one of {@code flagged} lies inside {@code repo}, else null.
     */
    public static String insideRepository(OperatorConfig cfg, Path repo, Path... flagged) throws IOException {
        List<Path> files = new ArrayList<>(Arrays.asList(cfg.source(), cfg.guardPolicy(), cfg.sandboxPolicy()));
        files.addAll(Arrays.asList(flagged));
        Path r = Files.exists(repo) ? repo.toRealPath() : repo.toAbsolutePath().normalize();
        for (Path p : files) {
            if (p == null) {
                continue;
            }
            Path f = Files.exists(p) ? p.toRealPath() : p.toAbsolutePath().normalize();
            if (f.startsWith(r)) {
                return "refusing " + p + ": configuration and policy files must not lie inside the repository";
            }
        }
        return null;
    }

    /** The configuration, with {@code --data-dir} (if given) overriding the file's {@code data_dir}. */
    public OperatorConfig load(DataDirOption data) throws ConfigException {
        OperatorConfig c = ConfigLoader.load(file, data.resolve());
        return data.dataDir == null ? c : c.withDataDir(data.resolve());
    }

    /**
     * The configuration with {@code --data-dir} and the budget flags ({@code budgets}, may be null) over it; null after
     * printing {@code airlock COMMAND: <problem>} to stderr when the file or a flag is invalid (the caller exits 2).
     */
    public OperatorConfig loadOrReport(DataDirOption data, BudgetOptions budgets, String command) {
        try {
            OperatorConfig c = load(data);
            return budgets == null ? c : c.withBudgets(budgets.over(c.budgets()));
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("airlock " + command + ": " + e.getMessage());
            return null;
        }
    }
}
