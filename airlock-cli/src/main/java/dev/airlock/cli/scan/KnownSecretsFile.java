package dev.airlock.cli.scan;

import dev.airlock.scan.KnownSecrets;
import dev.airlock.scan.ScanException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the operator's known secrets. One entry per line: {@code NAME=value} gives the value inline;
 * a bare {@code NAME} (or {@code NAME=} with nothing after) takes it from the environment variable {@code NAME}.
 * Blank lines and lines starting with {@code #} are ignored. Errors name the line, never echo a value.
 */
final class KnownSecretsFile {
    private KnownSecretsFile() {
    }

    static KnownSecrets load(Path file, Map<String, String> env) throws IOException {
        List<String> lines = Files.readAllLines(file);
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String name = (eq < 0 ? line : line.substring(0, eq)).strip();
            String value = eq < 0 ? "" : line.substring(eq + 1);
            if (value.isEmpty()) {
                value = env.get(name);
                if (value == null) {
                    throw new ScanException(file + ":" + (i + 1) + ": " + name
                            + " has no value and no environment variable of that name is set");
                }
            }
            if (values.put(name, value) != null) {
                throw new ScanException(file + ":" + (i + 1) + ": " + name + " is listed twice");
            }
        }
        return KnownSecrets.of(values);
    }
}
