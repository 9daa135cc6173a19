package dev.airlock.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigCheckCommandTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result check(Path file) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("config", "check", "--config", file.toString());
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void theShippedExamplePasses() {
        // Surefire runs in the module directory; the example lives at the repository root.
        Path example = Path.of("..", "examples", "config", "airlock.toml").toAbsolutePath().normalize();
        Result r = check(example);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("database        jdbc:postgresql://127.0.0.1:5432/airlock (user airlock")
                .contains("anthropic_api_key  env:ANTHROPIC_API_KEY").contains("→ guard only")
                .contains("git_token").contains("→ git only")
                .contains("agent           claude")
                .contains("guard-policy.json (valid)").contains("sandbox" + java.io.File.separator + "policy.json (valid)")
                .contains("budgets         wall time PT30M, tokens 2000000");
    }

    @Test
    void credentialsArePrintedOnlyRedacted() throws Exception {
        String secret = "sk-ant-api03-" + "secretvalue0123456789abcdefghij";
        Files.writeString(dir.resolve("anthropic"), secret + "\n");
        Path f = dir.resolve("c.toml");
        Files.writeString(f, "[credentials]\nanthropic_api_key = \"file:anthropic\"\n");
        Result r = check(f);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("set (sk-a…" + secret.length() + ")").doesNotContain(secret)
                .doesNotContain(secret.substring(4, 20));
    }

    @Test
    void anInvalidFileExitsTwoNamingFileKeyAndProblem() throws Exception {
        Path f = dir.resolve("bad.toml");
        Files.writeString(f, "[budgets]\nwall_time = \"forever\"\n");
        Result r = check(f);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(f.toString()).contains("budgets.wall_time: must be a positive duration");
        Files.writeString(dir.resolve("guard.json"), "{\"allow\": [\"api.anthropic.com\"], \"alow\": []}");
        Files.writeString(f, "[guard]\npolicy = \"guard.json\"\n");
        r = check(f);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("policy:").contains("alow");
    }
}
