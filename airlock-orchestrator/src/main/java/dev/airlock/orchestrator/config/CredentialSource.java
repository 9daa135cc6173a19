package dev.airlock.orchestrator.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where a credential is read from: {@code env:NAME} (a variable of the operator's environment) or {@code file:PATH}
 * (a file, e.g. a mounted secret; surrounding whitespace is stripped). The configuration file only ever names the
 * source, never holds the value.
 */
public sealed interface CredentialSource {
    record Env(String name) implements CredentialSource {
        @Override
        public String toString() {
            return "env:" + name;
        }
    }

    record File(Path path) implements CredentialSource {
        @Override
        public String toString() {
            return "file:" + path;
        }
    }

    /** Parses {@code env:NAME} or {@code file:PATH}; a relative path is resolved against {@code base}. */
    static CredentialSource parse(String spec, Path base) {
        if (spec.startsWith("env:") && isVariableName(spec.substring(4))) {
            return new Env(spec.substring(4));
        }
        if (spec.startsWith("file:") && spec.length() > 5 && spec.indexOf(0) < 0) {
            return new File(base.resolve(spec.substring(5)).normalize());
        }
        throw new IllegalArgumentException("must be env:NAME (letters, digits, _) or file:PATH, got '"
                + (spec.length() > 40 ? spec.substring(0, 40) + "…" : spec) + "'");
    }

    private static boolean isVariableName(String s) {
        if (s.isEmpty() || s.length() > 128 || Character.isDigit(s.charAt(0))) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    /** The value, or empty when the variable is unset/empty or the file is absent/empty. */
    default Optional<String> read(Function<String, String> env) throws IOException {
        String v = switch (this) {
            case Env e -> env.apply(e.name());
            case File f -> Files.exists(f.path()) ? Files.readString(f.path(), StandardCharsets.UTF_8).strip() : null;
        };
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }
}
