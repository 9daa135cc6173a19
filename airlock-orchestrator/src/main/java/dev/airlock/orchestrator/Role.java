package dev.airlock.orchestrator;

import java.util.Locale;

/** The processes a local run starts. Each holds exactly one kind of power (docs/architecture.md). */
public enum Role {
    /** The embedded S3 store: holds the drop's keys (in its own data directory, not in its environment). */
    DROP,
    /** The git service: the only holder of git push credentials, and of drop credentials for its two objects. */
    GIT,
    /** The egress guard: the only holder of the LLM API keys, which it injects into allowed requests. */
    GUARD,
    /** The agent worker: holds nothing but one presigned GET and one presigned PUT URL. */
    AGENT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
