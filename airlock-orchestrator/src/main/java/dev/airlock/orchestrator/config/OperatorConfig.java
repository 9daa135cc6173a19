package dev.airlock.orchestrator.config;

import dev.airlock.orchestrator.Budgets;
import dev.airlock.orchestrator.DatabaseSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The operator's configuration (one TOML file, {@link ConfigLoader}): where data and the run database live, where each
 * credential is read from, the default agent, the guard and sandbox policy files, budgets and role timeouts. Command
 * line flags override it. Nothing inside a repository is ever read as configuration.
 *
 * @param source        the file it was read from, or null for the built-in defaults
 * @param dataDir       data directory
 * @param database      run store; null = embedded H2 under {@code dataDir/db}
 * @param credentials   where each credential comes from (every credential has a source, by default an env variable)
 * @param defaultAgent  agent for runs that name none, or null
 * @param guardPolicy   egress policy file (JSON), or null for the built-in LLM-APIs-only policy
 * @param sandboxPolicy sandbox policy file (JSON), or null for the isolating defaults
 * @param budgets       per-run budgets
 * @param roleTimeout   wall-clock limit of the export and publish roles
 */
public record OperatorConfig(Path source, Path dataDir, DatabaseSettings database,
                             Map<Credential, CredentialSource> credentials, String defaultAgent, Path guardPolicy,
                             Path sandboxPolicy, Budgets budgets, Duration roleTimeout) {
    public OperatorConfig {
        credentials = Map.copyOf(credentials);
    }

    /** The built-in defaults (no file): XDG data directory, embedded H2, credentials from the usual variables. */
    public static OperatorConfig defaults(Path dataDir) {
        Map<Credential, CredentialSource> c = new EnumMap<>(Credential.class);
        for (Credential k : Credential.values()) {
            c.put(k, CredentialSource.parse(k.defaultSource(), Path.of("/")));
        }
        return new OperatorConfig(null, dataDir, null, c, null, null, null, Budgets.DEFAULT, Duration.ofMinutes(30));
    }

    /** This configuration with another data directory (a {@code --data-dir} flag). */
    public OperatorConfig withDataDir(Path v) {
        return new OperatorConfig(source, v, database, credentials, defaultAgent, guardPolicy, sandboxPolicy, budgets,
                roleTimeout);
    }

    /** This configuration with other budgets (flags over {@code [budgets]}). */
    public OperatorConfig withBudgets(Budgets v) {
        return new OperatorConfig(source, dataDir, database, credentials, defaultAgent, guardPolicy, sandboxPolicy, v,
                roleTimeout);
    }

    /** The run database: the configured one or embedded H2 under the data directory. */
    public DatabaseSettings databaseOrEmbedded() {
        return database != null ? database : DatabaseSettings.embedded(dataDir.resolve("db"));
    }

    /** Reads one credential from its source; empty when the source holds nothing. */
    public Optional<String> credential(Credential c, Function<String, String> env) throws IOException {
        return credentials.get(c).read(env);
    }

    /** The LLM keys for the guard role's environment ({@code ANTHROPIC_API_KEY}, {@code OPENAI_API_KEY}). */
    public Map<String, String> llmKeys(Function<String, String> env) throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        for (Credential c : new Credential[]{Credential.ANTHROPIC_API_KEY, Credential.OPENAI_API_KEY}) {
            credential(c, env).ifPresent(v -> keys.put(c.name(), v));
        }
        return keys;
    }
}
