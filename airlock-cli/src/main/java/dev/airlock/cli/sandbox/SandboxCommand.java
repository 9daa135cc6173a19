package dev.airlock.cli.sandbox;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code airlock sandbox}: run commands inside a per-session bubblewrap sandbox. */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
        description = "Run commands inside an Airlock sandbox session (bubblewrap, seccomp, Landlock, cgroups).",
        subcommands = {SandboxExecCommand.class, SandboxShellCommand.class})
public final class SandboxCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
