package dev.airlock.cli.git;

import picocli.CommandLine.Command;

@Command(name = "git", mixinStandardHelpOptions = true,
        description = "The git service: the only role holding git push credentials.",
        subcommands = {GitExportCommand.class, GitPublishCommand.class, GitWorkerCommand.class})
public final class GitCommand {
}
