package dev.airlock.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.orchestrator.Budgets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path write(String toml) throws Exception {
        Path f = dir.resolve("config.toml");
        Files.writeString(f, toml);
        return f;
    }

    @Test
    void readsEverySectionAndResolvesPathsAgainstTheFile() throws Exception {
        Files.writeString(dir.resolve("guard.json"), "{}");
        Files.writeString(dir.resolve("key"), "  sk-ant-api03-from-a-file-0123456789\n");
        OperatorConfig c = ConfigLoader.load(write("""
                data_dir = "data"
                [database]
                url = "jdbc:postgresql://127.0.0.1:5432/airlock"
                password_file = "pw"
                [credentials]
                anthropic_api_key = "file:key"
                git_token = "env:MY_GIT_TOKEN"
                [agent]
                default = "codex"
                [guard]
                policy = "guard.json"
                [budgets]
                wall_time = "90s"
                tokens = 5_000
                [timeouts]
                role = "PT10M"
                """), Path.of("/default"));
        assertThat(c.dataDir()).isEqualTo(dir.resolve("data"));
        assertThat(c.database().postgres()).isTrue();
        assertThat(c.database().user()).isEqualTo("airlock");
        assertThat(c.database().passwordFile()).isEqualTo(dir.resolve("pw"));
        assertThat(c.defaultAgent()).isEqualTo("codex");
        assertThat(c.guardPolicy()).isEqualTo(dir.resolve("guard.json"));
        assertThat(c.sandboxPolicy()).isNull();
        assertThat(c.budgets()).isEqualTo(new Budgets(Duration.ofSeconds(90), 5000));
        assertThat(c.roleTimeout()).isEqualTo(Duration.ofMinutes(10));
        Map<String, String> env = Map.of("MY_GIT_TOKEN", "ghp_token0123456789", "OPENAI_API_KEY", "sk-openai-env-value");
        assertThat(c.credential(Credential.GIT_TOKEN, env::get)).contains("ghp_token0123456789");
        // Keys for the guard: the file source (stripped) and the default env source of the one not configured.
        assertThat(c.llmKeys(env::get)).containsExactly(
                Map.entry("ANTHROPIC_API_KEY", "sk-ant-api03-from-a-file-0123456789"),
                Map.entry("OPENAI_API_KEY", "sk-openai-env-value"));
    }

    @Test
    void noFileGivesTheDefaultsButAnExplicitMissingFileIsAnError() throws Exception {
        assertThat(OperatorConfig.defaults(Path.of("/d")).budgets()).isEqualTo(Budgets.DEFAULT);
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("absent.toml"), Path.of("/d")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("absent.toml: file: does not exist");
    }

    @Test
    void mistakesAreRefusedNamingTheFileTheKeyAndTheProblem() throws Exception {
        assertRefused("[budgets]\ntokenz = 5\n", "config.toml: budgets.tokenz: unknown key (allowed here: tokens, wall_time)");
        assertRefused("[budget]\n", "config.toml: budget: unknown key");
        assertRefused("[budgets]\nwall_time = \"soon\"\n", "budgets.wall_time: must be a positive duration");
        assertRefused("[budgets]\ntokens = -1\n", "budgets.tokens: must be a non-negative integer");
        assertRefused("[budgets]\ntokens = \"many\"\n", "budgets.tokens: must be a non-negative integer");
        assertRefused("[credentials]\ngit_token = \"ghp_literalvalue\"\n",
                "credentials.git_token: must be env:NAME (letters, digits, _) or file:PATH, got 'ghp_literalvalue'");
        assertRefused("[database]\nurl = \"jdbc:mysql://x\"\n", "database.url: database url must start with");
        assertRefused("[database]\nurl = \"jdbc:postgresql://h/db?password=x\"\n", "database.url: holds a password");
        assertRefused("[guard]\npolicy = \"nope.json\"\n", "guard.policy: file " + dir.resolve("nope.json") + " does not exist");
        assertRefused("[agent]\ndefault = \"gpt\"\n", "agent.default: must be claude, codex");
        assertRefused("data_dir = 5\n", "data_dir: must be a string");
        assertRefused("agent = \"claude\"\n", "agent: must be a table");
        assertRefused("[budgets\n", "config.toml: line 1, column");
    }

    private void assertRefused(String toml, String message) throws Exception {
        Path f = write(toml);
        assertThatThrownBy(() -> ConfigLoader.load(f, Path.of("/d"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void durations() {
        assertThat(ConfigLoader.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ConfigLoader.parseDuration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(ConfigLoader.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(ConfigLoader.parseDuration("PT1H30M")).isEqualTo(Duration.ofMinutes(90));
        assertThat(ConfigLoader.parseDuration("5d")).isNull();
        assertThat(ConfigLoader.parseDuration("m")).isNull();
    }
}
