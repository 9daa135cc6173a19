package dev.airlock.proxy.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Where the guard reads a real credential from: {@code env:NAME} or {@code file:PATH}. Values never come from the
 * policy file itself, so the file can be reviewed and committed without holding a secret.
 */
public final class SecretSource {
    private final Function<String, String> env;

    public SecretSource(Function<String, String> env) {
        this.env = env;
    }

    public static SecretSource system() {
        return new SecretSource(System::getenv);
    }

    public static SecretSource of(Map<String, String> env) {
        return new SecretSource(env::get);
    }

    /** Resolves {@code spec}; fails with a message naming the spec (never the value) when it cannot. */
    public String resolve(String spec) {
        if (spec == null) {
            throw new PolicyException("secretSource missing");
        }
        String value;
        if (spec.startsWith("env:")) {
            value = env.apply(spec.substring(4));
            if (value == null) {
                throw new PolicyException("secretSource " + spec + ": environment variable is not set");
            }
        } else if (spec.startsWith("file:")) {
            try {
                value = Files.readString(Path.of(spec.substring(5)), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new PolicyException("secretSource " + spec + ": cannot read file (" + e.getClass().getSimpleName() + ")");
            }
        } else {
            throw new PolicyException("secretSource '" + spec + "' must start with env: or file:");
        }
        if (value.isEmpty()) {
            throw new PolicyException("secretSource " + spec + " is empty");
        }
        return value;
    }
}
