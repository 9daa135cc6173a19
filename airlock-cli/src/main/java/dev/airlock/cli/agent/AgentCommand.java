package dev.airlock.cli.agent;

import picocli.CommandLine.Command;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "The agent worker: runs an agent in a sandbox between two presigned URLs; holds no credential.",
        subcommands = {AgentRunCommand.class})
public final class AgentCommand {
}
