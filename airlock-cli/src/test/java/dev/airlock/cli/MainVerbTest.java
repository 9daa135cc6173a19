package dev.airlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.cli.git.GitCommand;
import dev.airlock.cli.run.DemoCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The launcher builds only the subcommand it runs; what a user sees must not depend on that. */
class MainVerbTest {
    @Test
    void theNamedSubcommandAloneIsBuiltAndEverythingOtherwise() {
        assertThat(Main.verbOf(new String[] {"demo", "--data-dir", "/x"})).containsExactly(DemoCommand.class);
        assertThat(Main.verbOf(new String[] {"git", "export"})).containsExactly(GitCommand.class);
        assertThat(Main.verbOf(new String[] {})).isEqualTo(Main.SUBCOMMANDS);
        assertThat(Main.verbOf(new String[] {"help", "demo"})).isEqualTo(Main.SUBCOMMANDS);
        assertThat(Main.verbOf(new String[] {"--version"})).isEqualTo(Main.SUBCOMMANDS);
        assertThat(Main.verbOf(new String[] {"no-such-verb"})).isEqualTo(Main.SUBCOMMANDS);
    }

    @Test
    void usageAndUsageErrorsReadTheSameWithOneSubcommandBuilt() {
        for (String[] args : List.of(new String[] {"demo", "--help"}, new String[] {"git", "export", "--help"},
                new String[] {"run", "--no-such-option"}, new String[] {"drop", "serve", "--port", "x"})) {
            assertThat(run(Main.commandLine(CommandLine.defaultFactory(), Main.verbOf(args)), args))
                    .isEqualTo(run(Main.commandLine(), args)).isNotEmpty();
        }
    }

    private static String run(CommandLine cl, String[] args) {
        StringWriter text = new StringWriter();
        PrintWriter w = new PrintWriter(text);
        int code = cl.setOut(w).setErr(w).execute(args);
        w.flush();
        return code + "\n" + text;
    }
}
