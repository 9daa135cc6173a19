package dev.airlock.orchestrator.config;

import dev.airlock.orchestrator.Budgets;
import dev.airlock.orchestrator.DatabaseSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * Reads the operator configuration file (TOML). Strict: an unknown table or key, a value of the wrong type, a
 * malformed duration or credential source is an error naming the file, the key and what is wrong — a typo must never
 * silently fall back to a default. Relative paths are resolved against the file's directory.
 *
 * <pre>{@code
 * OperatorConfig c = ConfigLoader.load(ConfigLoader.defaultPath(), defaultDataDir);
 * }</pre>
 */
public final class ConfigLoader {
    /** The largest configuration file read (it is the operator's, but a wrong path could name anything). */
    static final long MAX_BYTES = 1 << 20;

    private static final Map<String, Set<String>> KEYS = Map.of(
            "", Set.of("data_dir", "database", "credentials", "agent", "guard", "sandbox", "budgets", "timeouts"),
            "database", Set.of("url", "user", "password_file"),
            "credentials", keysOf(),
            "agent", Set.of("default"),
            "guard", Set.of("policy"),
            "sandbox", Set.of("policy"),
            "budgets", Set.of("wall_time", "tokens"),
            "timeouts", Set.of("role"));

    private final Path file;
    private final Path base;

    private ConfigLoader(Path file) {
        this.file = file.toAbsolutePath().normalize();
        this.base = this.file.getParent();
    }

