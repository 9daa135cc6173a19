package dev.airlock.orchestrator.config;

import java.nio.file.Path;

/** A configuration file that cannot be used; the message names the file, the key (or line) and what is wrong. */
public final class ConfigException extends Exception {
    public ConfigException(Path file, String where, String problem) {
        super(file + ": " + where + ": " + problem);
    }
}
