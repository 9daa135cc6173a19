package dev.airlock.orchestrator;

import java.time.Duration;

/** A finished role process: its exit status, what it printed, how long it took. */
public record RoleResult(Role role, int exitCode, String stdout, String stderr, Duration elapsed) {

    /** The value of the first stdout line {@code "<key> <value>"}, or null. */
    public String field(String key) {
        for (String line : stdout.split("\n")) {
            if (line.startsWith(key + " ")) {
                return line.substring(key.length() + 1).strip();
            }
        }
        return null;
    }

    /** The last non-blank stderr line: the role's own statement of why it refused or failed. */
    public String reason() {
        String text = stderr.isBlank() ? stdout : stderr;
        String[] lines = text.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return lines[i].strip();
            }
        }
        return "exit status " + exitCode;
    }
}