    /** {@code $XDG_CONFIG_HOME/airlock/config.toml}, else {@code ~/.config/airlock/config.toml}. */
    public static Path defaultPath() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path root = xdg != null && xdg.startsWith("/") ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return root.resolve("airlock").resolve("config.toml");
    }

    /**
     * Loads {@code file}, or the defaults when {@code file} is null and the default file does not exist.
     *
     * @param file           an explicit {@code --config} (must exist), or null for {@link #defaultPath()} (may be absent)
     * @param defaultDataDir data directory when the file sets none
     */
    public static OperatorConfig load(Path file, Path defaultDataDir) throws ConfigException {
        Path f = file != null ? file : defaultPath();
        if (file == null && !Files.exists(f)) {
            return OperatorConfig.defaults(defaultDataDir);
        }
        return new ConfigLoader(f).read(defaultDataDir);
    }

    private OperatorConfig read(Path defaultDataDir) throws ConfigException {
        TomlParseResult toml;
        try {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(file, "file", "does not exist or is not a regular file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException(file, "file", "larger than " + MAX_BYTES + " bytes");
            }
            toml = Toml.parse(file);
        } catch (IOException e) {
            throw new ConfigException(file, "file", "cannot read (" + e.getClass().getSimpleName() + ")");
        }
        if (toml.hasErrors()) {
            TomlParseError e = toml.errors().getFirst();
            throw new ConfigException(file, "line " + e.position().line() + ", column " + e.position().column(),
                    e.getMessage());
        }
        checkKeys(toml, "");
        OperatorConfig d = OperatorConfig.defaults(defaultDataDir);
        Path dataDir = path(toml, "data_dir", d.dataDir());

        DatabaseSettings database = null;
        if (toml.contains(List.of("database"))) {
            TomlTable t = table(toml, "database");
            String url = string(t, "database.url", null);
            if (url == null) {
                throw new ConfigException(file, "database.url", "missing (jdbc:h2:… or jdbc:postgresql://…)");
            }
            try {
                database = new DatabaseSettings(url, string(t, "database.user", "airlock"),
                        path(t, "database.password_file", null));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file, "database.url", e.getMessage());
            }
            if (url.contains("password=")) {
                throw new ConfigException(file, "database.url", "holds a password; use database.password_file");
            }
        }

        Map<Credential, CredentialSource> credentials = new EnumMap<>(d.credentials());
        if (toml.contains(List.of("credentials"))) {
            TomlTable t = table(toml, "credentials");
            for (Credential c : Credential.values()) {
                String spec = string(t, "credentials." + c.key(), null);
                if (spec != null) {
                    try {
                        credentials.put(c, CredentialSource.parse(spec, base));
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(file, "credentials." + c.key(), e.getMessage());
                    }
                }
            }
        }
        String agent = toml.contains(List.of("agent")) ? string(table(toml, "agent"), "agent.default", null) : null;
        if (agent != null && !(agent.equals("claude") || agent.equals("codex") || agent.startsWith("script:")
                || agent.startsWith("cmd:") && agent.length() > 4)) {
            throw new ConfigException(file, "agent.default", "must be claude, codex, script:FILE or cmd:COMMAND");
        }
        if (agent != null && agent.startsWith("script:")) {
            agent = "script:" + base.resolve(agent.substring("script:".length())).normalize();
        }
        Path guardPolicy = toml.contains(List.of("guard")) ? existing(table(toml, "guard"), "guard.policy") : null;
        Path sandboxPolicy = toml.contains(List.of("sandbox")) ? existing(table(toml, "sandbox"), "sandbox.policy") : null;

        Budgets budgets = d.budgets();
        if (toml.contains(List.of("budgets"))) {
            TomlTable t = table(toml, "budgets");
            Duration wall = duration(t, "budgets.wall_time", budgets.wallTime());
            Long tokens = integer(t, "budgets.tokens");
            budgets = new Budgets(wall, tokens == null ? budgets.tokens() : tokens);
        }
        Duration roleTimeout = toml.contains(List.of("timeouts"))
                ? duration(table(toml, "timeouts"), "timeouts.role", d.roleTimeout()) : d.roleTimeout();
        return new OperatorConfig(file, dataDir, database, credentials, agent, guardPolicy, sandboxPolicy, budgets,
                roleTimeout);
    }

    private void checkKeys(TomlTable t, String prefix) throws ConfigException {
        Set<String> allowed = KEYS.get(prefix);
        for (String k : t.keySet()) {
            String full = prefix.isEmpty() ? k : prefix + "." + k;
            if (!allowed.contains(k)) {
                throw new ConfigException(file, full, "unknown key (allowed here: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
            if (prefix.isEmpty() && !k.equals("data_dir")) {
                if (!t.isTable(List.of(k))) {
                    throw new ConfigException(file, full, "must be a table ([" + k + "])");
                }
                checkKeys(t.getTable(List.of(k)), k);
            }
        }
    }

    private TomlTable table(TomlTable t, String key) {
        return t.getTable(List.of(key));
    }

    private String string(TomlTable t, String fullKey, String dflt) throws ConfigException {
        List<String> k = List.of(last(fullKey));
        if (!t.contains(k)) {
            return dflt;
        }
        if (!t.isString(k)) {
            throw new ConfigException(file, fullKey, "must be a string");
        }
        String v = t.getString(k);
        if (v.isEmpty() || v.indexOf(0) >= 0) {
            throw new ConfigException(file, fullKey, "must not be empty");
        }
        return v;
    }

    private Long integer(TomlTable t, String fullKey) throws ConfigException {
        List<String> k = List.of(last(fullKey));
        if (!t.contains(k)) {
            return null;
        }
        if (!t.isLong(k) || t.getLong(k) < 0) {
            throw new ConfigException(file, fullKey, "must be a non-negative integer");
        }
        return t.getLong(k);
    }

    private Path path(TomlTable t, String fullKey, Path dflt) throws ConfigException {
        String v = string(t, fullKey, null);
        return v == null ? dflt : base.resolve(v).normalize();
    }

    private Path existing(TomlTable t, String fullKey) throws ConfigException {
        Path p = path(t, fullKey, null);
        if (p != null && !Files.isRegularFile(p)) {
            throw new ConfigException(file, fullKey, "file " + p + " does not exist");
        }
        return p;
    }

    private Duration duration(TomlTable t, String fullKey, Duration dflt) throws ConfigException {
        String v = string(t, fullKey, null);
        if (v == null) {
            return dflt;
        }
        Duration d = parseDuration(v);
        if (d == null || d.isZero() || d.isNegative()) {
            throw new ConfigException(file, fullKey, "must be a positive duration such as \"90s\", \"30m\", \"2h\" "
                    + "or ISO-8601 \"PT30M\", got '" + v + "'");
        }
        return d;
    }

    /** {@code 90s}, {@code 30m}, {@code 2h} or ISO-8601 ({@code PT30M}); null if neither. */
    static Duration parseDuration(String v) {
        if (v.length() >= 2 && v.length() <= 12) {
            char unit = v.charAt(v.length() - 1);
            String n = v.substring(0, v.length() - 1);
            if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
                long amount = Long.parseLong(n);
                switch (unit) {
                    case 's' -> { return Duration.ofSeconds(amount); }
                    case 'm' -> { return Duration.ofMinutes(amount); }
                    case 'h' -> { return Duration.ofHours(amount); }
                    default -> { }
                }
            }
        }
        try {
            return Duration.parse(v);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String last(String fullKey) {
        return fullKey.substring(fullKey.lastIndexOf('.') + 1);
    }

    private static Set<String> keysOf() {
        java.util.Set<String> s = new java.util.HashSet<>();
        for (Credential c : Credential.values()) {
            s.add(c.key());
        }
        return Set.copyOf(s);
    }
}
