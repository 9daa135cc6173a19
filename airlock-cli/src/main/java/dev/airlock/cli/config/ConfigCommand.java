package dev.airlock.cli.config;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "config", mixinStandardHelpOptions = true, description = "The operator configuration file.",
        subcommands = {ConfigCheckCommand.class})
public final class ConfigCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
