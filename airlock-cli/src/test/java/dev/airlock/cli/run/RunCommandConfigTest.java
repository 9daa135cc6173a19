package dev.airlock.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `airlock run` refuses configuration it must not trust, before any role starts. */
class RunCommandConfigTest {
    @TempDir
    Path tmp;

    private String run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(Main.commandLine().execute(args)).isEqualTo(2);
        } finally {
            System.setErr(saved);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void configurationOrPolicyInsideTheRepositoryIsRefused() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Path config = repo.resolve("airlock.toml");
        Files.writeString(config, "[budgets]\ntokens = 0\n");
        assertThat(run("run", "--config", config.toString(), "--repo", repo.toString(), "--task", "t", "--agent", "cmd:true"))
                .contains("refusing " + config.toRealPath()).contains("must not lie inside the repository");
        Path outside = tmp.resolve("airlock.toml");
        Files.writeString(repo.resolve("guard.json"), "{}");
        Files.writeString(outside, "[guard]\npolicy = \"repo/guard.json\"\n");
        assertThat(run("run", "--config", outside.toString(), "--repo", repo.toString(), "--task", "t", "--agent", "cmd:true"))
                .contains("refusing " + repo.resolve("guard.json")).contains("inside the repository");
    }

    @Test
    void aBrokenConfigurationOrNoAgentIsAUsageError() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Path config = tmp.resolve("c.toml");
        Files.writeString(config, "[budgets]\nwall_time = \"-5m\"\n");
        assertThat(run("run", "--config", config.toString(), "--repo", repo.toString(), "--task", "t"))
                .contains("budgets.wall_time: must be a positive duration");
        Files.writeString(config, "");
        assertThat(run("run", "--config", config.toString(), "--repo", repo.toString(), "--task", "t"))
                .contains("no agent: give --agent or set agent.default");
    }

    @Test
    void serveRefusesAConfigurationInsideAServedRepositoryAndNamesWhatIsMissing() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("served"));
        Files.writeString(repo.resolve("secret"), "webhook-secret-value");
        Files.writeString(repo.resolve("token"), "ghs_token0000000000000000000000000000");
        Path config = repo.resolve("airlock.toml");
        Files.writeString(config, """
                [credentials]
                webhook_secret = "file:secret"
                github_token = "file:token"
                [agent]
                default = "cmd:true"
                """);
        assertThat(run("serve", "--config", config.toString(), "--repo", "octo/w=" + repo))
                .contains("refusing " + config).contains("must not lie inside the repository");
        Path outside = tmp.resolve("no-secret.toml");
        Files.writeString(outside, "[credentials]\nwebhook_secret = \"file:missing\"\n");
        assertThat(run("serve", "--config", outside.toString(), "--repo", "octo/w=" + repo, "--agent", "cmd:true"))
                .contains("no webhook secret").contains("file:" + tmp.resolve("missing"));
    }
}
