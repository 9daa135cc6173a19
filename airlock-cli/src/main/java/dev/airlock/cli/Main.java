package dev.airlock.cli;

import dev.airlock.cli.agent.AgentCommand;
import dev.airlock.cli.drop.DropCommand;
import dev.airlock.cli.git.GitCommand;
import dev.airlock.cli.proxy.ProxyCommand;
import dev.airlock.cli.run.CancelCommand;
import dev.airlock.cli.run.DemoCommand;
import dev.airlock.cli.run.RunCommand;
import dev.airlock.cli.run.ResumeCommand;
import dev.airlock.cli.run.RunsCommand;
import dev.airlock.cli.run.ShowCommand;
import dev.airlock.cli.sandbox.McpCommand;
import dev.airlock.cli.sandbox.RedTeamCommand;
import dev.airlock.cli.sandbox.SandboxCommand;
import dev.airlock.cli.scan.ScanCommand;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the single Airlock distribution; each role is a subcommand. */
@Command(name = "airlock",
        mixinStandardHelpOptions = true,
        version = "airlock 0.1.0-SNAPSHOT",
        description = "Run coding agents against real repositories without letting them leak a credential or push code.")
public final class Main implements Runnable {
    /** The subcommands, in the order the usage lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            ScanCommand.class,
            ProxyCommand.class,
            SandboxCommand.class, RedTeamCommand.class, McpCommand.class,
            GitCommand.class,
            DropCommand.class,
            AgentCommand.class,
            DemoCommand.class, RunCommand.class, RunsCommand.class, ShowCommand.class, CancelCommand.class,
            ResumeCommand.class, dev.airlock.cli.config.ConfigCommand.class,
            dev.airlock.cli.serve.ServeCommand.class,
            CommandLine.HelpCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLineFor(args).execute(args));
    }

    /**
     * The command line for {@code args} with only the subcommand they name built: faster, and a role process has
     * only its own role's classes on its class path, so it cannot build the others.
     */
    public static CommandLine commandLineFor(String... args) {
        return commandLine(CommandLine.defaultFactory(), verbOf(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        return commandLine(CommandLine.defaultFactory());
    }

    /** The command line with commands created by {@code factory} (tests inject loopback-only guard networks). */
    public static CommandLine commandLine(CommandLine.IFactory factory) {
        return commandLine(factory, SUBCOMMANDS);
    }

    /**
     * The one subcommand {@code args} names, so that only its model is built (building all of them was ~0.1 s of
     * every start, role processes included); every subcommand when the arguments name none of them, or ask for
     * {@code help}, which lists them all.
     */
    static List<Class<?>> verbOf(String[] args) {
        if (args.length == 0 || args[0].equals("help")) {
            return SUBCOMMANDS;
        }
        for (Class<?> c : SUBCOMMANDS) {
            Command command = c.getAnnotation(Command.class);
            if (command.name().equals(args[0]) || List.of(command.aliases()).contains(args[0])) {
                return List.of(c);
            }
        }
        return SUBCOMMANDS;
    }

    static CommandLine commandLine(CommandLine.IFactory factory, List<Class<?>> subcommands) {
        CommandLine cl = new CommandLine(new Main(), factory);
        for (Class<?> c : subcommands) {
            cl.addSubcommand(c);
        }
        return cl
                // Exit code 2 for usage errors matches the scan contract (0 clean, 1 findings, 2 error).
                .setExitCodeExceptionMapper(e -> 2)
                .setParameterExceptionHandler((ex, args) -> {
                    ex.getCommandLine().getErr().println("airlock: " + ex.getMessage());
                    ex.getCommandLine().usage(ex.getCommandLine().getErr());
                    return 2;
                });
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
