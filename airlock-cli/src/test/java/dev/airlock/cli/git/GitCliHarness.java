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

    /**
     * A bare repository {@code dir/origin.git} cloned from a work tree {@code dir/work} whose branch {@code main} has
     * {@code commits} commits of README.md ("# v0", "# v1", …); returns the bare repository's path.
     */
    static String originWithCommits(Path dir, int commits) throws Exception {
        Path work = java.nio.file.Files.createDirectories(dir.resolve("work"));
        git(work, "init", "-q", "-b", "main");
        for (int i = 0; i < commits; i++) {
            java.nio.file.Files.writeString(work.resolve("README.md"), "# v" + i + "\n");
            git(work, "add", ".");
            git(work, "commit", "-q", "-m", "v" + i);
        }
        Path origin = dir.resolve("origin.git");
        git(dir, "clone", "-q", "--bare", work.toString(), origin.toString());
        return origin.toString();
    }

    /** The rest of the first line of {@code text} starting with {@code prefix}, stripped. */
    static String line(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + prefix + "' line in: " + text))
                .substring(prefix.length()).strip();
    }
}
