package dev.airlock.cli.run;

import dev.airlock.orchestrator.config.ConfigException;
import dev.airlock.orchestrator.config.ConfigLoader;
import dev.airlock.orchestrator.config.OperatorConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE}: the operator configuration; command-line flags override what it says. */
public final class ConfigOption {
    @Option(names = "--config", description = "Operator configuration file (TOML; default: $XDG_CONFIG_HOME/airlock/"
            + "config.toml or ~/.config/airlock/config.toml, if it exists). Flags override it.")
    Path file;

    /** The configuration, with {@code --data-dir} (if given) overriding the file's {@code data_dir}. */
    public OperatorConfig load(DataDirOption data) throws ConfigException {
        OperatorConfig c = ConfigLoader.load(file, data.resolve());
        if (data.dataDir == null) {
            return c;
        }
        return new OperatorConfig(c.source(), data.resolve(), c.database(), c.credentials(), c.defaultAgent(),
                c.guardPolicy(), c.sandboxPolicy(), c.budgets(), c.roleTimeout());
    }
}
