package dev.airlock.cli.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/** What the git command tests share: the CLI run in-process, the git binary on a work tree, a line of the output. */
final class GitCliHarness {
    private GitCliHarness() {
    }

    record Run(int code, String out, String err) {
    }

    /** {@code airlock ARGS} in this JVM, its exit code and what it printed. */
    static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** The real git binary in {@code dir}, with a fixed identity and no hooks; fails the test if git fails. */
    static void git(Path dir, String... args) throws Exception {
        String[] cmd = new String[args.length + 7];
        cmd[0] = "git";
        cmd[1] = "-c";
        cmd[2] = "user.name=Dev";
        cmd[3] = "-c";
        cmd[4] = "user.email=dev@example.invalid";
        cmd[5] = "-c";
        cmd[6] = "core.hooksPath=/dev/null";
        System.arraycopy(args, 0, cmd, 7, args.length);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(output).isZero();
    }

    /** The rest of the first line of {@code text} starting with {@code prefix}, stripped. */
    static String line(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + prefix + "' line in: " + text))
                .substring(prefix.length()).strip();
    }
}
