package dev.airlock.cli.drop;

import picocli.CommandLine.Command;

@Command(name = "drop", mixinStandardHelpOptions = true,
        description = "The dead drop: the S3-compatible store that carries workspace snapshots between roles.",
        subcommands = {DropServeCommand.class})
public final class DropCommand {
}
